/**
 * A full sync's totals against a real daemon: beside the first full sync into a backup that holds
 * nothing yet (an upload), the engine counts what it will send (a dry run of the same command,
 * full-sync-count.ts), so it says "x of y files", bytes of a total and the time left, as batches
 * do. Into a backup that holds files (an engine's restart) there is no count: it would be a
 * second listing of the whole tree on every start. A 1 MiB/s limit makes the sync last seconds.
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

describe.skipIf(process.platform !== 'linux')('a full sync counted beside it', () => {
  it('into a backup that holds nothing yet: files and bytes of the total, and the time left', async () => {
    fx = await startSyncFixture({
      profile: { bandwidthLimit: '1M', deletions: false },
      prepare: async ({ source, backup }) => {
        // 8 files of 256 KiB in two folders; the backup holds only the safety net's folder.
        await mkdir(path.join(backup, '.rsync-tray-deleted'));
        for (let i = 0; i < 8; i++) {
          await mkdir(path.join(source, i < 4 ? 'a' : 'b'), { recursive: true });
          await writeFile(path.join(source, i < 4 ? 'a' : 'b', `f${i}.bin`), Buffer.alloc(256 * KiB, i + 1));
        }
      },
    });
    await fx.converged({ timeoutMs: 30_000, skip: (rel) => rel.startsWith('.rsync-tray-deleted') });
    const seen = fullProgress(fx);
    expect(seen.length, 'the full sync reported progress').toBeGreaterThan(3);
    const counted = seen.filter((p) => p.filesTotal != null);
    expect(counted.length, 'the total arrived while the sync ran').toBeGreaterThan(2);
    const totals = new Set(counted.map((p) => `${p.filesTotal}/${p.bytesTotal}`));
    expect(totals.size, `one total for the run: ${[...totals]}`).toBe(1);
    // The 8 files and their two folders (the top folder may be one entry more).
    expect(counted[0]!.filesTotal).toBeGreaterThanOrEqual(10);
    expect(counted[0]!.filesTotal).toBeLessThanOrEqual(11);
    expect(counted[0]!.bytesTotal!).toBeGreaterThanOrEqual(8 * 256 * KiB);
    const done = seen.map((p) => p.filesDone ?? 0);
    expect(
      done.every((n, i) => i === 0 || n >= done[i - 1]!),
      `files done only count up: ${done}`,
    ).toBe(true);
    const withEta = counted.filter((p) => p.etaSeconds !== null && p.etaSeconds > 0);
    expect(withEta.length, 'the time left was shown').toBeGreaterThan(0);
    // 2 MiB at 1 MiB/s: the time left never says much more than the whole transfer takes.
    expect(Math.max(...withEta.map((p) => p.etaSeconds!))).toBeLessThanOrEqual(5);
    expect(Math.max(...seen.map((p) => p.bytesPerSecond))).toBeLessThanOrEqual(1.02 * MiB);
    const facts = transferFacts(withEta[0]!);
    expect(facts[0]).toMatch(/^\d+ of 1[01] files$/);
    expect(facts[1]).toMatch(/^[\d.]+ (B|KiB|MiB) of 2\.\d+ MiB$/);
    expect(facts[2]).toMatch(/left$/);
  });

  it('the first full sync into a backup that holds files is not counted (a restart: no second listing)', async () => {
    fx = await startSyncFixture({
      profile: { bandwidthLimit: '1M', deletions: false },
      prepare: async ({ source, backup }) => {
        await mkdir(path.join(backup, 'a'), { recursive: true });
        await writeFile(path.join(backup, 'a/old.bin'), 'on the backup already');
        for (let i = 0; i < 4; i++) {
          await mkdir(path.join(source, 'a'), { recursive: true });
          await writeFile(path.join(source, 'a', `f${i}.bin`), Buffer.alloc(256 * KiB, i + 1));
        }
        await copyFile(path.join(backup, 'a/old.bin'), path.join(source, 'a/old.bin'));
      },
    });
    await fx.converged({ timeoutMs: 30_000 });
    const seen = fullProgress(fx);
    expect(seen.length, 'the full sync reported progress').toBeGreaterThan(2);
    expect(seen.filter((p) => p.filesTotal != null)).toEqual([]);
  });
});
