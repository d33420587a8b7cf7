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
import type { ProfileStatus } from '../../electron/api/status.ts';
import { runRsync } from '../../electron/core/rsync-runner.ts';
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
  const code = `const fs = require('fs'), p = require('path'); const until = Date.now() + ${ms}; let i = 0; let next = Date.now();
    while (Date.now() < until) { if (Date.now() >= next) { for (let k = 0; k < ${perMs}; k++) fs.writeFileSync(p.join(${JSON.stringify(dir)}, 'busy' + (i % ${files})), 'write ' + i++); next += 1; } }`;
  await execa(process.execPath, ['-e', code]);
}

describe('batch scheduling', () => {
  it('many changes that arrive during a run go right after it, though the churn never pauses', async () => {
    const slow = slowBatches(100);
    fx = await startSyncFixture({ engine: { run: slow.run } });
    await fx.converged();
    // Churn over 200 files with no pause: the first batch is cut at the maximum delay, and by
    // its end (held back 100 ms) far more than 50 changes wait. Without the rule, the second
    // batch would wait until 250 ms after the first of them: ~130 ms after the first ends.
    await churn(fx.source, 800, 200, 5);
    await fx.converged();
    const [first, second] = slow.spans;
    expect(second, 'a second batch ran').toBeDefined();
    expect(second!.start - first!.end).toBeLessThan(60);
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
