/**
 * The status vocabulary shared by the engine, the tray, the CLI and the UI. Pure types and data:
 * the renderer imports this file too.
 */
import type { ErrorInfo } from './errors.ts';

export type { ErrorInfo };

export const SYNC_STATES = [
  'idle',
  'scanning',
  'syncing',
  'retrying',
  'needs-confirmation',
  'error',
  'paused',
  'stopped',
] as const;
export type SyncState = (typeof SYNC_STATES)[number];

/**
 * How bad a state is, for "the worst state across targets/profiles" (the tray icon). A profile that
 * is paused is not current, but it is the user's choice, so it ranks below anything that needs
 * attention.
 */
export const STATE_SEVERITY: Record<SyncState, number> = {
  stopped: 0,
  idle: 1,
  scanning: 2,
  syncing: 3,
  paused: 4,
  retrying: 5,
  'needs-confirmation': 6,
  error: 7,
};

/**
 * The words for each state, the same in the tray menu, the CLI and the window (which capitalises
 * them). One table, so "current" never means something else elsewhere.
 */
export const STATE_LABEL: Record<SyncState, string> = {
  idle: 'current',
  scanning: 'checking',
  syncing: 'syncing',
  paused: 'paused',
  retrying: 'retrying',
  'needs-confirmation': 'needs confirmation',
  error: 'error',
  stopped: 'disabled',
};

export function worstState(states: Iterable<SyncState>, fallback: SyncState = 'idle'): SyncState {
  let worst: SyncState | null = null;
  for (const s of states) if (worst === null || STATE_SEVERITY[s] > STATE_SEVERITY[worst]) worst = s;
  return worst ?? fallback;
}

export interface TransferProgress {
  kind: 'full' | 'batch';
  /**
   * Of file data (rsync's own count), or as sent on the wire — file lists too, so a full sync
   * with nothing to copy still counts up (full syncs on Linux, see progressFrom).
   */
  bytes: number;
  /** Null where no honest percentage is known: full syncs on Linux, and while rsync is still finding files. */
  percent: number | null;
  /** Smoothed over the last seconds, never above the limit in force (core/sync/rate-meter.ts, transfer-meter.ts); 0 until known. */
  bytesPerSecond: number;
  /** From the bytes left and the smoothed rate; null where either is unknown. */
  etaSeconds: number | null;
  /** Entries done (checked or sent) so far in this run, where rsync tells; absent from older hosts. */
  filesDone?: number | null;
  /** Entries the run will go through: rsync's file list once it is whole; null while unknown. */
  filesTotal?: number | null;
  /** Bytes the run will move: from rsync's percentage, or a full sync's count (full-sync-count.ts); null while unknown. */
  bytesTotal?: number | null;
}

/** A target's transfer rate over the last minutes, for a small graph: one point (bytes/s) per step. */
export interface RateHistory {
  stepMs: number;
  /** epoch ms: the end of the newest step. */
  endAt: number;
  samples: number[];
}

/** Files rsync could not send in the target's last run (its "failed to open", "Permission denied" lines). */
export interface FailedItems {
  count: number;
  /** The first names (relative to the source where rsync gave a full path). */
  names: string[];
  /** epoch ms: when that run ended. */
  at: number;
}

export interface RetryInfo {
  attempt: number;
  /** epoch ms */
  nextAt: number;
}

/** Where deletions on a target go: the safety net's folder (kept `days`), or nowhere (destroyed). */
export interface SafetyNetPlace {
  /** The dated folder inside the target, e.g. ".rsync-tray-deleted/2026-12-02". */
  folder: string;
  days: number;
}

/**
 * A deletion held back until someone confirms it: a pass that would cross the target's deletion
 * budget (what was deleted without confirmation in the rolling window, plus this pass).
 */
export interface DeletionHold {
  /** What confirming would delete (entries: files and folders). */
  deletions: number;
  /** Deleted on this target without confirmation in the window before the hold. */
  alreadyDeleted: number;
  windowMinutes: number;
  /** Files and folders on the backup when the window's deletions began, as far as the counts tell. */
  backupEntries: number;
  reason: string;
  /** epoch ms */
  since: number;
  /** The first names held, as rsync names them ("folder/" for a folder); the rest page through deletions.list. */
  sample: string[];
  /** How many names are known (0 while only a count is: they are listed on the next look). */
  listed: number;
  /** Where deleted files go: the safety net, or null when they are destroyed. */
  safetyNet: SafetyNetPlace | null;
}

/** One target's page of held names ("folder/" for a folder): `total` held, `listed` of them known by name. */
export interface HeldNames {
  target: string;
  total: number;
  listed: number;
  offset: number;
  names: string[];
}

/** One folder's share of a held deletion: what under it would go ("2023/ — 1,210 files, 3.4 GiB"). */
export interface HeldFolderTotal {
  /** "2023/" (under the folder reviewed). */
  path: string;
  files: number;
  folders: number;
  /** Bytes of its files on the backup; null while sizes are unknown. */
  bytes: number | null;
}

/**
 * A held deletion reviewed: a page of the names (matching `query`, under `folder`), each with its
 * size on the backup where known, and the totals per folder one level below `folder`.
 */
export interface HeldReview extends HeldNames {
  query: string;
  /** "" for the whole hold, or a folder ("2023/") to look into. */
  folder: string;
  /** Names known that match the query under the folder (the page is of these). */
  matched: number;
  /** Sizes of the page's names, in order: null for a folder or a name the backup does not list. */
  sizes: (number | null)[];
  folders: HeldFolderTotal[];
  /** Folders under `folder` in all (the list above may be cut short). */
  folderCount: number;
  /** Files among the matched names, and their bytes (null while sizes are unknown). */
  files: number;
  bytes: number | null;
  /** Why sizes are not shown ("" when they are). */
  sizesNote: string;
}

export interface TargetStatus {
  key: string;
  state: SyncState;
  /** Changed paths seen but not yet confirmed on this target. */
  pending: number;
  lastSuccessAt: number | null;
  lastFullSyncAt: number | null;
  lastError: ErrorInfo | null;
  retry: RetryInfo | null;
  /** When the daemon was first missed (a run's network failure, or an idle probe); null while it answers. */
  unreachableSince: number | null;
  hold: DeletionHold | null;
  progress: TransferProgress | null;
  totals: { runs: number; files: number; bytes: number; failures: number };
  /** When the daemon last answered (a run that reached it, or an idle probe); null before any. */
  lastContactAt?: number | null;
  /** What the last run could not send; null when it sent everything. */
  failed?: FailedItems | null;
  /** The rate of the last minutes; null when nothing was sent in them. */
  rateHistory?: RateHistory | null;
}

export type WatchMode = 'starting' | 'watching' | 'polling' | 'rescanning' | 'stopped';

export interface ProfileStatus {
  name: string;
  state: SyncState;
  pending: number;
  /** The oldest of the targets' last successes: the backup is current up to here everywhere. */
  lastSuccessAt: number | null;
  lastError: ErrorInfo | null;
  watch: { mode: WatchMode; note: string | null };
  targets: TargetStatus[];
  /**
   * While paused by a person (or by refusing a held deletion): when the pause ends, epoch ms, or
   * null for "until resumed". Absent when not paused, and from older hosts.
   */
  pausedUntil?: number | null;
  /**
   * While paused by a condition of the machine or held by the host (a restore into the source):
   * why ("on battery", "metered network", "restoring"), shown as "paused: on battery". It resumes
   * by itself when that ends. Absent otherwise.
   */
  pauseReason?: string;
}

export interface RunRecord {
  profile: string;
  target: string;
  kind: 'full' | 'batch';
  startedAt: number;
  durationMs: number;
  /** Paths handed to rsync (batch), 0 for a full sync. */
  paths: number;
  files: number;
  bytes: number;
  /** From the oldest change in the batch to the end of the run: how far behind the backup was. */
  latencyMs: number | null;
  /** Entries this run deleted on the backup, and entries it moved (a watched rename: deleted here, created there). */
  deleted: number;
  moved: number;
  /** The first names deleted (rsync's, "folder/" for a folder); \`deleted\` is the count. */
  deletedNames: string[];
  /** held: a run that transferred everything but held back a deletion over the budget. */
  outcome: 'ok' | 'vanished' | 'held' | 'retry' | 'fatal' | 'canceled';
  error: ErrorInfo | null;
  /** The host's number for the run (activity.names pages its names by it), given by its activity log. */
  id?: number;
  /**
   * Entries this run sent — files created or updated, folders, symlinks — from rsync's itemized
   * output (`files` stays rsync's count of regular files transferred). Absent from older hosts.
   */
  sent?: number;
  /** The first names sent ("folder/" for a folder); `sent` is the count, the rest page through activity.names. */
  sentNames?: string[];
  /** The first moves named; `moved` is the count. */
  movedNames?: MovedName[];
  /**
   * Host side only: every name the engine read (bounded per run). The host's activity log takes
   * it off before the record leaves the host; a window never sees it.
   */
  allNames?: { sent: string[]; deleted: string[] };
}

/** An entry a watched rename moved: deleted at `from`, sent again at `to` where the watcher said where. */
export interface MovedName {
  from: string;
  to: string | null;
}

/** What happened to one name in a run. */
export type ChangeAction = 'sent' | 'deleted' | 'moved';

/** One name in a run's list (activity.names) or in the recent changes (activity.changes). */
export interface FileChange {
  action: ChangeAction;
  name: string;
  /** For a move, where it went (null where not known). */
  to?: string | null;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type EngineEventBody =
  | { type: 'status'; status: ProfileStatus }
  | { type: 'run'; run: RunRecord }
  | { type: 'log'; level: LogLevel; message: string; profile?: string }
  /** A restore's progress (issue 16): not the engine's, so it advances no sequence (see app-service.ts). */
  | { type: 'restore'; profile: string; progress: RestoreProgress };

/** How far a restore has come: rsync's reading of the pull (core/rsync/rsync-progress.ts). */
export type RestoreProgress = Omit<TransferProgress, 'kind'>;

/** Every event carries a sequence number, so a client can tell it missed some and refetch. */
export type EngineEvent = EngineEventBody & { seq: number; at: number };

/** A profile's status from its targets': the worst state, and the oldest last success. */
export function summarizeProfile(
  name: string,
  targets: readonly TargetStatus[],
  watch: ProfileStatus['watch'],
): ProfileStatus {
  const list = [...targets];
  const successes = list.map((t) => t.lastSuccessAt);
  return {
    name,
    state: worstState(list.map((t) => t.state)),
    pending: Math.max(0, ...list.map((t) => t.pending)),
    lastSuccessAt: successes.some((s) => s === null) ? null : Math.min(...(successes as number[])),
    lastError: list.find((t) => t.lastError)?.lastError ?? null,
    watch,
    targets: list,
  };
}
