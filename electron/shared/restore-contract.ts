/**
 * The restore part of the API contract (issue 16): browsing a target, previewing and running a
 * restore, listing the safety net's versions. Kept beside contract.ts, which spreads these
 * inputs into METHOD_INPUTS and these results into MethodOutputs. Browser-safe: zod only.
 *
 * Paths are relative to the target's folder (= the profile's source folder), '/'-separated, in
 * the lossless encoding of shared/names.ts, so a name that is not UTF-8 survives the JSON.
 */
import { z } from 'zod';

const profileName = z.string().min(1).max(200);
/** Which of the profile's targets, by its index in `targets` (0: the first). */
const targetIndex = z.number().int().min(0).max(49).default(0);
const relPath = z.string().max(4_096);
/** A safety-net day folder: YYYY-MM-DD. */
export const VERSION_DATE = /^\d{4}-\d{2}-\d{2}$/;

export const CONFLICT_CHOICES = ['keep-both', 'overwrite', 'skip'] as const;
export type ConflictChoice = (typeof CONFLICT_CHOICES)[number];

const restoreRequest = {
  profile: profileName,
  target: targetIndex,
  /** What to restore; empty with `all`: the whole backup. */
  paths: z.array(relPath).max(10_000).default([]),
  /** The whole backup (disaster recovery): into `to`, a new or empty folder unless `force`. */
  all: z.boolean().default(false),
  force: z.boolean().default(false),
  /** Another folder (absolute); absent: back to its place in the profile's source. */
  to: z.string().min(1).max(4_096).optional(),
  /** A version kept by the safety net (YYYY-MM-DD) instead of the current backup. */
  version: z.string().regex(VERSION_DATE).optional(),
};

export const RESTORE_INPUTS = {
  /** A page of one folder of the backup, folders first, each entry beside its local state. */
  'restore.list': z
    .object({
      profile: profileName,
      target: targetIndex,
      folder: relPath.default(''),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(5_000).default(200),
    })
    .strict(),
  /** A dry run: what the restore would create and which local files differ (the conflicts). */
  'restore.preview': z.object(restoreRequest).strict(),
  /** The restore; with conflicts it needs `onConflict` (or it refuses, changing nothing). */
  'restore.run': z.object({ ...restoreRequest, onConflict: z.enum(CONFLICT_CHOICES).optional() }).strict(),
  /** The safety net's versions by date, searchable; with `path`: that file's history. */
  'restore.versions': z
    .object({
      profile: profileName,
      target: targetIndex,
      path: relPath.optional(),
      search: z.string().max(500).optional(),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(5_000).default(200),
    })
    .strict(),
} as const;

/**
 * How an entry of the backup stands against its local counterpart, by rsync's quick check
 * (kind, size and the modification time to the second). A folder present on both is `same`:
 * its content is compared entry by entry when it is opened.
 */
export type LocalState = 'same' | 'differs' | 'backup-only' | 'local-only';

export interface BrowseEntry {
  /** The name inside the listed folder. */
  name: string;
  /** The path from the target's top folder. */
  path: string;
  kind: 'file' | 'folder' | 'symlink' | 'device' | 'special';
  /** On the backup (null: only local). */
  size: number | null;
  mtime: number | null;
  state: LocalState;
  local: { size: number; mtime: number } | null;
}

export interface BrowsePage {
  folder: string;
  /** Entries in the folder, on either side. */
  total: number;
  offset: number;
  items: BrowseEntry[];
  /** Per state, over the whole folder. */
  counts: Record<LocalState, number>;
}

export interface RestorePreview {
  /** Where the files go. */
  destination: string;
  /** Entries the restore would create (not there locally). */
  creates: { count: number; names: string[] };
  /** Local files that differ from what would be restored (newer or not): a choice is needed. */
  conflicts: { count: number; names: string[] };
  /** File bytes the restore would bring. */
  bytes: number;
}

export interface RestoreReport extends RestorePreview {
  /** Entries received. */
  restored: number;
  /** Conflicts kept as they were (skip). */
  skipped: string[];
  /** keep-both: each restored copy, beside the local file it did not replace. */
  keptBoth: Array<{ path: string; restoredAs: string }>;
  bytesReceived: number;
  /** For a whole profile restored elsewhere: what to do next, in words. */
  nextSteps: string[];
}

export interface VersionEntry {
  /** The day folder (YYYY-MM-DD): when the file was replaced or deleted on the backup. */
  date: string;
  path: string;
  size: number;
  mtime: number;
}

export interface VersionsPage {
  /** Versions matching the query. */
  total: number;
  offset: number;
  /** Newest day first, then by path. */
  items: VersionEntry[];
  /** With `path`: the file as the backup holds it now (null: deleted there). */
  current: { size: number; mtime: number } | null;
  /** The days the safety net holds, newest first. */
  dates: string[];
}

export interface RestoreOutputs {
  'restore.list': BrowsePage;
  'restore.preview': RestorePreview;
  'restore.run': RestoreReport;
  'restore.versions': VersionsPage;
}
