/**
 * Browsing a backup: one folder, paged, folders first, each entry beside its local counterpart.
 * The comparison is rsync's own quick check — the same kind, size and modification time to the
 * second — so "same" here means a restore of it would send nothing.
 *
 * Cost on a folder of 10,000 entries: one listing and one readdir of the local folder for the
 * whole folder (the counts by state need every entry), an lstat per entry present on both sides
 * (`npm run bench -- --parts restore` measures it).
 */
import { lstat, readdir } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { BrowseEntry, BrowsePage, LocalState } from '../../shared/restore-contract.ts';
import { decodeName, encodeName } from '../../shared/names.ts';
import type { ListingEntry, ListingKind } from '../rsync/rsync-listing.ts';
import { isHidden, type BackupAccess } from './backup-access.ts';
import { listFolder } from './folder-listing.ts';

/** A local path (the lossless string) as the bytes the file system knows. */
export const localBytes = (p: string): Buffer => Buffer.from(encodeName(p));

export function kindOfStats(s: Stats): ListingKind {
  if (s.isDirectory()) return 'folder';
  if (s.isFile()) return 'file';
  if (s.isSymbolicLink()) return 'symlink';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'device';
  return 'special';
}

/** rsync's quick check: same kind; a file also the same size and mtime to the second. */
export function compareEntry(remote: Pick<ListingEntry, 'kind' | 'size' | 'mtime'>, local: Stats | null): LocalState {
  if (!local) return 'backup-only';
  const kind = kindOfStats(local);
  if (kind !== remote.kind) return 'differs';
  if (kind === 'folder') return 'same';
  const seconds = (ms: number) => Math.floor(ms / 1000);
  return local.size === remote.size && seconds(local.mtimeMs) === seconds(remote.mtime) ? 'same' : 'differs';
}

async function lstatOrNull(p: string): Promise<Stats | null> {
  try {
    return await lstat(localBytes(p));
  } catch {
    return null;
  }
}

/** The local folder's names, as lossless strings, with their kind; empty when it is not there. */
async function localNames(dir: string): Promise<Map<string, ListingKind>> {
  const out = new Map<string, ListingKind>();
  try {
    for (const d of await readdir(localBytes(dir), { withFileTypes: true, encoding: 'buffer' })) {
      const kind: ListingKind = d.isDirectory()
        ? 'folder'
        : d.isFile()
          ? 'file'
          : d.isSymbolicLink()
            ? 'symlink'
            : 'special';
      out.set(decodeName(d.name), kind);
    }
  } catch {
    // No local folder: everything is only on the backup.
  }
  return out;
}

/** Folders first, then by name as bytes (the order `ls` gives under LC_ALL=C). */
const byKindThenName = (a: BrowseEntry, b: BrowseEntry): number => {
  const fa = a.kind === 'folder' ? 0 : 1;
  const fb = b.kind === 'folder' ? 0 : 1;
  if (fa !== fb) return fa - fb;
  return Buffer.compare(Buffer.from(encodeName(a.name)), Buffer.from(encodeName(b.name)));
};

export async function browseFolder(
  backup: BackupAccess,
  folder: string,
  page: { offset: number; limit: number },
): Promise<BrowsePage> {
  const localDir = folder ? `${backup.profile.source.replace(/\/+$/, '')}/${folder}` : backup.profile.source;
  const [remote, local] = await Promise.all([listFolder(backup, folder), localNames(localDir)]);
  const at = (name: string) => (folder ? `${folder}/${name}` : name);
  const shown = remote.filter((e) => !isHidden(at(e.name)) && !e.name.includes('/'));
  const remoteNames = new Set(shown.map((e) => e.name));
  const entries: BrowseEntry[] = shown.map((e) => ({
    name: e.name,
    path: at(e.name),
    kind: e.kind,
    size: e.size,
    mtime: e.mtime,
    state: local.has(e.name) ? 'same' : 'backup-only',
    local: null,
  }));
  for (const [name, kind] of local) {
    if (remoteNames.has(name) || isHidden(at(name))) continue;
    entries.push({ name, path: at(name), kind, size: null, mtime: null, state: 'local-only', local: null });
  }
  // Present on both: compared by lstat, in parallel chunks (10,000 lstats take ~30 ms).
  const both = entries.filter((e) => e.state === 'same');
  for (let i = 0; i < both.length; i += 256) {
    await Promise.all(
      both.slice(i, i + 256).map(async (e) => {
        const s = await lstatOrNull(`${localDir}/${e.name}`);
        e.state = compareEntry({ kind: e.kind, size: e.size ?? 0, mtime: e.mtime ?? 0 }, s);
        e.local = s ? { size: s.size, mtime: Math.floor(s.mtimeMs) } : null;
      }),
    );
  }
  entries.sort(byKindThenName);
  const counts: Record<LocalState, number> = { same: 0, differs: 0, 'backup-only': 0, 'local-only': 0 };
  for (const e of entries) counts[e.state]++;
  const items = entries.slice(page.offset, page.offset + page.limit);
  for (const e of items) {
    if (e.state !== 'local-only') continue;
    const s = await lstatOrNull(`${localDir}/${e.name}`);
    e.local = s ? { size: s.size, mtime: Math.floor(s.mtimeMs) } : null;
  }
  return { folder, total: entries.length, offset: page.offset, items, counts };
}
