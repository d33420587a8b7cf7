/**
 * Collapses a stream of watcher events into the smallest list of paths that makes the backup match
 * the source, and decides per path what rsync must do with it. The rules are lsyncd's, kept as
 * data below; the check of what a path *is* happens when the batch is cut, not per event, so a
 * burst of 10,000 events costs one lstat per surviving path.
 */
import { lstat } from 'node:fs/promises';

import { rootBytes } from '../watch/byte-paths.ts';
import type { ChangeKind } from '../watch/tree-watcher.ts';

export type { ChangeKind };

const FLAG: Record<ChangeKind, number> = { create: 1, update: 2, delete: 4 };
/** A deleted path whose content moved elsewhere in the tree (see WatchEvent.movedFrom). */
const MOVED = 8;
/** A deletion that waits for the deletion quiet: gone, and not known to have moved. */
const waits = (flags: number): boolean => (flags & FLAG.delete) !== 0 && (flags & MOVED) === 0;

/** Whether a pending path's flags say it moved elsewhere in the tree. */
export const movedAway = (flags: number | undefined): boolean => ((flags ?? 0) & MOVED) !== 0;

/** Whether a pending path appeared (made, or moved in): a rename's new side is one. */
export const appeared = (flags: number | undefined): boolean => ((flags ?? 0) & FLAG.create) !== 0;

/** Whether a pending path was only changed in place (no create, delete or move): growth may append it. */
export const changedInPlace = (flags: number | undefined): boolean => flags === FLAG.update;

/**
 * What a pending path becomes when the batch is cut, by what it is on disk then:
 * - missing            → listed; rsync deletes it on the backup (--delete-missing-args)
 * - directory, created → listed and recursed: it covers every pending path beneath it
 * - directory, other   → dropped: a directory's own change is a child's event, sent separately
 * - file or symlink    → listed
 */
export type PathFate = 'delete' | 'tree' | 'drop' | 'file';

export function fateOf(kind: 'missing' | 'dir' | 'other', flags: number): PathFate {
  if (kind === 'missing') return 'delete';
  if (kind === 'dir') return flags & FLAG.create ? 'tree' : 'drop';
  return 'file';
}

/**
 * Pending changes of one target, by path relative to the source root ('/'-separated, in the
 * lossless encoding of shared/names.ts: a name that is not UTF-8 keeps its bytes).
 */
export class PendingPaths {
  #entries = new Map<string, number>();
  #firstAt: number | null = null;
  /** Entries that need not wait for a deletion's quiet (see `waits`). */
  #changes = 0;

  get size(): number {
    return this.#entries.size;
  }

  /** Whether any pending path was deleted, not moved (those wait a little longer; see target-sync). */
  get hasDeletions(): boolean {
    return this.#changes < this.#entries.size;
  }

  /** Whether any pending path can go without waiting for a deletion's quiet. */
  get hasChanges(): boolean {
    return this.#changes > 0;
  }

  /** When the oldest pending change arrived (for the maximum delay), or null when empty. */
  get firstAt(): number | null {
    return this.#firstAt;
  }

  add(rel: string, kind: ChangeKind, now = Date.now()): void {
    if (rel === '' || rel === '.') return;
    this.#merge(rel, FLAG[kind]);
    this.#firstAt ??= now;
  }

  /** The deleted path `rel` moved elsewhere in the tree: its deletion need not wait. */
  markMoved(rel: string): void {
    if (this.#entries.has(rel)) this.#merge(rel, MOVED);
  }

  /** Put back the paths of a batch that did not complete; they are merged, not duplicated. */
  restore(entries: ReadonlyMap<string, number>, firstAt: number): void {
    for (const [rel, flags] of entries) this.#merge(rel, flags);
    if (entries.size) this.#firstAt = Math.min(this.#firstAt ?? firstAt, firstAt);
  }

  #merge(rel: string, flags: number): void {
    const before = this.#entries.get(rel);
    const after = (before ?? 0) | flags;
    this.#entries.set(rel, after);
    const wasChange = before !== undefined && !waits(before);
    const isChange = !waits(after);
    this.#changes += Number(isChange) - Number(wasChange);
  }

  /** Up to `limit` deletions still waiting for their quiet (their old copy is on the backup yet). */
  waitingDeletions(limit: number): string[] {
    const out: string[] = [];
    for (const [rel, flags] of this.#entries) {
      if (out.length >= limit) break;
      if (waits(flags)) out.push(rel);
    }
    return out;
  }

  /** A copy of what is pending, for the journal. */
  entries(): Array<[string, number]> {
    return [...this.#entries];
  }

  /** Take everything pending. */
  drain(): { entries: Map<string, number>; firstAt: number } {
    const taken = { entries: this.#entries, firstAt: this.#firstAt ?? Date.now() };
    this.#entries = new Map();
    this.#firstAt = null;
    this.#changes = 0;
    return taken;
  }

  /** Take what need not wait; deletions stay for their quiet time. */
  drainChanges(): { entries: Map<string, number>; firstAt: number } {
    const taken = new Map<string, number>();
    for (const [rel, flags] of this.#entries) {
      if (waits(flags)) continue;
      taken.set(rel, flags);
      this.#entries.delete(rel);
    }
    this.#changes = 0;
    const firstAt = this.#firstAt ?? Date.now();
    if (this.#entries.size === 0) this.#firstAt = null;
    return { entries: taken, firstAt };
  }
}

export interface BatchPlan {
  /** Paths for --files-from, relative, in a stable order. */
  paths: string[];
  /** The listed paths that are deletions. */
  deleted: Set<string>;
  deletions: number;
  trees: number;
  files: number;
}

export interface PlanOptions {
  root: string;
  deletions: boolean;
  isExcluded: (rel: string, isDir: boolean) => boolean;
}

function ancestors(rel: string): string[] {
  const out: string[] = [];
  for (let i = rel.indexOf('/'); i !== -1; i = rel.indexOf('/', i + 1)) out.push(rel.slice(0, i));
  return out;
}

type DiskKind = 'missing' | 'dir' | 'other';

/** Through a Buffer path: a name that is not UTF-8 is looked up by its bytes, not as U+FFFD. */
async function kindOnDisk(file: Buffer): Promise<DiskKind> {
  try {
    return (await lstat(file)).isDirectory() ? 'dir' : 'other';
  } catch {
    return 'missing';
  }
}

export async function planBatch(entries: ReadonlyMap<string, number>, options: PlanOptions): Promise<BatchPlan> {
  const root = rootBytes(options.root);
  // One lstat per path per batch: ancestors are shared by many paths.
  const kinds = new Map<string, Promise<DiskKind>>();
  const kindOf = (rel: string) => {
    let k = kinds.get(rel);
    if (!k) kinds.set(rel, (k = kindOnDisk(root.abs(rel))));
    return k;
  };
  /**
   * What a pending path stands for, by its ancestors from the top: the first that is not a
   * directory is listed instead of the path.
   * - Missing: the path is deleted as that topmost missing ancestor; rsync cannot name a path
   *   under a missing directory (it would report it vanished, forever).
   * - A symlink (or a file): that ancestor itself, synced as what it is (-a includes -l). lstat
   *   follows symlinks in a path's parents, and so does an rsync before 3.5.0 given `a/b` with
   *   `a` a link: it would upload what the link points to, from outside the source, as `a/b`.
   *   A folder replaced by a link is such a parent until its own event arrives.
   */
  const resolve = async (rel: string, flags: number): Promise<{ rel: string; kind: DiskKind; flags: number }> => {
    // All asked at once, read top down: one after the other cost ~40 % more time per batch.
    const own = kindOf(rel);
    const above = ancestors(rel).map((a) => [a, kindOf(a)] as const);
    for (const [a, looked] of above) {
      const kind = await looked;
      if (kind !== 'dir') return { rel: a, kind, flags };
    }
    return { rel, kind: await own, flags };
  };
  // Looked at one depth at a time, shallow first: a path beneath a directory that is listed
  // whole (created, or deleted) is covered without an lstat, so a burst of 10,000 files in new
  // directories, or the 1,000 events of a deleted one, costs one lstat per directory.
  const levels = new Map<number, Array<[string, number]>>();
  for (const entry of entries) {
    const depth = ancestors(entry[0]).length;
    if (!levels.has(depth)) levels.set(depth, []);
    levels.get(depth)!.push(entry);
  }
  const whole = new Set<string>();
  const resolved: Array<{ rel: string; kind: DiskKind; flags: number }> = [];
  for (const depth of [...levels.keys()].sort((a, b) => a - b)) {
    const todo = levels.get(depth)!.filter(([rel]) => !ancestors(rel).some((a) => whole.has(a)));
    const level = await Promise.all(todo.map(([rel, flags]) => resolve(rel, flags)));
    for (const r of level) {
      const fate = fateOf(r.kind, r.flags);
      if ((fate === 'tree' || (fate === 'delete' && options.deletions)) && !options.isExcluded(r.rel, r.kind === 'dir'))
        whole.add(r.rel);
    }
    resolved.push(...level);
  }
  // Shallow paths first, so a recursed or deleted directory is known before anything beneath it.
  resolved.sort(
    (a, b) => a.rel.split('/').length - b.rel.split('/').length || (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0),
  );
  const covering = new Set<string>(); // trees and deletions cover their descendants
  const listed = new Set<string>();
  const plan: BatchPlan = { paths: [], deleted: new Set(), deletions: 0, trees: 0, files: 0 };
  for (const { rel, kind, flags } of resolved) {
    if (listed.has(rel) || ancestors(rel).some((a) => covering.has(a))) continue;
    if (options.isExcluded(rel, kind === 'dir')) continue;
    const fate = fateOf(kind, flags);
    if (fate === 'drop' || (fate === 'delete' && !options.deletions)) continue;
    if (fate === 'delete' || fate === 'tree') covering.add(rel);
    listed.add(rel);
    plan.paths.push(rel);
    if (fate === 'delete') {
      plan.deletions++;
      plan.deleted.add(rel);
    } else if (fate === 'tree') plan.trees++;
    else plan.files++;
  }
  return plan;
}
