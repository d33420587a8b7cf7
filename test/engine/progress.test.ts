/**
 * What the status says about a transfer while it runs, against a real daemon with a bandwidth
 * limit (so a run lasts long enough to be watched): a full sync counts the bytes its rsync has
 * sent, with no percentage (rsync's own is of a file list it is still building); a batch shows
 * rsync's progress, percentage and all.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TransferProgress } from '../../electron/shared/status.ts';
import { progressFrom } from '../../electron/core/rsync/rsync-args.ts';
import { runRsync } from '../../electron/core/rsync/rsync-runner.ts';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.ts';

let fx: SyncFixture | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

/** Every progress the status carried, in order. */
const progressSeen = (f: SyncFixture): TransferProgress[] =>
  f.events.flatMap((e) =>
    e.type === 'status' ? e.status.targets.flatMap((t) => (t.progress ? [t.progress] : [])) : [],
  );

describe('transfer progress in the status', () => {
  it('a full sync counts bytes sent without a percentage; a batch shows its percentage', async () => {
    const asked: Array<{ batch: boolean; from: string | undefined }> = [];
    const run: typeof runRsync = (req) => {
      asked.push({ batch: req.args.includes('--files-from=-'), from: req.progressFrom });
      return runRsync(req);
    };
    // 1.5 MiB at 1 MiB/s: about 1.5 s per run, a dozen progress reads each.
    const big = Buffer.alloc(1.5 * 1024 * 1024, 'x');
    fx = await startSyncFixture({
      profile: { bandwidthLimit: '1M' },
      prepare: ({ source }) => writeFile(path.join(source, 'first.bin'), big),
      engine: { run },
    });
    await fx.converged({ timeoutMs: 30_000 });
    const full = progressSeen(fx).filter((p) => p.kind === 'full');
    expect(asked[0]).toEqual({ batch: false, from: progressFrom('full') });

    await writeFile(path.join(fx.source, 'second.bin'), big);
    await fx.converged({ timeoutMs: 30_000 });
    const batch = progressSeen(fx).filter((p) => p.kind === 'batch');
    expect(asked.at(-1)).toEqual({ batch: true, from: 'lines' });

    expect(full.length, 'the full sync reported progress while it ran').toBeGreaterThan(0);
    if (progressFrom('full') === 'process-io') {
      expect(full.every((p) => p.percent === null && p.etaSeconds === null)).toBe(true);
      expect(Math.max(...full.map((p) => p.bytes))).toBeGreaterThan(256 * 1024);
      expect(Math.max(...full.map((p) => p.bytesPerSecond))).toBeGreaterThan(256 * 1024);
    }
    expect(batch.length, 'the batch reported progress while it ran').toBeGreaterThan(0);
    expect(batch.some((p) => p.percent !== null && p.percent > 0 && p.percent < 100)).toBe(true);
    expect(fx.status().targets[0]!.progress).toBeNull(); // gone once the runs are done
  });
});
