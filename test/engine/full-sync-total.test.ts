/**
 * A full sync's totals against a real daemon: the engine counts what the sync will send before it
 * runs (a dry run of the same command, full-sync-count.ts), so a long first sync says "x of y
 * files", bytes of a total and the time left, as batches do. Half of the tree is on the backup
 * already: the totals are of what is left to send, not of the tree (rsync's own progress2
 * percentage would end at about 50 %). A 1 MiB/s limit makes the sync last a few seconds.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { transferFacts } from '../../electron/shared/transfer-presenter.ts';
import type { TransferProgress } from '../../electron/shared/status.ts';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.ts';

let fx: SyncFixture | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

const KiB = 1024;
const MiB = 1024 * KiB;

const fullProgress = (f: SyncFixture): TransferProgress[] =>
  f.events.flatMap((e) =>
    e.type === 'status' ? e.status.targets.flatMap((t) => (t.progress?.kind === 'full' ? [t.progress] : [])) : [],
  );

describe.skipIf(process.platform !== 'linux')('a full sync counted before it runs', () => {
  it('says files and bytes of what is left to send, and the time left', async () => {
    fx = await startSyncFixture({
      profile: { bandwidthLimit: '1M', deletions: false },
      prepare: async ({ source, backup }) => {
        // 12 files of 256 KiB in two folders; the first 6 are on the backup already, unchanged.
        for (const dir of ['a', 'b']) {
          await mkdir(path.join(source, dir));
          await mkdir(path.join(backup, dir));
        }
        for (let i = 0; i < 12; i++) {
          const name = path.join(i < 6 ? 'a' : 'b', `f${i}.bin`);
          await writeFile(path.join(source, name), Buffer.alloc(256 * KiB, i + 1));
          if (i < 6) await copyFile(path.join(source, name), path.join(backup, name));
        }
        // rsync's quick check compares mtimes: the copies get the sources' own.
        const { utimes, stat } = await import('node:fs/promises');
        for (let i = 0; i < 6; i++) {
          const name = path.join('a', `f${i}.bin`);
          const st = await stat(path.join(source, name));
          await utimes(path.join(backup, name), st.atime, st.mtime);
        }
      },
    });
    await fx.converged({ timeoutMs: 30_000 });
    const seen = fullProgress(fx);
    expect(seen.length, 'the full sync reported progress').toBeGreaterThan(3);
    const totals = new Set(seen.map((p) => `${p.filesTotal}/${p.bytesTotal}`));
    expect(totals.size, `one total for the run: ${[...totals]}`).toBe(1);
    const first = seen[0]!;
    // The 6 files of b/ are what is left (both folders are on the backup already).
    expect(first.filesTotal).toBe(6);
    expect(first.bytesTotal!).toBeGreaterThanOrEqual(6 * 256 * KiB);
    expect(first.bytesTotal!, 'not the whole tree').toBeLessThan(9 * 256 * KiB);
    const done = seen.map((p) => p.filesDone ?? 0);
    expect(
      done.every((n, i) => i === 0 || n >= done[i - 1]!),
      `files done only count up: ${done}`,
    ).toBe(true);
    const withEta = seen.filter((p) => p.etaSeconds !== null && p.etaSeconds > 0);
    expect(withEta.length, 'the time left was shown').toBeGreaterThan(0);
    // 1.5 MiB at 1 MiB/s: the time left never says much more than the whole transfer takes.
    expect(Math.max(...withEta.map((p) => p.etaSeconds!))).toBeLessThanOrEqual(5);
    expect(Math.max(...seen.map((p) => p.bytesPerSecond))).toBeLessThanOrEqual(1.02 * MiB);
    const facts = transferFacts(withEta[0]!);
    expect(facts[0]).toMatch(/^\d of 6 files$/);
    expect(facts[1]).toMatch(/^[\d.]+ (B|KiB|MiB) of 1\.\d+ MiB$/);
    expect(facts[2]).toMatch(/left$/);
  });
});
