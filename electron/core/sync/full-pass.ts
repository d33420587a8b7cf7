/**
 * The full pass's protocol, on its own: with deletions on, rsync first transfers without
 * deleting and counts what it would delete; the deletion guard judges the count; only then does
 * a second run delete — bounded by the count, so a source that empties meanwhile is not mirrored.
 * The count is judged by the target's deletion budget (deletion-budget.ts): together with what
 * batches deleted in the window before, so a tree emptied batch by batch and then rescanned is
 * still one stream. A person's confirmation of a held count lets the next pass delete up to it
 * (with a margin), and spends nothing of the budget.
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
import type { BudgetJudgement } from './deletion-budget.ts';

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
  run(deletion: DeletionMode): Promise<RunResult>;
  /** Judges a count against the target's budget, the backup's size as this count tells it. */
  budget(deletions: number, c: { sourceEmpty: boolean; backupEntries: number }): BudgetJudgement;
  /** The backup holds this many entries now (what the counting run saw). */
  counted(backupEntries: number): void;
  /** Holds deletions over the budget until a person decides; null names: those already held. */
  hold(count: number, names: readonly string[] | null, judgement: BudgetJudgement): void;
  /** A dry run naming what a deleting pass would delete; null if it did not complete. */
  list(): Promise<{ count: number; names: string[] } | null>;
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
    if (counting.stats) io.counted(counting.stats.files);
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
  // After the counting run the backup holds the source's entries plus those only it has (rsync's
  // "Number of files" counts the source's folders too).
  const backupEntries = (counting.stats?.files ?? 0) + deletions;
  io.counted(backupEntries);
  const judgement = io.budget(deletions, { sourceEmpty: await io.sourceEmpty(), backupEntries });
  if (!judgement.verdict.allow) {
    io.record(counting, 'held');
    // Names for the person deciding: listed once per count (a dry run costs a scan of the tree).
    const known = memory.hold?.deletions === deletions && memory.hold.listed > 0;
    const listing = known ? null : await io.list();
    io.hold(deletions, known ? null : (listing?.names ?? []), judgement);
    return { verdict: { type: 'done', kind: 'full' }, again: false };
  }
  memory.hold = null;
  io.record(counting, 'ok');
  // What was judged, and the few a count misses (rsync's skipped count leaves out a folder whose
  // contents it counted); what disappeared since is counted, and judged, by the next pass.
  const deleting = await io.run({ mode: 'propagate', max: deletionBound(deletions, 1) });
  return { verdict: io.judge(deleting, true), again: parseSkippedDeletions(deleting.stderr) > 0 };
}
