/**
 * A held deletion as a person reviews it before answering: its names narrowed by a search and a
 * folder, paged, with sizes, and totalled per folder one level down — so "2023/ — 1,210 files,
 * 3.4 GiB" is seen before anyone confirms. Pure: held-deletions.ts supplies the names and the
 * sizes it listed on the backup (core/rsync/rsync-listing.ts), test/core/held-review.test.ts the cases.
 */
import { displayName } from '../../shared/names.ts';
import type { HeldFolderTotal, HeldReview } from '../../shared/status.ts';

export interface HeldPage {
  /** A substring of the name as people see it (displayName), any case; "" for all. */
  query: string;
  /** "" or a held folder ("2023/", "2023/jan/") to look into. */
  folder: string;
  offset: number;
  limit: number;
}

/** Folder rows one answer carries (the count of all is exact). */
export const FOLDER_ROWS = 500;

export interface ReviewInput {
  names: readonly string[];
  /** The names lower-cased as shown, in the same order (computed once per hold). */
  searchable: () => readonly string[];
  /** Bytes per entry name (no trailing "/"), or null while unknown. */
  sizes: ReadonlyMap<string, number> | null;
}

type Reviewed = Omit<HeldReview, 'target' | 'total' | 'listed' | 'sizesNote'>;

const isFolder = (name: string): boolean => name.endsWith('/');

/** A folder to look into, as held names spell it: "2023/jan/" ("" for the whole hold). */
export function folderPrefix(folder: string): string {
  const trimmed = folder.replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed === '' ? '' : `${trimmed}/`;
}

export function reviewHeld({ names, searchable, sizes }: ReviewInput, page: HeldPage): Reviewed {
  const prefix = folderPrefix(page.folder);
  const query = page.query.trim().toLowerCase();
  const lowered = query ? searchable() : null;
  const rows = new Map<string, HeldFolderTotal>();
  const matched: number[] = [];
  let files = 0;
  let bytes = 0;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (!name.startsWith(prefix) || name === prefix) continue;
    if (lowered && !lowered[i]!.includes(query)) continue;
    matched.push(i);
    const size = isFolder(name) ? 0 : (sizes?.get(name) ?? 0);
    if (!isFolder(name)) {
      files++;
      bytes += size;
    }
    const rest = name.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash === -1) continue; // a file right in the folder: in the list, in no row
    const path = prefix + rest.slice(0, slash + 1);
    let row = rows.get(path);
    if (!row) rows.set(path, (row = { path, files: 0, folders: 0, bytes: sizes ? 0 : null }));
    if (name === path) continue; // the folder itself
    if (isFolder(name)) row.folders++;
    else {
      row.files++;
      if (row.bytes !== null) row.bytes += size;
    }
  }
  const pageOf = matched.slice(page.offset, page.offset + page.limit).map((i) => names[i]!);
  return {
    offset: page.offset,
    query: page.query,
    folder: prefix,
    matched: matched.length,
    names: pageOf,
    sizes: pageOf.map((n) => (isFolder(n) ? null : (sizes?.get(n) ?? null))),
    // In name order, as a file manager lists them (rsync deletes in its own order).
    folders: [...rows.values()].sort((a, b) => (a.path < b.path ? -1 : 1)).slice(0, FOLDER_ROWS),
    folderCount: rows.size,
    files,
    bytes: sizes ? bytes : null,
  };
}

/** The names as a search reads them: escaped as shown (so "caf\xE9" finds it), any case. */
export function searchableNames(names: readonly string[]): string[] {
  return names.map((n) => displayName(n).toLowerCase());
}
