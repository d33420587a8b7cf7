/**
 * Moves the watcher could not pair. It pairs only a folder's rename (by its inode); a file's
 * rename and `mkdir b && mv a/f b/` (into a folder whose watch is not set yet) reach the batch as
 * "a/f deleted" and "b/f (or b) created" — and f's bytes would be sent again. Within one batch:
 * - a deleted path and a path that appeared with the same name elsewhere (listed itself, or
 *   directly inside a listed new folder) are taken as a move;
 * - a file that appeared in a folder where an entry was deleted is taken as renamed in place:
 *   its basis run is --fuzzy, which finds the old copy on the backup by size and time itself.
 * The new place then gets a basis run from the old copy (move-args.ts). A wrong guess costs nothing but that run: the basis run deletes and overwrites
 * nothing, and the batch after it compares every file exactly.
 *
 * Bounded, so a burst never pays a look-up per pair: only small batches are looked at, and only
 * targets worth a run (folders, files of at least minBytes).
 */
import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { posix } from 'node:path';
import type { BatchPlan } from './pending-paths.ts';

export const MOVE_PAIRING_POLICY = {
  /** Deletions and new folders looked at per batch; past either, no pairing is tried. */
  maxDeletions: 32,
  maxTrees: 32,
  /** A smaller file costs less to send than the basis run's round trip. */
  minBytes: 64 * 1024,
} as const;

/** [from, to] pairs, each side at most once; `paired` are the watcher's own moves (skipped). */
export async function unpairedMoves(
  plan: Pick<BatchPlan, 'paths' | 'deleted'>,
  paired: ReadonlySet<string>,
  root: string,
  /** Whether a listed path appeared in this batch (made or moved in); all do without it. */
  appeared: (rel: string) => boolean = () => true,
  policy = MOVE_PAIRING_POLICY,
): Promise<Array<[string, string]>> {
  const gone = [...plan.deleted].filter((d) => !paired.has(d));
  const present = plan.paths.filter((p) => !plan.deleted.has(p));
  if (gone.length === 0 || present.length === 0 || gone.length > policy.maxDeletions) return [];
  const byName = new Map<string, string[]>();
  for (const p of present) {
    const name = posix.basename(p);
    byName.set(name, [...(byName.get(name) ?? []), p]);
  }
  const isDir = new Map<string, boolean>();
  await Promise.all(
    present.map(async (p) =>
      isDir.set(
        p,
        await lstat(posix.join(root, p)).then(
          (s) => s.isDirectory(),
          () => false,
        ),
      ),
    ),
  );
  const trees = present.filter((p) => isDir.get(p));
  if (trees.length > policy.maxTrees) return [];

  const taken = new Set<string>();
  const pairs: Array<[string, string]> = [];
  for (const from of gone) {
    const name = posix.basename(from);
    const candidates = [...(byName.get(name) ?? []), ...trees.map((t) => `${t}/${name}`)];
    for (const to of candidates) {
      if (to === from || taken.has(to) || to.startsWith(`${from}/`)) continue;
      const st = await lstat(posix.join(root, to)).catch(() => null);
      if (!st || !(st.isDirectory() || (st.isFile() && st.size >= policy.minBytes))) continue;
      taken.add(to);
      pairs.push([from, to]);
      break;
    }
  }
  // Renamed in place: a big file that appeared beside a deleted entry of its folder.
  const goneDirs = new Map(gone.map((d) => [posix.dirname(d), d]));
  for (const to of present) {
    const from = goneDirs.get(posix.dirname(to));
    if (from === undefined || taken.has(to) || isDir.get(to) || !appeared(to)) continue;
    const st = await lstat(posix.join(root, to)).catch(() => null);
    if (!st?.isFile() || st.size < policy.minBytes) continue;
    taken.add(to);
    pairs.push([from, to]);
  }
  return pairs;
}

/**
 * When a basis run is worth its round trip: it copies the old copy on the daemon (~130 ms for a
 * folder of 1,000 small files, measured on loopback), while sending the data again costs its
 * bytes over the link. Below these sizes the batch sends it again: a 1,000-file folder of 1 MiB
 * renamed went from 60 ms to 197 ms with a basis run, unlimited. Under a bandwidth limit the
 * link is the scarce thing, so the bar is lower.
 */
export const MOVE_BASIS_POLICY = {
  minBytesLimited: 1024 * 1024,
  minBytesUnlimited: 4 * 1024 * 1024,
  /** A folder is walked until it is known to be worth it, or for at most this many entries. */
  walkEntries: 5_000,
} as const;

/** Whether the moved entry at `abs` holds enough data for a basis run (a bounded walk). */
export async function basisWorthIt(
  abs: string,
  limited: boolean,
  policy: { [K in keyof typeof MOVE_BASIS_POLICY]: number } = MOVE_BASIS_POLICY,
): Promise<boolean> {
  const need = limited ? policy.minBytesLimited : policy.minBytesUnlimited;
  let bytes = 0;
  let entries = 0;
  const walk = async (dir: string): Promise<boolean> => {
    let names: Dirent[];
    try {
      names = await readdir(dir, { withFileTypes: true });
    } catch {
      return false;
    }
    for (const d of names) {
      if (++entries > policy.walkEntries) return true; // a big tree: worth it whatever its sizes
      const p = posix.join(dir, d.name);
      if (d.isDirectory()) {
        if (await walk(p)) return true;
      } else if (d.isFile()) {
        bytes += (await lstat(p).catch(() => null))?.size ?? 0;
        if (bytes >= need) return true;
      }
    }
    return false;
  };
  const st = await lstat(abs).catch(() => null);
  if (!st) return false;
  return st.isDirectory() ? walk(abs) : st.size >= need;
}
