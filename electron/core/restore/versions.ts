/**
 * The safety net's versions: with keepDeletedDays > 0 every file a sync deleted or replaced on
 * the backup moved into .rsync-tray-deleted/YYYY-MM-DD/<its path> (rsync --backup-dir). One
 * recursive listing of that folder gives them all, by day; a file's history is every day that
 * holds its path, plus the file as the backup has it now.
 */
import type { VersionEntry, VersionsPage } from '../../shared/restore-contract.ts';
import { VERSION_DATE } from '../../shared/restore-contract.ts';
import { DELETED_DIR } from '../rsync/rsync-args.ts';
import type { BackupAccess } from './backup-access.ts';
import { listFolder } from './folder-listing.ts';

export interface VersionQuery {
  /** One file's history (a path from the target's top). */
  path?: string;
  /** Any part of the path, any case. */
  search?: string;
  offset: number;
  limit: number;
}

export async function listVersions(backup: BackupAccess, query: VersionQuery): Promise<VersionsPage> {
  const top = await listFolder(backup, '');
  const hasNet = top.some((e) => e.name === DELETED_DIR && e.kind === 'folder');
  const kept = hasNet ? await listFolder(backup, DELETED_DIR, { recursive: true }) : [];
  const dates = new Set<string>();
  const all: VersionEntry[] = [];
  for (const e of kept) {
    const slash = e.name.indexOf('/');
    const date = slash === -1 ? e.name : e.name.slice(0, slash);
    if (!VERSION_DATE.test(date)) continue;
    dates.add(date);
    if (slash === -1 || e.kind === 'folder') continue;
    all.push({ date, path: e.name.slice(slash + 1), size: e.size, mtime: e.mtime });
  }
  const needle = query.search?.toLowerCase();
  const matched = all.filter(
    (v) => (query.path === undefined || v.path === query.path) && (!needle || v.path.toLowerCase().includes(needle)),
  );
  matched.sort((a, b) =>
    a.date === b.date ? (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) : a.date < b.date ? 1 : -1,
  );
  let current: VersionsPage['current'] = null;
  if (query.path) {
    const slash = query.path.lastIndexOf('/');
    const parent = slash === -1 ? '' : query.path.slice(0, slash);
    const name = query.path.slice(slash + 1);
    const siblings = parent === '' ? top : await listFolder(backup, parent).catch(() => []);
    const now = siblings.find((e) => e.name === name && e.kind !== 'folder');
    current = now ? { size: now.size, mtime: now.mtime } : null;
  }
  return {
    total: matched.length,
    offset: query.offset,
    items: matched.slice(query.offset, query.offset + query.limit),
    current,
    dates: [...dates].sort().reverse(),
  };
}
