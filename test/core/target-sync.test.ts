/**
 * TargetSync in fake time: the scheduler's decisions carried out, with rsync scripted. What
 * these check used to need a real daemon and sleeps (and a wall-clock median); here the time is
 * exact, so each rule is checked to the millisecond and cannot flake.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RsyncTrayError } from '../../electron/shared/errors.ts';
import { ProfileSchema } from '../../electron/shared/profile-schema.ts';
import { profileExcludes } from '../../electron/core/rsync/rsync-args.ts';
import type { RunRequest, RunResult } from '../../electron/core/rsync/rsync-runner.ts';
import { TargetSync } from '../../electron/core/sync/target-sync.ts';
import { eventually, FakeClock } from '../support/fake-clock.ts';

let source: string;
beforeEach(async () => {
  source = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-ts-'));
});
afterEach(async () => {
  await rm(source, { recursive: true, force: true });
});

const ok = (): RunResult => ({
  exitCode: 0,
  signal: undefined,
  timedOut: false,
  isCanceled: false,
  durationMs: 1,
  stderr: '',
  stats: null,
});
const refused = (): RunResult => ({
  ...ok(),
  exitCode: 10,
  stderr: 'rsync: failed to connect to 127.0.0.1 (127.0.0.1): Connection refused (111)\n',
});

/** A target whose rsync answers from `answer`; each run is noted with the fake time it started. */
function target(
  clock: FakeClock,
  answer: (req: RunRequest) => Promise<RunResult> | RunResult,
  over: { assertSource?: (s: string) => Promise<void> } = {},
) {
  const profile = ProfileSchema.parse({
    name: 'p',
    source,
    debounceMs: 5,
    maxDelayMs: 250,
    deletions: false,
    keepDeletedDays: 0,
    targets: [{ host: '127.0.0.1', module: 'm', auth: { type: 'none' } }],
  });
  const runs: Array<{ at: number; batch: boolean }> = [];
  const sync = new TargetSync({
    profile,
    target: profile.targets[0]!,
    caps: { path: 'rsync', version: '3.4.1', protocol: 32, deleteMissingArgs: true, mkpath: true, infoProgress2: true },
    excludes: profileExcludes(profile),
    clock,
    random: () => 1,
    run: async (req) => {
      runs.push({ at: clock.now(), batch: req.args.includes('--files-from=-') });
      return answer(req);
    },
    onChange: () => undefined,
    onRun: () => undefined,
    log: () => undefined,
    assertSource: async () => undefined,
    ...over,
  });
  return { sync, runs };
}

describe('TargetSync scheduling in fake time', () => {
  it('starts with a full sync at once, then batches a change after debounceMs of quiet', async () => {
    const clock = new FakeClock();
    const { sync, runs } = target(clock, ok);
    const t0 = clock.now();
    sync.start();
    await clock.advance(0);
    await eventually(() => runs.length === 1);
    expect(runs).toEqual([{ at: t0, batch: false }]);
    await writeFile(path.join(source, 'a'), 'x');
    sync.notify([{ path: 'a', kind: 'create' }]);
    await clock.advance(4);
    expect(runs).toHaveLength(1);
    await clock.advance(1);
    await eventually(() => sync.status.state === 'idle');
    expect(runs[1]).toEqual({ at: t0 + 5, batch: true });
    await sync.dispose();
  });

  it('many changes that arrive during a run go right after it, not after another debounce', async () => {
    const clock = new FakeClock();
    let release: (() => void) | null = null;
    const { sync, runs } = target(clock, (req) =>
      req.args.includes('--files-from=-') && runs.length === 2
        ? new Promise<RunResult>((r) => (release = () => r(ok())))
        : ok(),
    );
    sync.start();
    await clock.advance(0);
    const names = Array.from({ length: 120 }, (_, i) => `f${i}`);
    await Promise.all(names.map((n) => writeFile(path.join(source, n), n)));
    sync.notify(names.slice(0, 60).map((p) => ({ path: p, kind: 'create' as const })));
    await clock.advance(5); // the first batch starts and is held
    await eventually(() => runs.length === 2);
    sync.notify(names.slice(60).map((p) => ({ path: p, kind: 'create' as const })));
    await clock.advance(40);
    const endedAt = clock.now();
    release!();
    // The run's end schedules the next one for that same instant: no fake time has to pass.
    await eventually(() => clock.nextAt !== null);
    expect(clock.nextAt).toBe(endedAt);
    await clock.advance(0);
    await eventually(() => runs.length === 3);
    expect(runs[2], 'the next batch starts the instant the first ends').toEqual({ at: endedAt, batch: true });
    await sync.dispose();
  });

  it('a target with pending changes is never current, and a failed run leaves them pending', async () => {
    const clock = new FakeClock();
    let fail = false;
    const { sync } = target(clock, () => (fail ? refused() : ok()));
    sync.start();
    await clock.advance(0);
    await writeFile(path.join(source, 'a'), 'x');
    fail = true;
    sync.notify([{ path: 'a', kind: 'update' }]);
    expect(sync.status).toMatchObject({ state: 'syncing', pending: 1 });
    await clock.advance(5);
    await eventually(() => sync.status.state === 'retrying');
    expect(sync.status).toMatchObject({ state: 'retrying', pending: 1, retry: { attempt: 1 } });
    expect(sync.status.lastSuccessAt).not.toBeNull(); // the full sync's, not this change's
    await sync.dispose();
  });
});

describe('backoff is owned by the target, and only a person or a fix cuts it short', () => {
  it('watcher rescans while the source is missing wait out the backoff (no attempt climb, no flicker)', async () => {
    const clock = new FakeClock();
    const missing = async () => {
      throw new RsyncTrayError('SOURCE_MISSING', 'gone', 'mount it');
    };
    const { sync } = target(clock, ok, { assertSource: missing });
    sync.start();
    await clock.advance(0);
    const first = sync.status.retry!;
    expect(first.attempt).toBe(1);
    // The profile's root-gone retry asks for a rescan every 5 s; before the fix each one reset
    // the backoff, so the attempt count climbed every 5 s and "next try" jumped about.
    for (let i = 0; i < 4; i++) {
      await clock.advance(5_000);
      sync.requestRescan();
      expect(sync.status.retry).toEqual(first);
      expect(sync.status.state).toBe('error');
    }
    await clock.advance(first.nextAt - clock.now());
    expect(sync.status.retry!.attempt).toBe(2);
    await sync.dispose();
  });

  it('a person’s Sync now cuts the wait short', async () => {
    const clock = new FakeClock();
    const { sync, runs } = target(clock, refused);
    sync.start();
    await clock.advance(0);
    expect(sync.status.retry!.nextAt).toBeGreaterThan(clock.now());
    sync.requestFullSync();
    await clock.advance(0);
    expect(runs).toHaveLength(2);
    expect(sync.status.retry!.attempt).toBe(2);
    await sync.dispose();
  });

  it('retryNow (a password was stored) retries at once; with no failure it does nothing', async () => {
    const clock = new FakeClock();
    let fail = true;
    const { sync, runs } = target(clock, () => (fail ? refused() : ok()));
    sync.start();
    await clock.advance(0);
    expect(sync.status.state).toBe('retrying');
    fail = false;
    sync.retryNow();
    await clock.advance(0);
    expect(runs).toHaveLength(2);
    expect(sync.status.state).toBe('idle');
    sync.retryNow();
    await clock.advance(0);
    expect(runs).toHaveLength(2);
    await sync.dispose();
  });
});
