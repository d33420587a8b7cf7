/**
 * The batch pass with the basis hook: the move's new place is built before the batch runs, and
 * the deletion guard still counts the old side as a move — while a real mass deletion among the
 * moves is still held. Scripted rsync results, real source folders (the plan reads them).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchPass, MoveTargets, type BatchPassIO } from '../../electron/core/sync/batch-pass.ts';
import type { DeletionMode } from '../../electron/core/rsync/rsync-args.ts';
import type { RunResult } from '../../electron/core/rsync/rsync-runner.ts';

let source: string;
beforeEach(async () => {
  source = await mkdtemp(path.join(os.tmpdir(), 'move-basis-'));
  await mkdir(path.join(source, 'b'));
  await writeFile(path.join(source, 'b', 'x.bin'), 'x');
});
afterEach(() => rm(source, { recursive: true, force: true }));

const DELETE_MOVED = 4 | 8;
const DELETE = 4;
const CREATE = 1;

function scripted(deletedNames: string[], budgetMax: number) {
  const calls: string[] = [];
  const moves = new MoveTargets();
  moves.remember('a', 'b');
  const ok = (extra: Partial<RunResult> = {}) => ({ exitCode: 0, stderr: '', durationMs: 1, ...extra }) as RunResult;
  const io = {
    profile: { source, deletions: true, keepDeletedDays: 0, excludes: [] },
    caps: { deleteMissingArgs: true },
    excludes: { isExcluded: () => false },
    held: false,
    moves,
    basis: async (from: string, to: string) => void calls.push(`basis ${from}->${to}`),
    run: async (d: DeletionMode) => {
      calls.push(`run ${d.mode}${'max' in d ? ` ${d.max}` : ''}`);
      return d.mode === 'list' ? ok({ deletions: { count: deletedNames.length, names: deletedNames } }) : ok();
    },
    judge: () => ({ type: 'done', kind: 'batch' }),
    check: () => ({ type: 'done', kind: 'batch' }),
    budget: (n: number) => ({ verdict: { allow: n <= budgetMax } }),
    hold: (count: number) => void calls.push(`hold ${count}`),
    moving: (count: number) => void calls.push(`moving ${count}`),
    join: () => {},
    fullPass: async () => ({ type: 'done', kind: 'full' }),
  } as unknown as BatchPassIO;
  return { io, calls };
}

describe('batch pass with moves built from their old copy', () => {
  it('runs the basis run first; the old side is a move, not a mass deletion', async () => {
    const names = ['a/', ...Array.from({ length: 40 }, (_, i) => `a/f${i}`)];
    const { io, calls } = scripted(names, 5);
    const entries = new Map([
      ['a', DELETE_MOVED],
      ['b', CREATE],
    ]);
    const out = await batchPass(entries, true, io);
    expect(out.verdict.type).toBe('done');
    expect(calls).toEqual(['run list', 'moving 41', 'basis a->b', 'run propagate 41']);
  });

  it('still holds a real mass deletion mixed with the move (the basis run deletes nothing)', async () => {
    const gone = Array.from({ length: 30 }, (_, i) => `g${i}`);
    const { io, calls } = scripted(['a/', 'a/f0', ...gone], 5);
    const entries = new Map<string, number>([
      ['a', DELETE_MOVED],
      ['b', CREATE],
      ...gone.map((g) => [g, DELETE] as [string, number]),
    ]);
    await batchPass(entries, true, io);
    expect(calls).toEqual(['run list', 'hold 32', 'basis a->b', 'run hold']);
  });
});
