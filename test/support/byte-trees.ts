/**
 * Trees read as bytes: names that are not UTF-8 kept exactly (trees.ts reads names as strings,
 * where 'caf\xE9' and 'caf\xE8' both come out as 'caf\uFFFD'). Keys are the lossless strings of
 * shared/names.ts; paths in and out of the helpers are too.
 */
import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, readlink, rename, rm, writeFile } from 'node:fs/promises';
import { nameBytes } from '../../electron/core/watch/byte-paths.ts';
import { decodeName, displayName } from '../../electron/shared/names.ts';

/** A byte path: root + '/' + rel, rel a lossless string ('' is the root). */
export const at = (root: string, rel = ''): Buffer => nameBytes(rel ? `${root}/${rel}` : root);

/** A lossless string for a name written as Latin-1 ('caf\xe9' → the byte E9, not 'é'). */
export const latin1 = (s: string): string => decodeName(Buffer.from(s, 'latin1'));

export const writeAt = async (root: string, rel: string, data: string | Buffer = rel): Promise<void> => {
  const parts = rel.split('/');
  if (parts.length > 1) await mkdir(at(root, parts.slice(0, -1).join('/')), { recursive: true });
  await writeFile(at(root, rel), data);
};
export const mkdirAt = (root: string, rel: string) => mkdir(at(root, rel), { recursive: true });
export const renameAt = (root: string, from: string, to: string) => rename(at(root, from), at(root, to));
export const rmAt = (root: string, rel: string) => rm(at(root, rel), { recursive: true });

export type ByteTree = Map<string, string>;

/** rel → "dir" | "file:<size>:<sha1>" | "link:<target hex>", every name read as bytes. */
export async function byteSnapshot(root: string, skip: (rel: string) => boolean = () => false): Promise<ByteTree> {
  const out: ByteTree = new Map();
  const gone = (e: unknown) => {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  };
  async function walk(rel: string): Promise<void> {
    const entries = await readdir(at(root, rel), { withFileTypes: true, encoding: 'buffer' }).catch(
      (e) => (gone(e), []),
    );
    for (const e of entries) {
      const child = rel ? `${rel}/${decodeName(e.name)}` : decodeName(e.name);
      if (skip(child)) continue;
      const file = at(root, child);
      try {
        if (e.isDirectory()) {
          out.set(child, 'dir');
          await walk(child);
        } else if (e.isSymbolicLink()) {
          out.set(child, `link:${(await readlink(file, { encoding: 'buffer' })).toString('hex')}`);
        } else {
          const data = await readFile(file);
          out.set(child, `file:${data.length}:${createHash('sha1').update(data).digest('hex')}`);
        }
      } catch (error) {
        gone(error);
      }
    }
  }
  await walk('');
  return out;
}

/** The differences, names shown as people read them (caf\xE9). */
export function diffByteTrees(a: ByteTree, b: ByteTree, limit = 10): string[] {
  const out: string[] = [];
  for (const [k, v] of a)
    if (b.get(k) !== v) out.push(`${displayName(k)}: source ${v}, backup ${b.get(k) ?? 'missing'}`);
  for (const k of b.keys()) if (!a.has(k)) out.push(`${displayName(k)}: only on the backup`);
  return out.slice(0, limit);
}

export async function existsAt(root: string, rel: string): Promise<boolean> {
  try {
    await lstat(at(root, rel));
    return true;
  } catch {
    return false;
  }
}
