/**
 * Splits a batch's listed paths into the files sent by their new bytes (rsync --append) and the
 * rest (the batch's exact run), with what to remember of each once its run succeeded.
 *
 * A candidate is a regular file only changed in place ('update' events, no create, delete or
 * move): a new or replaced file is never appended. Of those, a remembered file is decided
 * (growth-tracker.ts); one not yet remembered is only snapshotted, at most
 * GROWTH_POLICY.snapshotsPerBatch of them, so a burst of new files costs nothing and a burst of
 * edits a bounded few stats. Every other listed path loses its memory: whatever the backup now
 * gets for it is not what the memory describes.
 *
 * The snapshot is taken BEFORE the decision and before the run: a file rewritten after it no
 * longer matches the remembered tail, so its next decision is exact and repairs the backup.
 */
import { changedInPlace, type PendingPaths } from './pending-paths.ts';
import { GROWTH_POLICY, type GrowthPolicy, type GrowthSnapshot, type GrowthTracker } from './growth-tracker.ts';

export interface GrowthSplit {
  /** Files the tracker vouches for: sent with --append. */
  append: string[];
  /** Everything else listed, in the batch's order: the exact run. */
  exact: string[];
  /** What to remember of a file once a run that carried it succeeded. */
  snapshots: Map<string, GrowthSnapshot>;
}

export async function splitGrowth(
  paths: readonly string[],
  entries: ReadonlyMap<string, number>,
  deleted: ReadonlySet<string>,
  tracker: GrowthTracker,
  snapshotsPerBatch: number,
): Promise<GrowthSplit> {
  const candidates: string[] = [];
  const others = new Set<string>();
  for (const rel of paths) {
    if (deleted.has(rel) || !changedInPlace(entries.get(rel))) others.add(rel);
    else candidates.push(rel);
  }
  tracker.forgetUnder(others);
  tracker.forgetUnder(deleted);
  const looked: Array<Promise<{ rel: string; snap: GrowthSnapshot | null; append: boolean }>> = [];
  let fresh = 0;
  for (const rel of candidates) {
    if (tracker.has(rel)) looked.push(decide(rel, tracker));
    else if (fresh < snapshotsPerBatch) {
      fresh++;
      looked.push(tracker.snapshot(rel).then((snap) => ({ rel, snap, append: false })));
    }
  }
  const split: GrowthSplit = { append: [], exact: [], snapshots: new Map() };
  const appended = new Set<string>();
  for (const { rel, snap, append } of await Promise.all(looked)) {
    if (snap) split.snapshots.set(rel, snap);
    else tracker.forget(rel);
    if (append && snap) appended.add(rel);
  }
  for (const rel of paths) (appended.has(rel) ? split.append : split.exact).push(rel);
  return split;
}

async function decide(
  rel: string,
  tracker: GrowthTracker,
): Promise<{ rel: string; snap: GrowthSnapshot | null; append: boolean }> {
  const snap = await tracker.snapshot(rel);
  const decision = snap ? await tracker.decide(rel) : null;
  return { rel, snap, append: decision?.path === 'append' };
}

/** After a run that carried `rels`: remember their snapshots when it succeeded, else forget them. */
export function settleGrowth(tracker: GrowthTracker, split: GrowthSplit, rels: readonly string[], ok: boolean): void {
  for (const rel of rels) {
    const snap = split.snapshots.get(rel);
    if (ok && snap) tracker.keep(rel, snap);
    else tracker.forget(rel);
  }
}

/**
 * When the next batch may run (scheduler.ts's `due`), paced when all it would carry is growing
 * files the tracker remembers: not before GROWTH_POLICY.cadenceMs after the last run ended.
 * Anything else pending (a new file, a deletion, more than a few paths) runs as due.
 */
export function paceGrowth(
  due: number | null,
  pending: PendingPaths,
  tracker: GrowthTracker,
  lastEndedAt: number,
  policy: GrowthPolicy = GROWTH_POLICY,
): number | null {
  if (due === null || pending.size === 0 || pending.size > policy.pacedFiles || tracker.size === 0) return due;
  for (const [rel, flags] of pending.entries()) if (!changedInPlace(flags) || !tracker.has(rel)) return due;
  return Math.max(due, lastEndedAt + policy.cadenceMs);
}
