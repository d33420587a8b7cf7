/**
 * A first sync's totals into a backup that holds nothing yet: everything in the source but the
 * excludes will be sent, so a walk of the source says how much — locally, with no daemon and
 * nothing on the link. The dry-run count (full-sync-count.ts) does the same through rsync, and
 * on a 1,000,000-file tree cost the upload a fifth more time, before it or beside it on 2 cores
 * (its listing on both ends, and its file list over the link); this walk is one readdir per
 * folder and one lstat per file, on this side only.
 *
 * Bytes are counted as the meter counts them, the bytes rsync writes: file data plus, per entry,
 * its name and a small fixed part of the file list (an estimate; the meter never shows more done
 * than the total).
 */
import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import type { ExcludeMatcher } from '../../shared/exclude-rules.ts';
import { nameOf, rootBytes } from '../watch/byte-paths.ts';
import type { RunTotal } from './full-sync-count.ts';

/** What rsync's file list costs per entry beyond its name, about (mode, size, time, flags). */
const LIST_BYTES_PER_ENTRY = 24;
/** Folders read at once: enough to keep the disk busy, few enough to leave rsync its share. */
const PARALLEL_FOLDERS = 8;

export async function countSource(
  root: string,
  excludes: Pick<ExcludeMatcher, 'isExcluded'>,
  signal: AbortSignal,
): Promise<RunTotal | null> {
  const base = rootBytes(root);
  let files = 0;
  let bytes = 0;
  const queue: string[] = [''];
  const readOne = async (rel: string): Promise<void> => {
    let entries: Dirent<Buffer>[];
    try {
      entries = await readdir(base.abs(rel), { withFileTypes: true, encoding: 'buffer' });
    } catch {
      return; // gone or unreadable: rsync will say so
    }
    for (const d of entries) {
      const name = nameOf(d.name);
      const child = rel ? `${rel}/${name}` : name;
      const isDir = d.isDirectory();
      if (excludes.isExcluded(child, isDir)) continue;
      files++;
      bytes += Buffer.byteLength(child) + LIST_BYTES_PER_ENTRY;
      if (isDir) queue.push(child);
      else if (d.isFile()) {
        // Read first, then add: `bytes += await …` would add to the value from before the wait,
        // losing what the other folders added meanwhile.
        const size = (await lstat(base.abs(child)).catch(() => null))?.size ?? 0;
        bytes += size;
      }
    }
  };
  let active = 0;
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      if (signal.aborted || (queue.length === 0 && active === 0)) {
        resolve();
        return;
      }
      while (active < PARALLEL_FOLDERS && queue.length > 0) {
        const rel = queue.shift()!;
        active++;
        void readOne(rel).finally(() => {
          active--;
          pump();
        });
      }
    };
    pump();
  });
  return signal.aborted ? null : { files, bytes };
}
