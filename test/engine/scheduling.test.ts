/**
 * When batches are cut and what the status says meanwhile, against a real daemon: changes that
 * arrive during a run go right after it (churn does not idle the pipeline), a target with pending
 * changes never claims to be current, and status events under churn are paced while every change
 * of state still goes out at once.
 */
import { execa } from 'execa';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProfileStatus } from '../../electron/shared/status.ts';
import { runRsync } from '../../electron/core/rsync/rsync-runner.ts';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.ts';

let fx: SyncFixture | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The real rsync, with each batch held back first (a slow link), and when each one ran. */
function slowBatches(holdMs: number) {
  const spans: Array<{ start: number; end: number }> = [];
  const run: typeof runRsync = async (req) => {
    const batch = req.args.includes('--files-from=-');
    const start = performance.now();
    if (batch) await sleep(holdMs);
    try {
      return await runRsync(req);
    } finally {
      if (batch) spans.push({ start, end: performance.now() });
    }
  };
  return { run, spans };
}

/**
 * Writes `files` files in turn, `perMs` writes about every millisecond (never 5 ms of quiet), for
 * `ms`, from another process: a loop in this one would compete with the engine for the event loop.
 */
async function churn(dir: string, ms: number, files = 1, perMs = 1): Promise<void> {
  // Sleeps with Atomics.wait between writes: a busy loop would take a whole core from rsync.
  const code = `const fs = require('fs'), p = require('path'); const nap = new Int32Array(new SharedArrayBuffer(4));
    const until = Date.now() + ${ms}; let i = 0;
    while (Date.now() < until) { for (let k = 0; k < ${perMs}; k++) fs.writeFileSync(p.join(${JSON.stringify(dir)}, 'busy' + (i % ${files})), 'write ' + i++); Atomics.wait(nap, 0, 0, 1); }`;
  await execa(process.execPath, ['-e', code]);
}

describe('batch scheduling', () => {
  it('many changes that arrive during a run go right after it, though the churn never pauses', async () => {
    const slow = slowBatches(50);
    fx = await startSyncFixture({ engine: { run: slow.run } });
    await fx.converged();
    // Churn over 100 files with no pause, for 1.5 s: after each batch (held back 50 ms) more
    // than 50 changes wait, and the next batch starts at once (gaps of ~5 ms measured). Without
    // the rule it waits until 250 ms after the first of them (gaps of ~60 ms). The median gap is
    // checked: a writer that starts late on a loaded machine may leave the first batches small.
    await churn(fx.source, 1_500, 100, 2);
    await fx.converged();
    const gaps = slow.spans.slice(1).map((s, i) => s.start - slow.spans[i]!.end);
    expect(gaps.length, 'several batches ran').toBeGreaterThan(2);
    const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)]!;
    expect(median).toBeLessThan(30);
  });

  it('a target with pending changes is never shown as current; status under churn is paced, changes of state are not', async () => {
    fx = await startSyncFixture();
    await fx.converged();
    const from = fx.events.length;
    await churn(fx.source, 1_000);
    await fx.converged();
    const statuses = fx.events.slice(from).flatMap((e) => (e.type === 'status' ? [e.status] : []));
    const claimsCurrent = (s: ProfileStatus) => s.state === 'idle' && s.pending > 0;
    expect(statuses.filter(claimsCurrent)).toEqual([]);
    // ~500 writes and dozens of runs in a second: paced to about 10 a second plus each change of state.
    const runs = fx.events.slice(from).filter((e) => e.type === 'run').length;
    expect(statuses.length).toBeLessThan(40 + 4 * runs);
    expect(statuses.at(-1)).toMatchObject({ state: 'idle', pending: 0 });
  });
});
