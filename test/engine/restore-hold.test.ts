/**
 * The hold a restore into a watched source keeps on its profile: transient (never in the saved
 * pause state, so a host that crashes mid-restore restarts with syncing on), leased (a restore
 * dropped without its `finally` lets syncing resume by itself, and the log says so), and said
 * while it holds ("paused: restoring"). The lease's timing is driven by a fake clock; the crash
 * is played against a real engine and a real daemon.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { holdWhilePulling } from '../../electron/core/service/restore-hold.ts';
import { ControlState } from '../../electron/core/sync/control-state.ts';
import { TransientHolds } from '../../electron/core/sync/transient-holds.ts';
import type { RunResult } from '../../electron/core/rsync/rsync-runner.ts';
import { statusLine } from '../../electron/shared/presenter.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.ts';
import { exists } from '../support/trees.ts';

describe('transient holds (fake clock)', () => {
  it('hold until released or until the lease runs out unrenewed, then say so once', async () => {
    const clock = new FakeClock();
    const lapsed: string[] = [];
    let changes = 0;
    const holds = new TransientHolds(
      clock,
      () => changes++,
      (p, r) => lapsed.push(`${p}: ${r}`),
    );
    const a = holds.take('docs', { reason: 'restoring', leaseMs: 60_000 });
    expect(holds.reasonOf('docs')).toBe('restoring');
    expect(holds.reasonOf('photos')).toBeNull();
    await clock.advance(50_000);
    expect(a.renew()).toBe(true);
    await clock.advance(50_000);
    expect(holds.reasonOf('docs')).toBe('restoring');
    await clock.advance(10_001);
    expect(holds.reasonOf('docs')).toBeNull();
    expect(lapsed).toEqual(['docs: restoring']);
    expect(a.renew()).toBe(false);
    const b = holds.take('docs', { reason: 'restoring', leaseMs: 60_000 });
    b.release();
    b.release();
    await clock.advance(120_000);
    expect(lapsed).toHaveLength(1);
    expect(holds.reasonOf('docs')).toBeNull();
    // take, lapse, take, release: each a change the engine re-applies.
    expect(changes).toBe(4);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a restore renews its hold only while one of its pulls is alive; a dry run takes none', async () => {
    const clock = new FakeClock();
    const holds = new TransientHolds(
      clock,
      () => undefined,
      () => undefined,
    );
    const policy = { reason: 'restoring', leaseMs: 60_000, heartbeatMs: 15_000 };
    const pull = holdWhilePulling((o) => holds.take('docs', o), clock, policy);
    let finish: (r: RunResult) => void = () => undefined;
    const run = pull.wrap(() => new Promise<RunResult>((resolve) => (finish = resolve)));
    void run({ rsyncPath: 'rsync', args: ['-a', '--dry-run'] });
    expect(holds.reasonOf('docs')).toBeNull();
    finish({ exitCode: 0 } as RunResult);
    const running = run({ rsyncPath: 'rsync', args: ['-a'] });
    expect(holds.reasonOf('docs')).toBe('restoring');
    // A pull that runs ten minutes keeps it held all along.
    await clock.advance(600_000);
    expect(holds.reasonOf('docs')).toBe('restoring');
    finish({ exitCode: 0 } as RunResult);
    await running;
    // The restore "crashed" here: no release. Nothing renews the lease any more.
    await clock.advance(60_001);
    expect(holds.reasonOf('docs')).toBeNull();
    expect(clock.pendingTimers).toBe(0);
  });
});

let fx: SyncFixture | undefined;
let stateDir: string | undefined;
afterEach(async () => {
  await fx?.dispose();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
  fx = undefined;
  stateDir = undefined;
});
const newStateDir = async () => (stateDir = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-hold-')));

describe('a restore dropped without its finally, against a real engine', () => {
  it('says "paused: restoring", saves nothing, and resumes syncing when the lease runs out', async () => {
    const dir = await newStateDir();
    fx = await startSyncFixture({ engine: { stateDir: dir } });
    await writeFile(path.join(fx.source, 'before.txt'), 'before');
    await fx.converged();

    // What the restore service does when its first pull starts, and then never the release.
    const hold = fx.engine.hold('test', { reason: 'restoring', leaseMs: 1_500 });
    const held = await fx.waitForStatus((s) => s.state === 'paused');
    expect(held.pauseReason).toBe('restoring');
    expect(statusLine(held, Date.now())).toMatch(/^paused: restoring/);
    // Not in the saved pause state: a host that crashed here would restart with syncing on.
    await new Promise((r) => setTimeout(r, 100));
    const saved = await ControlState.load(ControlState.fileIn(dir));
    expect(saved.isPaused('test', Date.now())).toBe(false);

    await writeFile(path.join(fx.source, 'during.txt'), 'written while held');
    // The lease runs out unrenewed: syncing resumes by itself and the change goes out.
    await fx.converged({ timeoutMs: 20_000 });
    expect(await readFile(path.join(fx.backup, 'during.txt'), 'utf8')).toBe('written while held');
    expect(fx.status().state).toBe('idle');
    expect(fx.status().pauseReason).toBeUndefined();
    expect(hold.renew()).toBe(false);
    const warned = fx.events.filter((e) => e.type === 'log' && e.level === 'warn' && /while restoring/.test(e.message));
    expect(warned).toHaveLength(1);
    expect(await exists(path.join(fx.backup, 'before.txt'))).toBe(true);
  }, 60_000);

  it("a person's pause stays when the hold ends, and is the one that is saved", async () => {
    const dir = await newStateDir();
    fx = await startSyncFixture({ engine: { stateDir: dir } });
    await fx.converged();
    fx.engine.pause('test');
    const hold = fx.engine.hold('test', { reason: 'restoring', leaseMs: 60_000 });
    expect((await fx.waitForStatus((s) => s.pauseReason === 'restoring')).state).toBe('paused');
    hold.release();
    const after = await fx.waitForStatus((s) => s.state === 'paused' && s.pauseReason === undefined);
    expect(after.pausedUntil).toBeNull();
    await new Promise((r) => setTimeout(r, 100));
    expect((await ControlState.load(ControlState.fileIn(dir))).isPaused('test', Date.now())).toBe(true);
  }, 60_000);
});
