/** Tree snapshots and comparison: the verdict of every integration test is "backup == source". */
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';

export type Tree = Map<string, string>;

/** rel path → "dir" | "file:<size>:<sha1>" | "link:<target>", skipping what `skip` says. */
export async function snapshot(root: string, skip: (rel: string) => boolean = () => false): Promise<Tree> {
  const out: Tree = new Map();
  // A tree that is being written to (rsync's temp files come and go) is read as it is: an entry
  // that vanishes mid-walk is skipped, and the caller polls again.
  const gone = (e: unknown) => {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  };
  async function walk(dir: string, prefix: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true }).catch((e) => (gone(e), []));
    for (const e of entries) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (skip(rel)) continue;
      const full = path.join(dir, e.name);
      try {
        if (e.isDirectory()) {
          out.set(rel, 'dir');
          await walk(full, rel);
        } else if (e.isSymbolicLink()) {
          out.set(rel, `link:${await readlink(full)}`);
        } else {
          const data = await readFile(full);
          out.set(rel, `file:${data.length}:${createHash('sha1').update(data).digest('hex')}`);
        }
      } catch (error) {
        gone(error);
      }
    }
  }
  await walk(root, '');
  return out;
}

export function diffTrees(a: Tree, b: Tree, limit = 10): string[] {
  const out: string[] = [];
  for (const [k, v] of a)
    if (b.get(k) !== v) out.push(`${JSON.stringify(k)}: source ${v}, backup ${b.get(k) ?? 'missing'}`);
  for (const k of b.keys()) if (!a.has(k)) out.push(`${JSON.stringify(k)}: only on the backup`);
  return out.slice(0, limit);
}

export async function treesEqual(source: string, backup: string, skip?: (rel: string) => boolean): Promise<string[]> {
  const [a, b] = await Promise.all([snapshot(source, skip), snapshot(backup, skip)]);
  return diffTrees(a, b);
}

export async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch {
    return false;
  }
}
