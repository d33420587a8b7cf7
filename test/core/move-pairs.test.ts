/** Moves the watcher could not pair, found by name within a batch (move-pairs.ts), on a real folder. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  basisWorthIt,
  MOVE_BASIS_POLICY,
  MOVE_PAIRING_POLICY,
  unpairedMoves,
} from '../../electron/core/sync/move-pairs.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'move-pairs-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const big = Buffer.alloc(MOVE_PAIRING_POLICY.minBytes);
const file = async (rel: string, data: Buffer | string = big) => {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), data);
};
const plan = (deleted: string[], changed: string[]) => ({ paths: [...deleted, ...changed], deleted: new Set(deleted) });

describe('unpairedMoves', () => {
  it('pairs a deleted file with the same name listed elsewhere or directly inside a new folder', async () => {
    await file('archive/report.pdf');
    await file('b/notes.txt');
    const pairs = await unpairedMoves(
      plan(['inbox/report.pdf', 'a/notes.txt'], ['archive', 'b/notes.txt']),
      new Set(),
      root,
    );
    expect(pairs).toEqual([
      ['inbox/report.pdf', 'archive/report.pdf'],
      ['a/notes.txt', 'b/notes.txt'],
    ]);
  });

  it('a folder moved into a new folder is paired; the watcher’s own moves are not paired again', async () => {
    await file('new/photos/p.jpg');
    await file('moved/x.bin');
    expect(await unpairedMoves(plan(['photos', 'x.bin'], ['new', 'moved']), new Set(['x.bin']), root)).toEqual([
      ['photos', 'new/photos'],
    ]);
  });

  it('skips small files, a name into itself, a target taken twice, and large batches', async () => {
    await file('b/small.txt', 'tiny');
    await file('b/f.bin');
    expect(await unpairedMoves(plan(['a/small.txt'], ['b/small.txt']), new Set(), root)).toEqual([]);
    expect(await unpairedMoves(plan(['a/f.bin', 'c/f.bin'], ['b/f.bin']), new Set(), root)).toEqual([
      ['a/f.bin', 'b/f.bin'],
    ]);
    const many = Array.from({ length: MOVE_PAIRING_POLICY.maxDeletions + 1 }, (_, i) => `old/f${i}.bin`);
    expect(await unpairedMoves(plan([...many, 'a/f.bin'], ['b/f.bin']), new Set(), root)).toEqual([]);
  });
});

describe('a file renamed in place (the watcher pairs only folders)', () => {
  it('a big file that appeared beside a deleted entry is paired with it; a changed file is not', async () => {
    await file('videos/holiday-final.mkv');
    await file('videos/edited.mkv');
    const appeared = (rel: string) => rel === 'videos/holiday-final.mkv';
    expect(
      await unpairedMoves(
        plan(['videos/holiday.mkv'], ['videos/holiday-final.mkv', 'videos/edited.mkv']),
        new Set(),
        root,
        appeared,
      ),
    ).toEqual([['videos/holiday.mkv', 'videos/holiday-final.mkv']]);
  });
});

describe('basisWorthIt', () => {
  it('a small folder is sent again; a big one, or one with many entries, gets a basis; the bar is lower under a limit', async () => {
    for (let i = 0; i < 10; i++) await file(`small/f${i}`, Buffer.alloc(10 * 1024));
    await file('big/deep/x.bin', Buffer.alloc(MOVE_BASIS_POLICY.minBytesUnlimited));
    await file('limited/x.bin', Buffer.alloc(MOVE_BASIS_POLICY.minBytesLimited));
    expect(await basisWorthIt(path.join(root, 'small'), false)).toBe(false);
    expect(await basisWorthIt(path.join(root, 'big'), false)).toBe(true);
    expect(await basisWorthIt(path.join(root, 'limited'), false)).toBe(false);
    expect(await basisWorthIt(path.join(root, 'limited'), true)).toBe(true);
    expect(await basisWorthIt(path.join(root, 'small'), false, { ...MOVE_BASIS_POLICY, walkEntries: 5 })).toBe(true);
    expect(await basisWorthIt(path.join(root, 'big/deep/x.bin'), false)).toBe(true);
    expect(await basisWorthIt(path.join(root, 'gone'), true)).toBe(false);
  });
});
