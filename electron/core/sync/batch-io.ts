/**
 * What one target's batch pass runs with (batch-pass.ts), put together from the target's parts:
 * its executor, deletion budget, pending paths, moves and growing files. target-sync.ts decides
 * when a batch runs; this says what it is made of.
 */
import { appendAllowed } from '../rsync/append-args.ts';
import type { DeletionMode } from '../rsync/rsync-args.ts';
import type { RunResult } from '../rsync/rsync-runner.ts';
import type { BatchPassIO, MoveTargets } from './batch-pass.ts';
import type { Verdict } from './full-pass.ts';
import type { Clock } from './clock.ts';
import { GROWTH_POLICY, GrowthTracker } from './growth-tracker.ts';
import type { HeldDeletions } from './held-deletions.ts';
import type { PendingPaths } from './pending-paths.ts';
import type { RsyncExecutor } from './rsync-executor.ts';

export interface BatchParts {
  deps: Pick<BatchPassIO, 'profile' | 'caps' | 'excludes'>;
  executor: RsyncExecutor;
  deletions: HeldDeletions;
  pending: PendingPaths;
  moves: MoveTargets;
  growth: GrowthTracker;
  /** When the oldest change the batch carries arrived (the activity record's latency). */
  firstAt: number;
  /** The cycle's: a pause or dispose cancels every run of the batch. */
  signal: AbortSignal;
  run(deletion: DeletionMode, input: Buffer, onlyNewTrees: boolean): Promise<RunResult>;
  fullPass(): Promise<Verdict>;
}

/** The parts a target keeps; the rest is the cycle's. */
export type TargetParts = Omit<BatchParts, 'firstAt' | 'signal' | 'run' | 'fullPass'>;

/** A target's parts, its growing files' memory made here (it lives as long as the target). */
export function targetParts(
  deps: BatchParts['deps'],
  clock: Clock,
  executor: RsyncExecutor,
  deletions: HeldDeletions,
  pending: PendingPaths,
  moves: MoveTargets,
): TargetParts {
  return { deps, executor, deletions, pending, moves, growth: new GrowthTracker(deps.profile.source, clock) };
}

export function batchIO(p: BatchParts): BatchPassIO {
  const { profile, caps, excludes } = p.deps;
  const { executor, signal } = p;
  return {
    profile,
    caps,
    excludes,
    held: p.deletions.hold !== null,
    run: p.run,
    judge: (paths, result, moved) => executor.judge('batch', paths, result, p.firstAt, signal.aborted, true, moved),
    check: (result) => executor.judge('batch', 0, result, null, signal.aborted, false),
    ...p.deletions.io,
    fullPass: p.fullPass,
    moves: p.moves,
    basis: (from, to) => executor.runBasis(from, to, signal),
    waiting: (limit) => p.pending.waitingDeletions(limit),
    // With the safety net on, no file is appended (append-args.ts): every file goes exact.
    growth: appendAllowed(profile.keepDeletedDays)
      ? {
          tracker: p.growth,
          perBatch: GROWTH_POLICY.snapshotsPerBatch,
          run: (input) => executor.runAppend(signal, input),
        }
      : undefined,
  };
}
