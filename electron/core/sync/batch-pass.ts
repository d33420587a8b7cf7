/**
 * A batch pass: the paths the watcher reported, handed to one rsync with --files-from.
 *
 * Deletions are counted before any is carried out: a dry run names every entry the batch would
 * delete (a listed folder's whole subtree, a recreated folder's old content), the target's
 * deletion budget judges the count together with what was deleted in the window before, and the
 * real run may then delete exactly that many (--max-delete). A batch over the budget is held
 * whole — its changes still go, none of its deletions do. Should the real run meet deletions
 * nobody counted (a folder replaced by another of the same name), they are counted and judged the
 * same way before a second run deletes them.
 *
 * In: the paths taken from pending, whether their deletions are due, and whether a deletion is
 * held. Out: a verdict, the deletions that were not due (found gone before their event came:
 * they go back to pending and wait like any deletion), and whether a full pass is owed instead
 * (a source that emptied at once: nothing destructive is sent, the full pass counts and asks).
 */
import type { ExcludeMatcher } from '../../shared/exclude-rules.ts';
import type { Profile } from '../../shared/profile-schema.ts';
import type { MovedName } from '../../shared/status.ts';
import { filesFromInput, type DeletionMode } from '../rsync/rsync-args.ts';
import { parseSkippedDeletions } from '../rsync/rsync-output.ts';
import type { RsyncCapabilities } from '../rsync/rsync-probe.ts';
import type { RunResult } from '../rsync/rsync-runner.ts';
import type { BudgetJudgement } from './deletion-budget.ts';
import { isEmptyFolder } from './deletion-guard.ts';
import type { Verdict } from './full-pass.ts';
import { splitGrowth, settleGrowth, type GrowthSplit } from './growth-batch.ts';
import type { GrowthTracker } from './growth-tracker.ts';
import { MOVE_PAIRING_POLICY, unpairedMoves } from './move-pairs.ts';
import { appeared, movedAway, planBatch } from './pending-paths.ts';

export interface BatchPassIO {
  profile: Profile;
  caps: RsyncCapabilities;
  excludes: ExcludeMatcher;
  held: boolean;
  run(deletion: DeletionMode, input: Buffer, onlyNewTrees: boolean): Promise<RunResult>;
  /** Classifies a run and records it in the activity log, with the moves it carried. */
  judge(paths: number, result: RunResult, moved: readonly MovedName[]): Verdict;
  /** Classifies a dry run without recording it (it changed nothing). */
  check(result: RunResult): Verdict;
  /** Judges deletions against the target's budget. */
  budget(deletions: number, c: { sourceEmpty: boolean }): BudgetJudgement;
  /** Holds deletions over the budget until a person decides. */
  hold(count: number, names: readonly string[], judgement: BudgetJudgement): void;
  /** The next run deletes this many entries under paths that moved elsewhere in the source. */
  moving(count: number): void;
  /** Deletions seen while a hold waits join it (counted and named by a dry run). */
  join(count: number, names: readonly string[]): void;
  /** An rsync before 3.2.3 cannot delete listed paths: a full pass does it. */
  fullPass(): Promise<Verdict>;
  /** Where the watcher said each moved path went (the activity record names the move). */
  moves?: MoveTargets;
  /**
   * Builds a move's new place on the backup from its old copy (core/rsync/move-args.ts) before
   * the batch runs; it deletes and overwrites nothing, and a failure only costs the bytes.
   */
  basis?(from: string, to: string): Promise<void>;
  /** Deletions still waiting in pending: a move's old side may be among them (move-pairs.ts). */
  waiting?(limit: number): string[];
  /**
   * Growing files (growth-batch.ts): what the target's backup is known to hold of them, and the
   * --append run for those that only grew. Absent (the safety net on): every file goes exact.
   */
  growth?: { tracker: GrowthTracker; perBatch: number; run(input: Buffer): Promise<RunResult> };
}

/**
 * Where watched renames went (from → to), for naming a batch's moves; the pending paths keep only
 * that a path moved away. Bounded: past `limit` the oldest go, and such a move is named by its
 * old path alone.
 */
export class MoveTargets {
  readonly #to = new Map<string, string>();
  readonly #limit: number;

  constructor(limit = 10_000) {
    this.#limit = limit;
  }

  /** Notes that `from` went to `to`; answers `from`. */
  remember(from: string, to: string): string {
    this.#to.delete(from);
    this.#to.set(from, to);
    if (this.#to.size > this.#limit) this.#to.delete(this.#to.keys().next().value!);
    return from;
  }

  /** Where `from` went, still remembered (the basis run looks before the batch names it). */
  peek(from: string): string | null {
    return this.#to.get(from) ?? null;
  }

  /** Where `from` went, forgotten once asked (the batch that carries the move names it). */
  take(from: string): string | null {
    const to = this.#to.get(from);
    this.#to.delete(from);
    return to ?? null;
  }
}

export interface BatchPassResult {
  verdict: Verdict;
  /** Deletions found but not due yet: back to pending. */
  notDue: string[];
  fullPassWanted: boolean;
}

const done: Verdict = { type: 'done', kind: null };

export async function batchPass(
  entries: ReadonlyMap<string, number>,
  withDeletions: boolean,
  io: BatchPassIO,
): Promise<BatchPassResult> {
  const { profile, caps, excludes } = io;
  const plan = await planBatch(entries, {
    root: profile.source,
    deletions: profile.deletions,
    isExcluded: (p, d) => excludes.isExcluded(p, d),
  });
  const notDue = withDeletions ? [] : [...plan.deleted].filter((rel) => !movedAway(entries.get(rel)));
  if (notDue.length > 0) {
    for (const rel of notDue) plan.deleted.delete(rel);
    const skip = new Set(notDue);
    plan.paths = plan.paths.filter((p) => !skip.has(p));
    plan.deletions = plan.deleted.size;
  }
  const movedPaths = new Set([...plan.deleted].filter((rel) => movedAway(entries.get(rel))));
  const result = (verdict: Verdict, fullPassWanted = false): BatchPassResult => ({ verdict, notDue, fullPassWanted });
  // Deletions are on unless the profile turns them off or a hold waits for a person; trees then
  // recurse without --delete, so nothing at all is deleted.
  const deleting = profile.deletions && !io.held;
  if (plan.deletions > 0 && (await isEmptyFolder(profile.source))) {
    // Everything vanished from the source at once: an unmounted disk looks like this. Changes
    // only; the full pass counts and asks.
    const paths = plan.paths.filter((p) => !plan.deleted.has(p));
    if (paths.length === 0) return result(done, true);
    const verdict = io.judge(paths.length, await io.run({ mode: 'hold' }, filesFromInput(paths), plan.files === 0), []);
    return result(verdict.type === 'done' ? done : verdict, true);
  }
  if (plan.deletions > 0 && !caps.deleteMissingArgs) return result(await io.fullPass());
  if (io.held && plan.deletions > 0) {
    // A hold waits for a person: what is deleted meanwhile joins it, so its count stays whole.
    const listed = await list([...plan.deleted], io);
    if ('verdict' in listed) return result(listed.verdict);
    io.join(listed.count, listed.names);
    plan.paths = plan.paths.filter((p) => !plan.deleted.has(p));
  }
  if (plan.paths.length === 0) return result(done);

  // The dry run lists the deletions alone: a renamed folder's new copy (a tree of new files)
  // would cost the dry run its whole file list. What trees and files delete besides (a folder
  // replaced by another, a file taking a folder's place) the bound stops, and it is counted below.
  let paths = plan.paths;
  // Without a count, a run may delete nothing: what it meets anyway is counted below.
  let deletion: DeletionMode = deleting ? { mode: 'propagate', max: 0 } : { mode: 'hold' };
  if (deleting && plan.deletions > 0) {
    const counted = await count([...plan.deleted], movedPaths, io);
    if (counted.verdict) return result(counted.verdict);
    if (counted.allowed === null) {
      // Held whole: the changes go, no deletion does.
      paths = plan.paths.filter((p) => !plan.deleted.has(p));
      deletion = { mode: 'hold' };
    } else deletion = { mode: 'propagate', max: counted.allowed };
  }
  if (paths.length === 0) return result(done);
  // Moves first: the new place is built from the old copy, so the run below finds it identical
  // and sends ~nothing. The old side is still deleted by that run, counted by the guard above.
  if (io.basis) {
    for (const from of movedPaths) {
      const to = io.moves?.peek(from);
      if (to && !plan.deleted.has(to)) await io.basis(from, to);
    }
    // A move the watcher could not pair (into a folder not watched yet) is found by its name.
    // Deletions not due yet count too: their old copy is still on the backup.
    const waiting = io.waiting?.(MOVE_PAIRING_POLICY.maxDeletions + 1) ?? [];
    const gone = { paths: plan.paths, deleted: new Set([...plan.deleted, ...notDue, ...waiting]) };
    const isNew = (rel: string) => appeared(entries.get(rel));
    for (const [from, to] of await unpairedMoves(gone, movedPaths, profile.source, isNew)) await io.basis(from, to);
  }
  const grown = await appendGrown(paths, entries, new Set([...plan.deleted, ...notDue]), io);
  if ('verdict' in grown) return result(grown.verdict);
  paths = grown.exact;
  if (paths.length === 0) return result(done);
  const onlyNewTrees = plan.files - grown.appended === 0;
  const run = bounded(await io.run(deletion, filesFromInput(paths), onlyNewTrees));
  const verdict = io.judge(paths.length, run.result, movedNames(movedPaths, io.moves));
  if (grown.split && io.growth) settleGrowth(io.growth.tracker, grown.split, paths, verdict.type === 'done');
  if (verdict.type !== 'done' || !run.uncounted) return result(verdict);
  // Deletions nobody counted (a folder replaced by another of the same name): count, judge, delete.
  const again = await count(paths, movedPaths, io);
  if (again.verdict) return result(again.verdict);
  if (again.allowed === null || again.allowed === 0) return result(done);
  const second = bounded(await io.run({ mode: 'propagate', max: again.allowed }, filesFromInput(paths), onlyNewTrees));
  // Still more than counted: the tree is changing under us; the full pass counts it whole.
  return result(io.judge(paths.length, second.result, []), second.uncounted);
}

/**
 * Sends the listed files that only grew with --append (growth-batch.ts decides), before the
 * exact run, which gets the rest. A failed or canceled append run ends the batch (its paths are
 * owed again); one that met a vanished file hands its files to the exact run, which deletes or
 * sends them as they are.
 */
async function appendGrown(
  paths: string[],
  entries: ReadonlyMap<string, number>,
  deleted: ReadonlySet<string>,
  io: BatchPassIO,
): Promise<{ verdict: Verdict } | { exact: string[]; appended: number; split: GrowthSplit | null }> {
  if (!io.growth) return { exact: paths, appended: 0, split: null };
  const { tracker, perBatch } = io.growth;
  const split = await splitGrowth(paths, entries, deleted, tracker, perBatch);
  if (split.append.length === 0) return { exact: paths, appended: 0, split };
  const verdict = io.judge(split.append.length, await io.growth.run(filesFromInput(split.append)), []);
  settleGrowth(tracker, split, split.append, verdict.type === 'done');
  if (verdict.type === 'done') return { exact: split.exact, appended: split.append.length, split };
  if (verdict.type !== 'again') return { verdict };
  return { exact: paths, appended: 0, split };
}

/** The moves a batch carries, by name: from → to where the watcher said. */
function movedNames(moved: ReadonlySet<string>, moves: MoveTargets | undefined): MovedName[] {
  return [...moved].map((from) => ({ from, to: moves?.take(from) ?? null }));
}

/**
 * A run's result with the bound doing its job read as success: exit 25, or 23 where a file or
 * link could not take a folder's place (the folder's removal was the deletion held back). The
 * rest completed; `uncounted` says deletions were held back, to be counted and judged.
 */
function bounded(result: RunResult): { result: RunResult; uncounted: boolean } {
  const uncounted = parseSkippedDeletions(result.stderr) > 0;
  const stopped = uncounted && (result.exitCode === 25 || result.exitCode === 23);
  return { result: stopped ? { ...result, exitCode: 0 } : result, uncounted };
}

/** A dry run naming what deleting `paths` would delete; a verdict instead when it failed. */
async function list(
  paths: string[],
  io: BatchPassIO,
): Promise<{ verdict: Verdict } | { count: number; names: string[] }> {
  const listing = await io.run({ mode: 'list' }, filesFromInput(paths), true);
  const checked = io.check(listing);
  return checked.type !== 'done' ? { verdict: checked } : (listing.deletions ?? { count: 0, names: [] });
}

/** Whether a name rsync deleted ("a/b/", "a/b/c") lies at or under one of `roots`. */
function under(name: string, roots: ReadonlySet<string>): boolean {
  const rel = name.endsWith('/') ? name.slice(0, -1) : name;
  for (let i = rel.indexOf('/'); i !== -1; i = rel.indexOf('/', i + 1)) if (roots.has(rel.slice(0, i))) return true;
  return roots.has(rel);
}

/**
 * Names and counts what a run over `paths` would delete (a dry run), and judges it: all of it,
 * but what lies under a path that moved elsewhere in the source (a renamed folder: its entries
 * arrive again at the new name). Out: a verdict when the dry run itself failed; otherwise how
 * many the real run may delete, or null when the budget holds them.
 */
async function count(
  paths: string[],
  moved: ReadonlySet<string>,
  io: BatchPassIO,
): Promise<{ verdict?: Verdict; allowed: number | null }> {
  const found = await list(paths, io);
  if ('verdict' in found) return { verdict: found.verdict, allowed: null };
  if (found.count === 0) return { allowed: 0 };
  // The names are whole up to DELETION_BUDGET_POLICY.namesKept; past it, moves are not told apart.
  const moves = moved.size === 0 ? 0 : found.names.filter((n) => under(n, moved)).length;
  const judgement = io.budget(found.count - moves, { sourceEmpty: false });
  if (judgement.verdict.allow) {
    io.moving(moves);
    return { allowed: found.count };
  }
  io.hold(found.count, found.names, judgement);
  return { allowed: null };
}
