/**
 * Moves through the running engine (watcher → batch → basis run → batch): a renamed folder and a
 * file moved to another folder are built on the backup from their old copies, so the batch that
 * carries the move sends almost none of their bytes on the wire (rsync's own "bytes sent", over
 * every rsync the engine started), and the backup ends identical.
 * The flags themselves are measured on the wire in moves.test.ts; this is the wiring. Each moved
 * entry holds at least MOVE_BASIS_POLICY's bytes (a smaller one is sent again: cheaper).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runRsync } from '../../electron/core/rsync/rsync-runner.ts';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.ts';

let fx: SyncFixture | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

const MiB = 1024 * 1024;

describe('a move in a live source', () => {
  it('a renamed folder, a file moved between folders and a file renamed in place send under 1 % of their bytes', async () => {
    let wire = 0;
    const run: typeof runRsync = async (options) => {
      const result = await runRsync(options);
      wire += result.stats?.bytesSent ?? 0;
      return result;
    };
    fx = await startSyncFixture({
      profile: { debounceMs: 50 },
      engine: { run },
      prepare: async ({ source }) => {
        await mkdir(path.join(source, 'photos/2025'), { recursive: true });
        await mkdir(path.join(source, 'inbox'));
        for (let i = 0; i < 4; i++) await writeFile(path.join(source, `photos/2025/p${i}.jpg`), randomBytes(2 * MiB));
        await writeFile(path.join(source, 'inbox/report.pdf'), randomBytes(5 * MiB));
        await writeFile(path.join(source, 'inbox/slides.pdf'), randomBytes(6 * MiB));
      },
    });
    await fx.converged();
    expect(wire).toBeGreaterThan(19 * MiB); // the first sync sent it all: the count is real
    const before = fx.runs().length;
    wire = 0;

    await rename(path.join(fx.source, 'photos/2025'), path.join(fx.source, 'photos/summer-2025'));
    await mkdir(path.join(fx.source, 'archive'));
    await rename(path.join(fx.source, 'inbox/report.pdf'), path.join(fx.source, 'archive/report.pdf'));
    await rename(path.join(fx.source, 'inbox/slides.pdf'), path.join(fx.source, 'inbox/slides-final.pdf'));
    await fx.converged();

    const after = fx.runs().slice(before);
    expect(after.every((r) => r.outcome === 'ok')).toBe(true);
    expect(wire).toBeLessThan((19 * MiB) / 100);
    expect(after.reduce((n, r) => n + r.moved, 0)).toBeGreaterThanOrEqual(1);
  });
});
