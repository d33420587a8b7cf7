/**
 * Getting files back against a real daemon: browse, restore a deleted file and folder, conflicts
 * in each of the three choices, the whole profile into an empty folder, hostile names. In every
 * case the backup is byte-for-byte what it was, and the password never reached an argv.
 */
import { readFile, utimes, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { browseFolder } from '../../electron/core/restore/browse.ts';
import { makeSpec, planRestore } from '../../electron/core/restore/restore-plan.ts';
import { executeRestore } from '../../electron/core/restore/restore-run.ts';
import { at, byteSnapshot, diffByteTrees, existsAt, latin1, writeAt } from '../support/byte-trees.ts';
import { startRestoreFixture, synced, type RestoreFixture } from '../support/restore-fixture.ts';

let fx: RestoreFixture | undefined;
let before: Map<string, string> | undefined;
afterEach(async () => {
  if (fx && before) {
    // The backup is exactly what it was, and no argv carried the password.
    expect(diffByteTrees(before, await byteSnapshot(fx.backup))).toEqual([]);
    for (const argv of fx.argvs) expect(argv.join('\n')).not.toContain(fx.daemon.password);
    expect(fx.argvs.length).toBeGreaterThan(0);
  }
  await fx?.dispose();
  fx = undefined;
  before = undefined;
});

async function setup(lay: (f: RestoreFixture) => Promise<void>, profile = {}): Promise<RestoreFixture> {
  fx = await startRestoreFixture(profile);
  await lay(fx);
  before = await byteSnapshot(fx.backup);
  return fx;
}

const read = (root: string, rel: string) => readFile(at(root, rel), 'utf8');

describe('browse', () => {
  it('lists a folder, folders first, each entry beside its local state; the safety net is not content', async () => {
    const f = await setup(async (f) => {
      await synced(f, 'same.txt', 'same');
      await synced(f, 'differs.txt', 'old');
      await writeFile(at(f.source, 'differs.txt'), 'changed locally');
      await writeAt(f.backup, 'gone.txt', 'deleted locally');
      await writeAt(f.backup, 'docs/a.txt', 'a');
      await writeAt(f.backup, '.rsync-tray-deleted/2026-01-01/x.txt', 'x');
      await writeAt(f.source, 'new-here.txt', 'local only');
    });
    const page = await browseFolder(await f.open(), '', { offset: 0, limit: 100 });
    expect(page.items.map((e) => [e.name, e.kind, e.state])).toEqual([
      ['docs', 'folder', 'backup-only'],
      ['differs.txt', 'file', 'differs'],
      ['gone.txt', 'file', 'backup-only'],
      ['new-here.txt', 'file', 'local-only'],
      ['same.txt', 'file', 'same'],
    ]);
    expect(page.counts).toEqual({ same: 1, differs: 1, 'backup-only': 2, 'local-only': 1 });
    const docs = await browseFolder(await f.open(), 'docs', { offset: 0, limit: 1 });
    expect(docs.items).toMatchObject([{ name: 'a.txt', path: 'docs/a.txt', size: 1, state: 'backup-only' }]);
    const paged = await browseFolder(await f.open(), '', { offset: 4, limit: 10 });
    expect(paged.items.map((e) => e.name)).toEqual(['same.txt']);
    expect(paged.total).toBe(5);
  });
});

describe('restore', () => {
  it('a deleted file and a deleted folder come back to their place', async () => {
    const f = await setup(async (f) => {
      await writeAt(f.backup, 'report.txt', 'the report');
      await writeAt(f.backup, 'photos/2023/p1.jpg', 'p1');
      await writeAt(f.backup, 'photos/2023/p2.jpg', 'p2');
      await writeAt(f.backup, 'other.txt', 'not asked for');
    });
    const spec = makeSpec(await f.open(), { paths: ['report.txt', 'photos'], all: false });
    const preview = await planRestore(spec);
    expect(preview.conflicts.count).toBe(0);
    expect(preview.creates.names).toEqual(expect.arrayContaining(['report.txt', 'photos', 'photos/2023/p1.jpg']));
    const report = await executeRestore(spec);
    expect(await read(f.source, 'report.txt')).toBe('the report');
    expect(await read(f.source, 'photos/2023/p2.jpg')).toBe('p2');
    expect(await existsAt(f.source, 'other.txt')).toBe(false);
    expect(await existsAt(f.source, '.rsync-tray-restore-partial')).toBe(false);
    expect(report.restored).toBeGreaterThanOrEqual(3);
  });

  it('into another folder, each path by its own name', async () => {
    const f = await setup(async (f) => {
      await writeAt(f.backup, 'deep/down/report.txt', 'r');
    });
    const to = `${f.work}/elsewhere`;
    await executeRestore(makeSpec(await f.open(), { paths: ['deep/down/report.txt'], all: false, to }));
    expect(await read(to, 'report.txt')).toBe('r');
  });

  describe('a local file that differs', () => {
    const lay = async (f: RestoreFixture) => {
      await synced(f, 'docs/report.txt', 'backup version');
      await writeFile(at(f.source, 'docs/report.txt'), 'my newer edit');
      await writeAt(f.backup, 'docs/other.txt', 'other');
    };

    it('is refused without a choice, changing nothing', async () => {
      const f = await setup(lay);
      const spec = makeSpec(await f.open(), { paths: ['docs'], all: false });
      expect((await planRestore(spec)).conflicts.names).toEqual(['docs/report.txt']);
      await expect(executeRestore(spec)).rejects.toMatchObject({ code: 'RESTORE_CONFLICT' });
      expect(await existsAt(f.source, 'docs/other.txt')).toBe(false);
    });

    it('keep-both: the restored copy lands beside it', async () => {
      const f = await setup(lay);
      const spec = makeSpec(await f.open(), { paths: ['docs'], all: false });
      const report = await executeRestore(spec, { onConflict: 'keep-both', now: () => new Date(2026, 11, 2, 12) });
      expect(await read(f.source, 'docs/report.txt')).toBe('my newer edit');
      expect(await read(f.source, 'docs/report (restored 2026-12-02).txt')).toBe('backup version');
      expect(await read(f.source, 'docs/other.txt')).toBe('other');
      expect(report.keptBoth).toEqual([
        { path: 'docs/report.txt', restoredAs: 'docs/report (restored 2026-12-02).txt' },
      ]);
      expect(await existsAt(f.source, '.rsync-tray-restore-staging')).toBe(false);
    });

    it('overwrite: the backup version replaces it', async () => {
      const f = await setup(lay);
      await executeRestore(makeSpec(await f.open(), { paths: ['docs'], all: false }), { onConflict: 'overwrite' });
      expect(await read(f.source, 'docs/report.txt')).toBe('backup version');
    });

    it('skip: it stays as it is, the rest is restored', async () => {
      const f = await setup(lay);
      const report = await executeRestore(makeSpec(await f.open(), { paths: ['docs'], all: false }), {
        onConflict: 'skip',
      });
      expect(await read(f.source, 'docs/report.txt')).toBe('my newer edit');
      expect(await read(f.source, 'docs/other.txt')).toBe('other');
      expect(report.skipped).toEqual(['docs/report.txt']);
    });
  });

  it('the whole profile into an empty folder; a non-empty one is refused', async () => {
    const f = await setup(async (f) => {
      for (let i = 0; i < 50; i++) await writeAt(f.backup, `d${i % 5}/f${i}.txt`, `file ${i}`);
      await writeAt(f.backup, '.rsync-tray-deleted/2026-01-01/old.txt', 'old');
    });
    const to = `${f.work}/new-machine`;
    const report = await executeRestore(makeSpec(await f.open(), { paths: [], all: true, to }));
    const got = await byteSnapshot(to);
    const want = await byteSnapshot(f.backup, (rel) => rel.startsWith('.rsync-tray-deleted'));
    expect(diffByteTrees(want, got)).toEqual([]);
    expect(report.nextSteps.join(' ')).toContain(to);
    await expect(executeRestore(makeSpec(await f.open(), { paths: [], all: true, to }))).rejects.toMatchObject({
      code: 'NOT_EMPTY',
    });
  });

  it('hostile names: a leading "-", a newline, "#", not UTF-8 — browsed and restored as their bytes', async () => {
    const names = ['-rf', 'line\nbreak.txt', '#comment', latin1('caf\xe9.txt'), 'dir with space/--delete'];
    const f = await setup(async (f) => {
      for (const n of names) await writeAt(f.backup, n, `content of ${n.length}`);
    });
    const page = await browseFolder(await f.open(), '', { offset: 0, limit: 100 });
    expect(page.items.map((e) => e.name).sort()).toEqual(
      ['-rf', 'line\nbreak.txt', '#comment', latin1('caf\xe9.txt'), 'dir with space'].sort(),
    );
    const inDir = await browseFolder(await f.open(), 'dir with space', { offset: 0, limit: 100 });
    expect(inDir.items.map((e) => e.name)).toEqual(['--delete']);
    await executeRestore(makeSpec(await f.open(), { paths: names, all: false }));
    for (const n of names) expect(await read(f.source, n)).toBe(`content of ${n.length}`);
  });

  it('a local file equal to the backup is not a conflict', async () => {
    const f = await setup(async (f) => {
      await synced(f, 'a.txt', 'same');
      const t = new Date(Date.now() - 7_200_000);
      await utimes(at(f.backup, 'a.txt'), t, t);
      await utimes(at(f.source, 'a.txt'), t, t);
    });
    const preview = await planRestore(makeSpec(await f.open(), { paths: ['a.txt'], all: false }));
    expect(preview).toMatchObject({ conflicts: { count: 0 }, creates: { count: 0 } });
  });
});
