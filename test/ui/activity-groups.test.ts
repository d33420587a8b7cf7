/**
 * The Activity table's grouping of bursts (renderer/src/activity-groups.ts) and the words of a
 * run's row (presenter runPhrase): consecutive successful batches of one target fold into a row
 * whose counts are the sum of its runs; anything that needs reading stays a row of its own.
 */
import { describe, expect, it } from 'vitest';
import { GROUPING_POLICY, groupRuns } from '../../renderer/src/activity-groups.ts';
import { runEffectPhrase, runPhrase } from '../../electron/shared/presenter.ts';
import type { RunRecord } from '../../electron/shared/status.ts';

let nextId = 1;
function run(over: Partial<RunRecord> & { startedAt: number }): RunRecord {
  return {
    id: nextId++,
    profile: 'docs',
    target: 'h:873/m',
    kind: 'batch',
    durationMs: 100,
    paths: 1,
    files: 10,
    sent: 12,
    bytes: 1_000,
    latencyMs: null,
    deleted: 0,
    moved: 0,
    deletedNames: [],
    outcome: 'ok',
    error: null,
    ...over,
  };
}

/** Runs newest first, each starting `gap` ms after the previous (older) one ended. */
function burst(n: number, gap: number, over: Partial<RunRecord> = {}): RunRecord[] {
  const out: RunRecord[] = [];
  for (let i = 0, at = 1_000_000; i < n; i++, at += 100 + gap) out.push(run({ startedAt: at, ...over }));
  return out.reverse();
}

describe('groupRuns', () => {
  it('folds a burst of 114 batches into one row with the sums', () => {
    const groups = groupRuns(burst(114, 50));
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ paths: 114, sent: 114 * 12, files: 1_140, bytes: 114_000 });
    expect(groups[0]!.runs).toHaveLength(114);
  });

  it('a pause longer than the gap, another target, a full sync or a failure starts a new row', () => {
    const apart = burst(2, GROUPING_POLICY.gapMs + 1);
    expect(groupRuns(apart)).toHaveLength(2);
    const [a, b, c, d] = burst(4, 10);
    expect(groupRuns([a!, { ...b!, target: 'other:873/m' }, c!, d!]).map((g) => g.runs.length)).toEqual([1, 1, 2]);
    expect(groupRuns([a!, { ...b!, kind: 'full' }, c!, d!]).map((g) => g.runs.length)).toEqual([1, 1, 2]);
    expect(groupRuns([a!, b!, { ...c!, outcome: 'retry' }, d!]).map((g) => g.runs.length)).toEqual([2, 1, 1]);
  });
});

describe('run row words', () => {
  it('say what started a run and everything it did, in numbers formatted one way', () => {
    expect(runPhrase(run({ startedAt: 0, paths: 1, sent: 5_000, deleted: 3 }))).toBe(
      '1 change → 5,000 items sent, 3 deleted',
    );
    expect(runPhrase(run({ startedAt: 0, kind: 'full', sent: 1_642, moved: 2 }))).toBe(
      'Full sync → 1,642 items sent, 2 moved',
    );
    expect(runPhrase(run({ startedAt: 0, paths: 2, sent: 0, files: 0 }))).toBe('2 changes → nothing changed');
    // A failed run changed nothing because it failed: it must not read as current.
    expect(runPhrase(run({ startedAt: 0, paths: 2, sent: 0, files: 0, outcome: 'retry' }))).toBe(
      '2 changes → nothing sent',
    );
    // A record from a host without the itemized count: its regular files.
    expect(runEffectPhrase({ files: 7, deleted: 0, moved: 0 })).toBe('7 files sent');
  });
});
