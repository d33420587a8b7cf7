/**
 * When a target's next rsync run is due, and what its state is called — pure functions of the
 * pending state, the time and one policy table, so every rule has a fake-time test
 * (test/core/scheduler.test.ts). target-sync.ts only executes what these decide.
 *
 * In: a ScheduleState snapshot and `now`. Out: the time the next run is due (or none), whether
 * the deletions pending are due yet, and the state a person sees.
 */
import type { SyncState, TargetStatus } from '../../shared/status.ts';

export interface SchedulePolicy {
  /** Quiet after the last change before a batch starts (the profile's debounceMs). */
  debounceMs: number;
  /** A batch starts at the latest this long after its oldest change, so churn still syncs. */
  maxDelayMs: number;
  /**
   * Deletions wait for at least this much quiet: the first deletion of an emptying source
   * (rm -rf src/*, a sync client unlinking a folder) looks like any deletion, and only a little
   * patience lets the emptying be seen whole and held. Other changes do not wait for it.
   */
  deletionQuietMs: number;
  /**
   * Changes pending after a run that make the next run start at once: under a burst, runs follow
   * each other back to back instead of idling until the churn pauses. (Fewer do not: a log file
   * appended every millisecond would otherwise cost the daemon ~50 connections a second.)
   */
  backToBackMinPaths: number;
  /** Files vanishing under rsync (exit 24): the first pause before the paths go round again, and its cap. */
  vanishedBaseMs: number;
  vanishedCapMs: number;
}

/** The engine's fixed timing policy; debounce and max delay come from each profile. */
export const SCHEDULE_POLICY = {
  deletionQuietMs: 50,
  backToBackMinPaths: 50,
  vanishedBaseMs: 50,
  vanishedCapMs: 2_000,
} as const;

export function schedulePolicy(profile: { debounceMs: number; maxDelayMs: number }): SchedulePolicy {
  return { ...SCHEDULE_POLICY, debounceMs: profile.debounceMs, maxDelayMs: profile.maxDelayMs };
}

export interface PendingSummary {
  size: number;
  /** When the oldest pending change was seen; null when nothing is pending. */
  firstAt: number | null;
  hasChanges: boolean;
  hasDeletions: boolean;
}

export interface ScheduleState {
  started: boolean;
  paused: boolean;
  disposed: boolean;
  running: boolean;
  /** A retry (backoff) or a vanished-files pause is waiting until then. */
  retryAt: number | null;
  fullSyncWanted: boolean;
  pending: PendingSummary;
  lastEventAt: number;
  /** When the last run ended: changes that arrived during it have waited for it already. */
  lastCycleEndedAt: number;
}

/** When the pending changes and the pending deletions are due (Infinity: none of that kind). */
export function dueTimes(s: ScheduleState, now: number, p: SchedulePolicy): { changes: number; deletions: number } {
  const firstAt = s.pending.firstAt ?? now;
  const latest = firstAt + p.maxDelayMs;
  const backToBack = firstAt <= s.lastCycleEndedAt && s.pending.size >= p.backToBackMinPaths;
  const changes = !s.pending.hasChanges ? Infinity : backToBack ? now : Math.min(s.lastEventAt + p.debounceMs, latest);
  const deletions = !s.pending.hasDeletions
    ? Infinity
    : Math.min(s.lastEventAt + Math.max(p.debounceMs, p.deletionQuietMs), latest);
  return { changes, deletions };
}

/**
 * When the next run should start; null when none may (not started, paused, stopped, running) or
 * none is needed (nothing pending: the target is idle).
 */
export function nextRunAt(s: ScheduleState, now: number, p: SchedulePolicy): number | null {
  if (!s.started || s.disposed || s.paused || s.running) return null;
  if (s.retryAt !== null) return s.retryAt;
  if (s.fullSyncWanted) return now;
  if (s.pending.size === 0) return null;
  const { changes, deletions } = dueTimes(s, now, p);
  return Math.min(changes, deletions);
}

/** Whether a batch cut now takes the pending deletions too (a full pass always takes everything). */
export function deletionsDue(s: ScheduleState, now: number, p: SchedulePolicy): boolean {
  return dueTimes(s, now, p).deletions <= now;
}

/** The pause before paths that met vanishing files go round again: growing, capped. */
export function vanishedDelay(streak: number, p: SchedulePolicy): number {
  return Math.min(p.vanishedCapMs, p.vanishedBaseMs * 2 ** streak);
}

export interface StateInputs {
  disposed: boolean;
  paused: boolean;
  /** The kind of run in progress, if any. */
  running: 'full' | 'batch' | null;
  /** The last error is one a person must fix (retry-policy NEEDS_A_PERSON) and a retry waits. */
  needsPerson: boolean;
  held: boolean;
  retrying: boolean;
  /** Idle, but its daemon stopped answering (reachability.ts). */
  unreachable: boolean;
  fullSyncWanted: boolean;
  pending: number;
}

/** The state a person sees. "idle" (current) only when nothing at all is owed to the backup. */
export function targetState(s: StateInputs): SyncState {
  if (s.disposed) return 'stopped';
  if (s.paused) return 'paused';
  if (s.running) return s.running === 'full' ? 'scanning' : 'syncing';
  if (s.needsPerson) return 'error';
  if (s.held) return 'needs-confirmation';
  if (s.retrying) return 'retrying';
  if (s.fullSyncWanted) return 'scanning';
  if (s.pending === 0 && s.unreachable) return 'retrying';
  if (s.pending > 0) return 'syncing';
  return 'idle';
}

/** A target's status before anything ran: checking (the first full sync is owed). */
export function initialStatus(key: string, totals: TargetStatus['totals']): TargetStatus {
  return {
    key,
    state: 'scanning',
    pending: 0,
    lastSuccessAt: null,
    lastFullSyncAt: null,
    lastError: null,
    retry: null,
    unreachableSince: null,
    hold: null,
    progress: null,
    totals,
  };
}
