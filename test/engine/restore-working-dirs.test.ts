/**
 * A restore may land inside a watched source (restoring a folder in place). Its working folders —
 * an interrupted file's part, keep-both's staging — must never be pushed to the backup, by the
 * full sync or by a live batch, at any depth.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { browseFolder } from '../../electron/core/restore/browse.ts';
import { PARTIAL_DIR, STAGING_DIR } from '../../electron/core/restore/restore-args.ts';
import { makeSpec } from '../../electron/core/restore/restore-plan.ts';
import { executeRestore } from '../../electron/core/restore/restore-run.ts';
import { SYNC_PARTIAL_DIR_NAME } from '../../electron/shared/profile-schema-constants.ts';
import { byteSnapshot, diffByteTrees, writeAt } from '../support/byte-trees.ts';
import { startRestoreFixture } from '../support/restore-fixture.ts';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.ts';
import { exists } from '../support/trees.ts';

let fx: SyncFixture | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

const write = async (root: string, rel: string) => {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), rel);
};
const working = (rel: string) => rel.split('/').some((part) => part === PARTIAL_DIR || part === STAGING_DIR);

describe("a restore's working folders inside the source", () => {
  it('are sent neither by the full sync nor by a batch, at the top or deeper', async () => {
    fx = await startSyncFixture({
      prepare: async ({ source }) => {
        await write(source, 'docs/a.txt');
        await write(source, `${PARTIAL_DIR}/big.iso`);
        await write(source, `docs/${STAGING_DIR}/a.txt`);
      },
    });
    await fx.converged({ skip: working });
    expect(await exists(path.join(fx.backup, PARTIAL_DIR))).toBe(false);
    expect(await exists(path.join(fx.backup, 'docs', STAGING_DIR))).toBe(false);

    await write(fx.source, `photos/${PARTIAL_DIR}/img.jpg`);
    await write(fx.source, 'photos/kept.jpg');
    await fx.converged({ skip: working });
    expect(await exists(path.join(fx.backup, 'photos/kept.jpg'))).toBe(true);
    expect(await exists(path.join(fx.backup, 'photos', PARTIAL_DIR))).toBe(false);
  });
});

describe("a sync's partial folder on the backup (left by a stopped run)", () => {
  it('is neither browsed nor restored, at any depth', async () => {
    const f = await startRestoreFixture({});
    try {
      await writeAt(f.backup, 'docs/a.txt', 'a');
      await writeAt(f.backup, `docs/${SYNC_PARTIAL_DIR_NAME}/big.iso`, 'half a file');
      await writeAt(f.backup, `${SYNC_PARTIAL_DIR_NAME}/top.bin`, 'half');
      const before = await byteSnapshot(f.backup);
      const top = await browseFolder(await f.open(), '', { offset: 0, limit: 100 });
      expect(top.items.map((e) => e.name)).toEqual(['docs']);
      const docs = await browseFolder(await f.open(), 'docs', { offset: 0, limit: 100 });
      expect(docs.items.map((e) => e.name)).toEqual(['a.txt']);

      const to = `${f.work}/elsewhere`;
      await executeRestore(makeSpec(await f.open(), { paths: ['docs'], all: false, to }));
      expect(await exists(path.join(to, 'docs/a.txt'))).toBe(true);
      expect(await exists(path.join(to, 'docs', SYNC_PARTIAL_DIR_NAME))).toBe(false);
      const all = `${f.work}/new-machine`;
      await executeRestore(makeSpec(await f.open(), { paths: [], all: true, to: all }));
      expect(await exists(path.join(all, SYNC_PARTIAL_DIR_NAME))).toBe(false);
      expect(await exists(path.join(all, 'docs', SYNC_PARTIAL_DIR_NAME))).toBe(false);
      expect(diffByteTrees(before, await byteSnapshot(f.backup))).toEqual([]);
    } finally {
      await f.dispose();
    }
  });
});
