import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fateOf, PendingPaths, planBatch, type ChangeKind } from '../../electron/core/sync/pending-paths.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'aggregator-'));
  await mkdir(path.join(root, 'new/deep'), { recursive: true });
  await writeFile(path.join(root, 'new/deep/f'), '');
  await mkdir(path.join(root, 'old'));
  await writeFile(path.join(root, 'old/changed'), '');
  await writeFile(path.join(root, 'top'), '');
  await symlink('old', path.join(root, 'link-to-dir'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

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
