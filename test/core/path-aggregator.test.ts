import fsp, { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesFromInput } from '../../electron/core/rsync/rsync-args.ts';
import { fateOf, PendingPaths, planBatch, type ChangeKind } from '../../electron/core/sync/pending-paths.ts';
import { latin1, mkdirAt, writeAt } from '../support/byte-trees.ts';

let root: string;
/** A folder outside the source, that symlinks in the source point to. */
let outside: string;
const CAFE = latin1('caf\xe9.txt');
const DIR = latin1('d\xe9j\xe0');
beforeAll(async () => {
  outside = await mkdtemp(path.join(os.tmpdir(), 'aggregator-outside-'));
  await writeFile(path.join(outside, 'secret'), 'not to be uploaded');
  root = await mkdtemp(path.join(os.tmpdir(), 'aggregator-'));
  await mkdir(path.join(root, 'new/deep'), { recursive: true });
  await writeFile(path.join(root, 'new/deep/f'), '');
  await mkdir(path.join(root, 'old'));
  await writeFile(path.join(root, 'old/changed'), '');
  await writeFile(path.join(root, 'top'), '');
  await symlink('old', path.join(root, 'link-to-dir'));
  await symlink(outside, path.join(root, 'linked'));
  await symlink(outside, path.join(root, 'old/inner-link'));
  await writeAt(root, CAFE);
  await writeAt(root, `${DIR}/sub/f`);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

function pending(events: Array<[string, ChangeKind]>): PendingPaths {
  const p = new PendingPaths();
  for (const [rel, kind] of events) p.add(rel, kind);
  return p;
}
const plan = (events: Array<[string, ChangeKind]>, deletions = true, isExcluded = (_: string) => false) =>
  planBatch(pending(events).drain().entries, { root, deletions, isExcluded });

describe('fate of a pending path', () => {
  it.each([
    ['missing', 1, 'delete'],
    ['missing', 2, 'delete'],
    ['dir', 1, 'tree'],
    ['dir', 1 | 4, 'tree'],
    ['dir', 2, 'drop'],
    ['other', 2, 'file'],
    ['other', 1 | 4, 'file'],
  ] as const)('%s with flags %i → %s', (kind, flags, fate) => expect(fateOf(kind, flags)).toBe(fate));
});

describe('planBatch', () => {
  it('lists a created directory once and drops everything beneath it', async () => {
    const p = await plan([
      ['new/deep/f', 'create'],
      ['new', 'create'],
      ['new/deep', 'create'],
      ['top', 'update'],
    ]);
    expect(p.paths).toEqual(['new', 'top']);
    expect(p).toMatchObject({ trees: 1, files: 1, deletions: 0 });
  });

  it('drops a directory that only changed itself, keeps its changed children', async () => {
    expect(
      (
        await plan([
          ['old', 'update'],
          ['old/changed', 'update'],
        ])
      ).paths,
    ).toEqual(['old/changed']);
  });

  it('lists a deletion under a deleted directory as the topmost missing ancestor', async () => {
    const p = await plan([
      ['gone/a/b/file', 'delete'],
      ['gone/a/other', 'delete'],
      ['old/missing-file', 'delete'],
    ]);
    expect(p.paths.sort()).toEqual(['gone', 'old/missing-file']);
    expect(p.deletions).toBe(2);
  });

  it('drops deletions when they do not propagate', async () => {
    expect(
      (
        await plan(
          [
            ['gone/x', 'delete'],
            ['top', 'update'],
          ],
          false,
        )
      ).paths,
    ).toEqual(['top']);
  });

  it('treats a symlink to a directory as a file (rsync -a copies the link)', async () => {
    expect((await plan([['link-to-dir', 'create']])).paths).toEqual(['link-to-dir']);
  });

  it('leaves out excluded paths', async () => {
    expect(
      (
        await plan(
          [
            ['top', 'update'],
            ['old/changed', 'update'],
          ],
          true,
          (rel) => rel === 'top',
        )
      ).paths,
    ).toEqual(['old/changed']);
  });

  it('lists a tree once however many paths beneath it changed, at any depth', async () => {
    const events: Array<[string, ChangeKind]> = [
      ['new', 'create'],
      ['new/deep', 'create'],
    ];
    for (let i = 0; i < 50; i++) events.push([`new/deep/gone${i}`, 'delete'], [`new/deep/sub${i}/x`, 'create']);
    expect((await plan(events)).paths).toEqual(['new']);
  });

  it('lets changes go ahead of deletions, which wait for their quiet', () => {
    const p = pending([
      ['gone', 'delete'],
      ['new', 'create'],
      ['edited', 'update'],
      ['back', 'delete'],
      ['back', 'create'],
    ]);
    expect(p).toMatchObject({ hasDeletions: true, hasChanges: true, size: 4 });
    const taken = p.drainChanges();
    expect([...taken.entries.keys()].sort()).toEqual(['edited', 'new']);
    expect(p).toMatchObject({ hasDeletions: true, hasChanges: false, size: 2 });
    p.restore(taken.entries, taken.firstAt);
    expect(p.hasChanges).toBe(true);
    p.drain();
    expect(p).toMatchObject({ hasDeletions: false, hasChanges: false, size: 0, firstAt: null });
  });

  it('a deletion known to be a move need not wait', () => {
    const p = pending([
      ['old-name', 'delete'],
      ['new-name', 'create'],
    ]);
    expect(p.hasDeletions).toBe(true);
    p.markMoved('old-name');
    expect(p.hasDeletions).toBe(false);
    expect([...p.drainChanges().entries.keys()].sort()).toEqual(['new-name', 'old-name']);
  });

  it('restore merges a failed batch back without duplicates and keeps the oldest time', () => {
    const p = new PendingPaths();
    p.add('a', 'create', 1000);
    const taken = p.drain();
    p.add('a', 'update', 2000);
    p.add('b', 'create', 2000);
    p.restore(taken.entries, taken.firstAt);
    expect(p.size).toBe(2);
    expect(p.firstAt).toBe(1000);
  });
});

describe('planBatch, names as bytes', () => {
  it('finds a file whose name is not UTF-8 (a string lstat would call it deleted)', async () => {
    const p = await plan([[CAFE, 'update']]);
    expect(p.paths).toEqual([CAFE]);
    expect(p).toMatchObject({ files: 1, deletions: 0 });
  });

  it('recurses into a created folder whose name is not UTF-8, and deletes a gone one', async () => {
    const p = await plan([
      [DIR, 'create'],
      [`${DIR}/sub/f`, 'create'],
      [latin1('gone\xff'), 'delete'],
    ]);
    expect(p.paths).toEqual([DIR, latin1('gone\xff')]);
    expect(p).toMatchObject({ trees: 1, deletions: 1 });
  });

  it('hands rsync the exact bytes of every listed name', async () => {
    const p = await plan([
      [CAFE, 'update'],
      ['top', 'update'],
    ]);
    expect(filesFromInput(p.paths).toString('latin1')).toBe('./caf\xe9.txt\0./top\0');
    expect(filesFromInput(['#hash', 'a\nb', 'é']).equals(Buffer.from('./#hash\0./a\nb\0./é\0'))).toBe(true);
  });
});

describe('planBatch, paths through a symlinked parent', () => {
  it('lists the topmost symlinked ancestor instead, as a link, never what it points to', async () => {
    const p = await plan([
      ['linked/secret', 'update'],
      ['linked/new/deeper', 'create'],
      ['old/inner-link/secret', 'create'],
      ['link-to-dir/changed', 'update'],
    ]);
    expect(p.paths.sort()).toEqual(['link-to-dir', 'linked', 'old/inner-link']);
    expect(p).toMatchObject({ files: 3, trees: 0, deletions: 0 });
  });

  it('a deletion under a symlinked parent is the link, not a deletion through it', async () => {
    const p = await plan([['linked/gone', 'delete']]);
    expect(p.paths).toEqual(['linked']);
    expect(p).toMatchObject({ files: 1, deletions: 0 });
  });

  it('a folder that has just become a symlink: its children are the link', async () => {
    await mkdir(path.join(root, 'was-dir/sub'), { recursive: true });
    await writeFile(path.join(root, 'was-dir/sub/f'), 'x');
    await rm(path.join(root, 'was-dir'), { recursive: true });
    await symlink(outside, path.join(root, 'was-dir'));
    // The folder's own event has not come yet: only its children's.
    const p = await plan([
      ['was-dir/sub/f', 'update'],
      ['was-dir/secret', 'create'],
    ]);
    expect(p.paths).toEqual(['was-dir']);
  });

  it('a path under a file (a folder replaced by a file) is that file', async () => {
    expect((await plan([['top/x', 'delete']])).paths).toEqual(['top']);
  });

  it('looks at each ancestor once per batch', async () => {
    await mkdirAt(root, 'many/a/b');
    const calls: string[] = [];
    const real = fsp.lstat;
    (fsp as Record<string, unknown>).lstat = (file: Buffer, ...rest: never[]) => {
      calls.push(file.toString('latin1').slice(root.length + 1));
      return real(file, ...rest);
    };
    syncBuiltinESMExports();
    try {
      const events: Array<[string, ChangeKind]> = [];
      for (let i = 0; i < 100; i++) events.push([`many/a/b/f${i}`, 'create']);
      expect((await plan(events)).paths).toHaveLength(100); // missing files: deletions
    } finally {
      (fsp as Record<string, unknown>).lstat = real;
      syncBuiltinESMExports();
    }
    expect(calls.filter((c) => c === 'many' || c === 'many/a' || c === 'many/a/b')).toEqual([
      'many',
      'many/a',
      'many/a/b',
    ]);
    expect(calls).toHaveLength(103);
  });
});
