/**
 * A restore may land inside a watched source (restoring a folder in place). Its working folders —
 * an interrupted file's part, keep-both's staging — must never be pushed to the backup, by the
 * full sync or by a live batch, at any depth.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PARTIAL_DIR, STAGING_DIR } from '../../electron/core/restore/restore-args.ts';
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
