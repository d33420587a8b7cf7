/**
 * The mid-run limit switch with fake time and a scripted rsync: a run still going when the
 * schedule's limit changes is stopped and started again with the new limit and a partial-dir, and
 * the result is the whole one; a run that ends first, an outer cancel, a dry run and an append run
 * are left as they are. (test/engine/schedule-change.test.ts does it against a real daemon.)
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunProgress, RunRequest, RunResult, runRsync } from '../../electron/core/rsync/rsync-runner.ts';
import { LIMIT_SWITCH_POLICY, switchingLimit } from '../../electron/core/sync/limit-switch.ts';
import type { ScheduleRule } from '../../electron/shared/bandwidth-schedule.ts';
import { FakeClock } from '../support/fake-clock.ts';

/** Every day until 18:00 at 2M, unlimited after (the profile's own limit is none). */
const DAYTIME: ScheduleRule = {
  days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
  from: '00:00',
  to: '18:00',
  limit: '2M',
};
const profile = { bandwidthLimit: '', bandwidthSchedule: [DAYTIME] };
/** Local time, whatever the zone: 30 s before the limit changes. */
const BEFORE_SIX = new Date(2026, 11, 2, 17, 59, 30).getTime();
const PARTIAL = `--partial-dir=${LIMIT_SWITCH_POLICY.partialDir}`;

const base = (over: Partial<RunResult> = {}): RunResult => ({
  exitCode: 0,
  signal: undefined,
  timedOut: false,
  isCanceled: false,
  durationMs: 1_000,
  stderr: '',
  stats: null,
  ...over,
});
const stats = (over: Partial<NonNullable<RunResult['stats']>> = {}): NonNullable<RunResult['stats']> => ({
  files: 3,
  regularFilesTransferred: 1,
  created: 1,
  deleted: 0,
  totalFileSize: 3_000,
  transferredFileSize: 1_000,
  bytesSent: 400,
  bytesReceived: 50,
  ...over,
});

interface Call {
  req: RunRequest;
  finish(result: RunResult): void;
}

/** A stand-in for runRsync: each call waits until the test finishes it, or its signal aborts it
 *  (then it answers as execa does for a canceled rsync, with what it gave for that case). */
function scripted(onCancel: (call: Call) => RunResult = () => base({ exitCode: undefined, isCanceled: true })) {
  const calls: Call[] = [];
  const run = ((req: RunRequest) =>
    new Promise<RunResult>((resolve) => {
      const call: Call = { req, finish: resolve };
      calls.push(call);
      if (req.signal?.aborted) resolve(onCancel(call));
      req.signal?.addEventListener('abort', () => resolve(onCancel(call)), { once: true });
    })) as typeof runRsync;
  return { run, calls };
}

const request = (over: Partial<RunRequest> = {}): RunRequest => ({
  rsyncPath: 'rsync',
  args: ['-a', '--bwlimit=99K', '--stats', '/src/', 'rsync://h/m/'],
  ...over,
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'limit-switch-'));
  await writeFile(path.join(dir, 'done.bin'), Buffer.alloc(5_000));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('switchingLimit', () => {
  it('leaves a profile without schedule rules alone', () => {
    const { run } = scripted();
    expect(switchingLimit(run, { profile: { bandwidthLimit: '5M' }, clock: new FakeClock() })).toBe(run);
  });

  it('restarts a run the limit change finds still going, with the new limit and a partial-dir, and reports the whole', async () => {
    const clock = new FakeClock(BEFORE_SIX);
    const { run, calls } = scripted((call) =>
      base({
        exitCode: undefined,
        signal: 'SIGTERM',
        isCanceled: true,
        durationMs: 30_000,
        stderr: 'rsync error: received SIGINT, SIGTERM, or SIGHUP (code 20)',
        // The first part sent a file whole and began another (itemized again by the second part).
        sent: call.req.args.includes('--bwlimit=2048K')
          ? { count: 2, names: ['done.bin', 'big.bin'] }
          : { count: 0, names: [] },
      }),
    );
    const progress: RunProgress[] = [];
    const whole = switchingLimit(run, { profile, clock })(
      request({
        args: ['-a', '--bwlimit=99K', '--stats', `${dir}/`, 'rsync://h/m/'],
        onProgress: (p) => progress.push(p),
      }),
    );
    await clock.advance(0);
    expect(calls).toHaveLength(1);
    // The schedule's limit at the clock's time replaces the one the args came with.
    expect(calls[0]!.req.args).toEqual(['--bwlimit=2048K', PARTIAL, '-a', '--stats', `${dir}/`, 'rsync://h/m/']);
    calls[0]!.req.onProgress?.({ bytes: 60_000, percent: null, bytesPerSecond: 2_000, etaSeconds: null });

    await clock.advance(29_999);
    expect(calls).toHaveLength(1);
    await clock.advance(1);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.req.args).toEqual([PARTIAL, '-a', '--stats', `${dir}/`, 'rsync://h/m/']);
    // The second part's progress goes on from the first's.
    calls[1]!.req.onProgress?.({ bytes: 10, percent: null, bytesPerSecond: 9_000, etaSeconds: null });
    expect(progress.map((p) => p.bytes)).toEqual([60_000, 60_010]);

    calls[1]!.finish(base({ durationMs: 2_000, stats: stats(), sent: { count: 1, names: ['big.bin'] } }));
    const result = await whole;
    expect(result.isCanceled).toBe(false);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.durationMs).toBe(32_000);
    expect(result.sent).toEqual({ count: 2, names: ['done.bin', 'big.bin'] });
    expect(result.stats).toEqual(stats({ regularFilesTransferred: 2, transferredFileSize: 6_000, bytesSent: 60_400 }));
    expect(clock.pendingTimers).toBe(0);
  });

  it('does not restart a run that ends before the change, and looks at the limit at least once a minute', async () => {
    const clock = new FakeClock(new Date(2026, 11, 2, 12, 0).getTime());
    const { run, calls } = scripted();
    const whole = switchingLimit(run, { profile, clock })(request());
    await clock.advance(0);
    // Six hours to the change: the timer is a minute's.
    expect(clock.nextAt).toBe(clock.now() + LIMIT_SWITCH_POLICY.recheckMs);
    await clock.advance(5 * 60_000);
    expect(calls).toHaveLength(1);
    calls[0]!.finish(base({ stats: stats() }));
    expect((await whole).stats).toEqual(stats());
    expect(clock.pendingTimers).toBe(0);
  });

  it('stops for good when the run itself is canceled, also after a switch', async () => {
    const clock = new FakeClock(BEFORE_SIX);
    const { run, calls } = scripted();
    const abort = new AbortController();
    const whole = switchingLimit(run, { profile, clock })(request({ signal: abort.signal }));
    await clock.advance(30_000);
    expect(calls).toHaveLength(2);
    abort.abort();
    const result = await whole;
    expect(result.isCanceled).toBe(true);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.req.signal?.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('takes a run that ended just as the limit changed as it is', async () => {
    const clock = new FakeClock(BEFORE_SIX);
    // rsync had already exited: the abort finds nothing to stop.
    const { run, calls } = scripted(() => base({ stats: stats() }));
    const result = await Promise.all([switchingLimit(run, { profile, clock })(request()), clock.advance(30_000)]);
    expect(calls).toHaveLength(1);
    expect(result[0].stats).toEqual(stats());
  });

  it('gives a dry run the partial-dir (so both judge the same tree) but never restarts it', async () => {
    const clock = new FakeClock(BEFORE_SIX);
    const { run, calls } = scripted();
    const whole = switchingLimit(run, { profile, clock })(
      request({ args: ['-a', '--dry-run', '/s/', 'rsync://h/m/'] }),
    );
    await clock.advance(0);
    expect(clock.pendingTimers).toBe(0);
    await clock.advance(60_000);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.req.args).toContain(PARTIAL);
    calls[0]!.finish(base());
    await whole;
  });

  it('gives an append run no partial-dir, which rsync refuses beside --append', async () => {
    const clock = new FakeClock(BEFORE_SIX);
    const { run, calls } = scripted();
    const whole = switchingLimit(run, { profile, clock })(request({ args: ['-a', '--append', '/s/', 'rsync://h/m/'] }));
    await clock.advance(30_000);
    expect(calls.map((c) => c.req.args)).toEqual([
      ['--bwlimit=2048K', '-a', '--append', '/s/', 'rsync://h/m/'],
      ['-a', '--append', '/s/', 'rsync://h/m/'],
    ]);
    calls[1]!.finish(base());
    await whole;
  });
});
