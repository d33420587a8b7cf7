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
  bytesPerSecond: number;
  etaSeconds: number | null;
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
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type EngineEventBody =
  | { type: 'status'; status: ProfileStatus }
  | { type: 'run'; run: RunRecord }
  | { type: 'log'; level: LogLevel; message: string; profile?: string };

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
