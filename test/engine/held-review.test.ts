/**
 * A held deletion reviewed against a real daemon: the folder totals and sizes the engine answers
 * are those of the files on the backup (listed with the profile's own password file), a search
 * narrows them, and looking changes nothing on the backup.
 */
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.ts';
import { snapshot } from '../support/trees.ts';

let fx: SyncFixture | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

/** Files and bytes under `dir` on disk. */
async function tally(dir: string): Promise<{ files: number; folders: number; bytes: number }> {
  const t = { files: 0, folders: 0, bytes: 0 };
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      const sub = await tally(p);
      t.folders += 1 + sub.folders;
      t.files += sub.files;
      t.bytes += sub.bytes;
    } else {
      t.files++;
      t.bytes += (await stat(p)).size;
    }
  }
  return t;
}

describe('held deletion review', () => {
  it('folder totals and sizes agree with the backup; search narrows; nothing changes', async () => {
    fx = await startSyncFixture({
      prepare: async ({ source }) => {
        for (let m = 1; m <= 3; m++) {
          await mkdir(path.join(source, `2023/${m}`), { recursive: true });
          for (let i = 0; i < 20; i++)
            await writeFile(path.join(source, `2023/${m}/f${i}.txt`), 'x'.repeat(100 * i + m));
        }
        await mkdir(path.join(source, 'photos'));
        for (let i = 0; i < 5; i++) await writeFile(path.join(source, `photos/p${i}.jpg`), Buffer.alloc(10_000 + i));
        await writeFile(path.join(source, 'notes.txt'), 'notes');
      },
    });
    await fx.converged();
    for (const e of await readdir(fx.source)) await rm(path.join(fx.source, e), { recursive: true });
    await fx.waitForStatus((s) => s.state === 'needs-confirmation');
    const before = await snapshot(fx.backup);

    const [review] = await fx.engine.heldReview('test', { query: '', folder: '', offset: 0, limit: 1_000 });
    expect(review!.sizesNote).toBe('');
    const want2023 = await tally(path.join(fx.backup, '2023'));
    const wantPhotos = await tally(path.join(fx.backup, 'photos'));
    expect(review!.folders).toEqual([
      { path: '2023/', ...want2023 },
      { path: 'photos/', ...wantPhotos },
    ]);
    expect(review!.bytes).toBe(want2023.bytes + wantPhotos.bytes + 5);
    const i = review!.names.indexOf('photos/p3.jpg');
    expect(review!.sizes[i]).toBe(10_003);

    const into = await fx.engine.heldReview('test', { query: '', folder: '2023/', offset: 0, limit: 10 });
    expect(into[0]!.folders.map((f) => f.path)).toEqual(['2023/1/', '2023/2/', '2023/3/']);
    expect(into[0]!.folders[1]!.bytes).toBe((await tally(path.join(fx.backup, '2023/2'))).bytes);
    expect(into[0]!.names).toHaveLength(10);
    expect(into[0]!.matched).toBe(want2023.files + want2023.folders);

    const found = await fx.engine.heldReview('test', { query: 'P3.JPG', folder: '', offset: 0, limit: 10 });
    expect(found[0]).toMatchObject({ matched: 1, names: ['photos/p3.jpg'], sizes: [10_003], bytes: 10_003 });

    expect(await snapshot(fx.backup)).toEqual(before);
    expect(fx.status().state).toBe('needs-confirmation');
  });
});
