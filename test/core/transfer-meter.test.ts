/**
 * A target's transfer display in fake time, rsync scripted: the rate shown is smoothed and
 * capped at the limit in force (the profile's, or its schedule's rule of the hour), falls to 0 while the bytes rsync writes stop growing (a
 * stall), the pending count moves down as the batch goes through its file list, and the last
 * run's failures and the last contact are in the status. A full sync counted before it runs
 * shows files and bytes of its totals and the time left; the count is skipped where it would
 * only double a short reconcile.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorInfo } from '../../electron/shared/errors.ts';
import { ProfileSchema } from '../../electron/shared/profile-schema.ts';
import { profileExcludes } from '../../electron/core/rsync/rsync-args.ts';
import type { RunRequest, RunResult } from '../../electron/core/rsync/rsync-runner.ts';
import { FULL_COUNT_POLICY, FullSyncCounter } from '../../electron/core/sync/full-sync-count.ts';
import { TargetSync } from '../../electron/core/sync/target-sync.ts';
import { TransferMeter } from '../../electron/core/sync/transfer-meter.ts';
import { eventually, FakeClock } from '../support/fake-clock.ts';

const MiB = 1024 ** 2;
let source: string;
beforeEach(async () => {
  source = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-tm-'));
});
afterEach(async () => {
  await rm(source, { recursive: true, force: true });
});

const result = (over: Partial<RunResult> = {}): RunResult => ({
  exitCode: 0,
  signal: undefined,
  timedOut: false,
  isCanceled: false,
  durationMs: 1,
  stderr: '',
  stats: null,
  ...over,
});

function target(
  clock: FakeClock,
  answer: (req: RunRequest) => Promise<RunResult> | RunResult,
  probe?: () => Promise<ErrorInfo | null>,
) {
  const profile = ProfileSchema.parse({
    name: 'p',
    source,
    debounceMs: 5,
    maxDelayMs: 250,
    deletions: false,
    keepDeletedDays: 0,
    bandwidthLimit: '1M',
    targets: [{ host: '127.0.0.1', module: 'm', auth: { type: 'none' } }],
  });
  return new TargetSync({
    profile,
    target: profile.targets[0]!,
    caps: { path: 'rsync', version: '3.4.1', protocol: 32, deleteMissingArgs: true, mkpath: true, infoProgress2: true },
    excludes: profileExcludes(profile),
    clock,
    random: () => 1,
    run: async (req) => answer(req),
    onChange: () => undefined,
    onRun: () => undefined,
    log: () => undefined,
    assertSource: async () => undefined,
    ...(probe ? { probe, reachability: { idleEveryMs: 1_000, downEveryMs: 1_000 } } : {}),
  });
}

describe('the transfer display of a target, in fake time', () => {
  it('caps the rate at the limit, moves pending down, and lets the rate fall in a stall', async () => {
    const clock = new FakeClock();
    let progress: RunRequest['onProgress'];
    let release: (() => void) | null = null;
    const sync = target(clock, (req) => {
      if (!req.args.includes('--files-from=-')) return result();
      progress = req.onProgress;
      return new Promise<RunResult>((r) => (release = () => r(result())));
    });
    sync.start();
    await clock.advance(0);
    await eventually(() => sync.status.state === 'idle');
    expect(sync.status.lastContactAt, 'the full sync reached the daemon').toBe(clock.now());

    const names = Array.from({ length: 10 }, (_, i) => `f${i}`);
    for (const n of names) await writeFile(path.join(source, n), n);
    sync.notify(names.map((p) => ({ path: p, kind: 'create' as const })));
    await clock.advance(5);
    await eventually(() => progress !== undefined);
    expect(sync.status.pending).toBe(10);

    // rsync claims 3 MiB/s (its per-file column) while bursts move 1.5 MiB/s: above the 1 MiB/s limit.
    const rates: number[] = [];
    for (let t = 0; t <= 4_000; t += 500) {
      const done = Math.min(10, Math.floor(t / 500));
      progress!({
        bytes: (t / 1000) * 1.5 * MiB,
        percent: null,
        bytesPerSecond: 3 * MiB,
        etaSeconds: null,
        filesDone: done,
        filesTotal: 11,
      });
      rates.push(sync.status.progress!.bytesPerSecond);
      await clock.advance(500);
    }
    expect(rates[0], 'no rate on the first tick').toBe(0);
    expect(sync.status.lastContactAt, 'bytes moving mid-run: the daemon answers').toBe(clock.now() - 500);
    expect(Math.max(...rates)).toBe(MiB);
    expect(sync.status.pending, 'the batch is 8 of 11 through its list').toBe(Math.round(10 * (1 - 8 / 11)));
    expect(sync.status.progress!.filesDone).toBe(8);

    // A stall: the bytes rsync has written stop growing (the runner still reads them each tick).
    const stalled = 4.5 * 1.5 * MiB;
    for (let t = 0; t < 6_000; t += 500) {
      progress!({ bytes: 6 * MiB, wireBytes: stalled, percent: null, bytesPerSecond: 3 * MiB, etaSeconds: null });
      await clock.advance(500);
    }
    expect(sync.status.progress!.bytesPerSecond).toBe(0);
    expect(sync.status.lastContactAt, 'a stall is not contact').toBeLessThan(clock.now() - 5_000);

    release!();
    await eventually(() => sync.status.state === 'idle');
    expect(sync.status.pending).toBe(0);
    expect(sync.status.progress).toBeNull();
    expect(sync.status.rateHistory!.samples.some((s) => s === MiB)).toBe(true);
    await sync.dispose();
  });

  it('keeps what the last run could not send, until a run sends everything', async () => {
    const clock = new FakeClock();
    let fail = true;
    const sync = target(clock, (req) =>
      fail && req.args.includes('--files-from=-')
        ? result({
            exitCode: 23,
            stderr:
              `rsync: [sender] send_files failed to open "${source}/locked.db": Permission denied (13)\n` +
              'rsync error: some files/attrs were not transferred (see previous errors) (code 23)\n',
          })
        : result(),
    );
    sync.start();
    await clock.advance(0);
    await eventually(() => sync.status.state === 'idle');
    await writeFile(path.join(source, 'locked.db'), 'x');
    sync.notify([{ path: 'locked.db', kind: 'create' }]);
    await clock.advance(5);
    await eventually(() => sync.status.failed !== null && sync.status.failed !== undefined);
    expect(sync.status.failed).toEqual({ count: 1, names: ['locked.db'], at: clock.now() });
    fail = false;
    sync.retryNow();
    await clock.advance(0);
    await eventually(() => sync.status.state === 'idle');
    expect(sync.status.failed).toBeNull();
    await sync.dispose();
  });

  it('an idle probe that answers moves the last contact; one that does not keeps it and says since when', async () => {
    const clock = new FakeClock();
    let up = true;
    const refused: ErrorInfo = { code: 'CONNECTION_REFUSED', message: 'refused', hint: 'start it' };
    const sync = target(
      clock,
      () => result(),
      async () => (up ? null : refused),
    );
    sync.start();
    await clock.advance(0);
    await eventually(() => sync.status.state === 'idle');
    const afterRun = sync.status.lastContactAt!;
    await clock.advance(1_000);
    await eventually(() => sync.status.lastContactAt! > afterRun);
    expect(sync.status.lastContactAt).toBe(afterRun + 1_000);
    expect(sync.status.unreachableSince).toBeNull();
    up = false;
    await clock.advance(1_000);
    await eventually(() => sync.status.unreachableSince !== null);
    expect(sync.status.unreachableSince).toBe(afterRun + 2_000);
    expect(sync.status.lastContactAt, 'the last answer stays the last contact').toBe(afterRun + 1_000);
    await sync.dispose();
  });
});

describe('the meter on its own: the limit in force, and a full sync counted before it runs', () => {
  /** A Monday at `hour`:00 local time (the schedule reads the wall clock). */
  const monday = (hour: number, minute = 0) => new Date(2026, 0, 5, hour, minute).getTime();
  const reading = (bytes: number, filesDone?: number) => ({
    bytes,
    percent: null,
    bytesPerSecond: 0,
    etaSeconds: null,
    ...(filesDone === undefined ? {} : { filesDone }),
  });
  /** 3 MiB/s for 4 s from `start`, read every 500 ms: the rates the meter showed. */
  function feed(meter: TransferMeter, start: number, kind: 'batch' | 'full' = 'batch') {
    meter.begin({ kind, dryRun: false });
    const rates: number[] = [];
    for (let t = 0; t <= 4_000; t += 500)
      rates.push(meter.shape(kind, reading((t / 1000) * 3 * MiB), start + t).bytesPerSecond);
    return rates;
  }
  const rule = (limit: string) => ({ days: ['mon' as const], from: '08:00', to: '10:00', limit });

  it('caps the rate at the schedule’s limit while its rule holds, and at the profile’s outside it', () => {
    const meter = new TransferMeter({ bandwidthLimit: '', bandwidthSchedule: [rule('1M')] });
    expect(Math.max(...feed(meter, monday(9))), 'Monday 09:00: the rule’s 1 MiB/s').toBe(MiB);
    expect(Math.max(...feed(meter, monday(10, 30))), 'Monday 10:30: unlimited').toBe(3 * MiB);
    expect(meter.limitNow(monday(9, 59))).toBe(MiB);
    expect(meter.limitNow(monday(10))).toBe(0);
  });

  it('an unlimited rule lifts the profile’s limit: the rate shown is the real one', () => {
    const meter = new TransferMeter({ bandwidthLimit: '1M', bandwidthSchedule: [rule('')] });
    expect(Math.max(...feed(meter, monday(9)))).toBe(3 * MiB);
    expect(Math.max(...feed(meter, monday(11)))).toBe(MiB);
    // Compressed data may pass the limit honestly: no cap then.
    expect(new TransferMeter({ bandwidthLimit: '1M', compress: true }).limitNow(monday(11))).toBe(0);
  });

  it('a counted full sync shows files and bytes of its totals, a percentage and the time left', () => {
    const meter = new TransferMeter({ bandwidthLimit: '' });
    const start = monday(12);
    meter.begin({ kind: 'full', dryRun: false, total: { files: 40, bytes: 20 * MiB } });
    let p = meter.shape('full', reading(0), start);
    expect(p).toMatchObject({ filesDone: 0, filesTotal: 40, bytesTotal: 20 * MiB, percent: 0, etaSeconds: null });
    for (let t = 500; t <= 4_000; t += 500) p = meter.shape('full', reading((t / 1000) * MiB, t / 200), start + t);
    // 4 MiB of 20 at 1 MiB/s: 16 s left.
    expect(p).toMatchObject({ filesDone: 20, filesTotal: 40, percent: 20, bytesPerSecond: MiB, etaSeconds: 16 });
    // A total is an estimate (deltas send less, the list a little more): never past it.
    p = meter.shape('full', reading(21 * MiB, 45), start + 4_500);
    expect(p).toMatchObject({ filesDone: 40, percent: 100, etaSeconds: 0 });
    // rsync's own totals, where it gives them (progress lines), win over the count.
    meter.begin({ kind: 'full', dryRun: false, total: { files: 40, bytes: 20 * MiB } });
    p = meter.shape('full', { ...reading(MiB, 3), filesTotal: 7, bytesTotal: 2 * MiB, percent: 50 }, start + 5_000);
    expect(p).toMatchObject({ filesTotal: 7, bytesTotal: 2 * MiB, percent: 50 });
    // A run without a count says what it sent, as before.
    meter.begin({ kind: 'full', dryRun: false });
    expect(meter.shape('full', reading(MiB, 3), start + 6_000)).toMatchObject({
      filesDone: 3,
      filesTotal: null,
      bytesTotal: null,
      percent: null,
      etaSeconds: null,
    });
  });

  it('counts the first full sync, and later ones only after a long one that ended a while ago', () => {
    const counter = new FullSyncCounter();
    const t0 = monday(12);
    expect(counter.wanted('batch', false, t0), 'batches list few files: never').toBe('no');
    expect(counter.wanted('full', true, t0), 'nor a dry run').toBe('no');
    expect(counter.wanted('full', false, t0), 'the first full sync: into an empty backup').toBe('if-empty');
    const long = result({ durationMs: FULL_COUNT_POLICY.skipAfterShorterThanMs + 1 });
    counter.ended('full', false, long, t0);
    expect(counter.wanted('full', false, t0 + 1_000), 'the deleting run right after').toBe('no');
    expect(counter.wanted('full', false, t0 + FULL_COUNT_POLICY.skipWithinMs)).toBe('count');
    counter.ended('batch', false, result({ durationMs: 1 }), t0 + 2_000);
    expect(counter.wanted('full', false, t0 + FULL_COUNT_POLICY.skipWithinMs), 'a batch changes nothing').toBe('count');
    counter.ended('full', false, result({ durationMs: 1_400 }), t0 + 3_000);
    expect(counter.wanted('full', false, t0 + 3_600_000), 'a reconcile of 1.4 s: not doubled').toBe('no');
    counter.ended('full', false, result({ durationMs: 60_000, isCanceled: true }), t0 + 3_700_000);
    expect(counter.wanted('full', false, t0 + 7_200_000), 'a canceled run says nothing').toBe('no');
  });
});
