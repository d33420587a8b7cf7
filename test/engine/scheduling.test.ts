/**
 * What the status says under real churn, against a real daemon: a target with pending changes
 * never claims to be current, and status events are paced while every change of state still goes
 * out at once. When batches are cut is tested in fake time (test/core/target-sync.test.ts).
 */
import { execa } from 'execa';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProfileStatus } from '../../electron/shared/status.ts';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.ts';

let fx: SyncFixture | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

/**
 * Writes `files` files in turn, `perMs` writes about every millisecond (never 5 ms of quiet), for
 * `ms`, from another process: a loop in this one would compete with the engine for the event loop.
 */
async function churn(dir: string, ms: number, files = 1, perMs = 1): Promise<void> {
  // Sleeps with Atomics.wait between writes: a busy loop would take a whole core from rsync.
  const code = `const fs = require('fs'), p = require('path'); const nap = new Int32Array(new SharedArrayBuffer(4));
    const until = Date.now() + ${ms}; let i = 0;
    while (Date.now() < until) {
      for (let k = 0; k < ${perMs}; k++)
        fs.writeFileSync(p.join(${JSON.stringify(dir)}, 'busy' + (i % ${files})), 'write ' + i++);
      Atomics.wait(nap, 0, 0, 1);
    }`;
  await execa(process.execPath, ['-e', code]);
}

describe('batch scheduling', () => {
  it(
    'a target with pending changes is never shown as current; ' +
      'status under churn is paced, changes of state are not',
    async () => {
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
    },
  );
});
