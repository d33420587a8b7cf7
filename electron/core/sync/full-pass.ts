/**
 * The full pass's protocol, on its own: with deletions on, rsync first transfers without
 * deleting and counts what it would delete; the deletion guard judges the count; only then does
 * a second run delete — bounded by the count, so a source that empties meanwhile is not mirrored.
 * A person's confirmation of a held count lets the next pass delete up to it (with a margin).
 *
 * In: the pass's memory (hold, confirmed count, recount flag) and an executor that runs rsync and
 * classifies its result. Out: a verdict, and whether another full pass is owed. No timers, no
 * processes: test/core/full-pass.test.ts drives it with scripted rsync results.
 */
import type { DeletionHold } from '../../shared/status.ts';
import type { ErrorInfo } from '../../shared/errors.ts';
import type { DeletionMode, RunKind } from '../rsync/rsync-args.ts';
import { parseSkippedDeletions } from '../rsync/rsync-output.ts';
import type { RunResult } from '../rsync/rsync-runner.ts';
import { judgeDeletions } from './deletion-guard.ts';

/** How a cycle ended, for the bookkeeping that follows it. */
export type Verdict =
  | { type: 'done'; kind: RunKind | null }
  | { type: 'again'; delayMs: number }
  | { type: 'failed'; error: ErrorInfo }
  | { type: 'canceled' };

/** What the full pass remembers between passes. */
export interface FullPassMemory {
  hold: DeletionHold | null;
  /** The next full pass may delete what this held count said (a person confirmed it). */
  confirmed: DeletionHold | null;
  /** The last count came without rsync's stats and was repeated. */
  recounted: boolean;
}

export interface FullPassIO {
  deletions: boolean;
  maxDeletePercent: number;
  now(): number;
  run(deletion: DeletionMode): Promise<RunResult>;
  /** Classifies a result (ok, vanished, failed, canceled) and records it unless told not to. */
  judge(result: RunResult, recordSuccess: boolean): Verdict;
  /** Records a counting run in the activity log with the outcome the guard gave it. */
  record(result: RunResult, outcome: 'ok' | 'held'): void;
  sourceEmpty(): Promise<boolean>;
}

export interface FullPassResult {
  verdict: Verdict;
  /** Another full pass is owed (more deletions appeared while deleting, or a count to repeat). */
  again: boolean;
}

/** Confirmed or allowed deletions may exceed their count a little: ordinary churn since. */
export const deletionBound = (counted: number, factor: number): number => Math.ceil(counted * factor) + 10;

export async function fullPass(memory: FullPassMemory, io: FullPassIO): Promise<FullPassResult> {
  if (!io.deletions) return { verdict: io.judge(await io.run({ mode: 'hold' }), true), again: false };
  const confirmed = memory.confirmed;
  if (confirmed) {
    // Bounded by what was confirmed: if things got much worse, rsync stops deleting and the
    // next pass asks again.
    const result = await io.run({ mode: 'propagate', max: deletionBound(confirmed.deletions, 1.1) });
    const verdict = io.judge(result, true);
    if (verdict.type === 'done') memory.confirmed = null;
    return { verdict, again: parseSkippedDeletions(result.stderr) > 0 };
  }
  const counting = await io.run({ mode: 'count' });
  const verdict = io.judge(counting, false);
  if (verdict.type !== 'done') return { verdict, again: false };
  const deletions = parseSkippedDeletions(counting.stderr);
  if (deletions === 0) {
    memory.hold = null;
    io.record(counting, 'ok');
    return { verdict, again: false };
  }
  if (!counting.stats && !memory.recounted) {
    // The counts the share is judged by did not arrive whole (rare: see rsync-runner): count
    // again rather than judge without them. A second miss is judged as it is (it holds).
    memory.recounted = true;
    io.record(counting, 'ok');
    return { verdict: { type: 'done', kind: null }, again: true };
  }
  memory.recounted = false;
  const judgement = judgeDeletions({
    deletions,
    sourceEntries: counting.stats?.files ?? 0,
    created: counting.stats?.created ?? 0,
    sourceEmpty: await io.sourceEmpty(),
    maxDeletePercent: io.maxDeletePercent,
  });
  if (!judgement.allow) {
    memory.hold = { deletions, backupEntries: judgement.backupEntries, reason: judgement.reason, since: io.now() };
    io.record(counting, 'held');
    return { verdict: { type: 'done', kind: 'full' }, again: false };
  }
  memory.hold = null;
  io.record(counting, 'ok');
  const deleting = await io.run({ mode: 'propagate', max: deletionBound(deletions, 1.5) });
  // More appeared meanwhile: count again.
  return { verdict: io.judge(deleting, true), again: parseSkippedDeletions(deleting.stderr) > 0 };
}
