/**
 * The batch's split into --append and exact (growth-batch.ts) over real files: only a remembered
 * file changed in place that grew is appended; a new or replaced file, a deletion and a file
 * under a deleted folder lose their memory; a burst of edits snapshots a bounded few. And the
 * pace: a batch of nothing but remembered growing files waits the cadence after the last run.
 */
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { paceGrowth, settleGrowth, splitGrowth } from '../../electron/core/sync/growth-batch.ts';
import { GROWTH_POLICY, GrowthTracker } from '../../electron/core/sync/growth-tracker.ts';
import { PendingPaths } from '../../electron/core/sync/pending-paths.ts';
import { FakeClock } from '../support/fake-clock.ts';

const policy = { ...GROWTH_POLICY, windowBytes: 1024, minBytes: 4096 };
const UPDATE = 2; // pending-paths.ts flags: create 1, update 2, delete 4
const CREATE = 1;

let dir: string;
let tracker: GrowthTracker;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'growth-batch-'));
  tracker = new GrowthTracker(dir, new FakeClock(), policy);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Synced once exactly: listed, snapshotted, its run succeeded. */
async function synced(rel: string, flags = UPDATE): Promise<void> {
  const split = await splitGrowth([rel], new Map([[rel, flags]]), new Set(), tracker, 64);
  settleGrowth(tracker, split, split.exact, true);
}

describe('splitGrowth', () => {
  it('appends a remembered file that grew; never a new one; forgets deleted and replaced ones', async () => {
    await mkdir(join(dir, 'logs'));
    await mkdir(join(dir, 'old'));
    const files = ['logs/a.log', 'old/b.log', 'c.log'];
    for (const f of files) await writeFile(join(dir, f), Buffer.alloc(8192, 'x'));
    for (const f of files) await synced(f);
    expect(tracker.size).toBe(3);
    await writeFile(join(dir, 'new.log'), Buffer.alloc(8192, 'n'));
    for (const f of files) await appendFile(join(dir, f), 'more\n');

    const entries = new Map([
      ['logs/a.log', UPDATE],
      ['c.log', CREATE | UPDATE], // replaced (a rename over it): not appended, forgotten
      ['new.log', UPDATE], // changed in place but never synced: exact, snapshotted
      ['old', 4], // a deleted folder: old/b.log goes with it
    ]);
    const split = await splitGrowth([...entries.keys()], entries, new Set(['old']), tracker, 64);
    expect(split.append).toEqual(['logs/a.log']);
    expect(split.exact).toEqual(['c.log', 'new.log', 'old']);
    expect(tracker.has('c.log')).toBe(false);
    expect(tracker.has('old/b.log')).toBe(false);
    expect([...split.snapshots.keys()].sort()).toEqual(['logs/a.log', 'new.log']);
  });

  it('a failed run forgets what it carried; a burst snapshots at most the per-batch bound', async () => {
    await writeFile(join(dir, 'a.log'), Buffer.alloc(8192, 'x'));
    await synced('a.log');
    await appendFile(join(dir, 'a.log'), 'more\n');
    const split = await splitGrowth(['a.log'], new Map([['a.log', UPDATE]]), new Set(), tracker, 64);
    expect(split.append).toEqual(['a.log']);
    settleGrowth(tracker, split, split.append, false);
    expect(tracker.has('a.log')).toBe(false);

    const names = Array.from({ length: 10 }, (_, i) => `f${i}`);
    for (const n of names) await writeFile(join(dir, n), Buffer.alloc(8192, 'y'));
    const burst = await splitGrowth(names, new Map(names.map((n) => [n, UPDATE])), new Set(), tracker, 3);
    expect(burst.snapshots.size).toBe(3);
    expect(burst.exact).toEqual(names);
  });

  it('a file smaller than minBytes is never remembered', async () => {
    await writeFile(join(dir, 'small'), 'tiny');
    await synced('small');
    expect(tracker.has('small')).toBe(false);
  });
});

describe('paceGrowth', () => {
  it('holds a batch of only remembered growing files for the cadence, nothing else', async () => {
    await writeFile(join(dir, 'a.log'), Buffer.alloc(8192, 'x'));
    await synced('a.log');
    const pending = new PendingPaths();
    expect(paceGrowth(100, pending, tracker, 50, policy)).toBe(100); // nothing pending
    pending.add('a.log', 'update');
    expect(paceGrowth(100, pending, tracker, 50, policy)).toBe(50 + policy.cadenceMs);
    expect(paceGrowth(null, pending, tracker, 50, policy)).toBeNull();
    pending.add('other.txt', 'update'); // not remembered: the batch runs as due
    expect(paceGrowth(100, pending, tracker, 50, policy)).toBe(100);
  });
});
