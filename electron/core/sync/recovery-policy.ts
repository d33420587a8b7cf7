/**
 * How a profile recovers from watcher trouble, and when: policy as data, read by
 * profile-runner.ts, so the whole policy reads at a glance and tests can shorten the timings.
 */
import type { WatchMode } from '../../shared/status.ts';
import type { WatchTrouble } from '../watch/tree-watcher.ts';

export interface RecoveryTimings {
  /** Full rescans while native watching is unavailable. */
  rescanEveryMs: number;
  /** Next attempt to watch natively after a watch limit or watcher failure. */
  rewatchAfterMs: number;
  /** Next attempt after the watched folder vanished. */
  rootGoneRetryMs: number;
  /** How often the source folder is checked to still be the one watched (folderIdentity). */
  sourceCheckEveryMs: number;
}

export const DEFAULT_TIMINGS: RecoveryTimings = {
  rescanEveryMs: 30_000,
  rewatchAfterMs: 5 * 60_000,
  rootGoneRetryMs: 5_000,
  sourceCheckEveryMs: 2_000,
};

/** How the profile recovers from each kind of watcher trouble. Data, so the policy reads at a glance. */
export const TROUBLE_POLICY: Record<
  WatchTrouble['reason'],
  { mode: WatchMode; rewatch: keyof RecoveryTimings | null; rescan: boolean }
> = {
  // The kernel dropped events but the watch is intact: one rescan catches up.
  overflow: { mode: 'watching', rewatch: null, rescan: false },
  // Out of inotify watches: rescan periodically, try watching again later.
  'watch-limit': { mode: 'rescanning', rewatch: 'rewatchAfterMs', rescan: true },
  // The folder is gone (unmounted, deleted): nothing to scan; watch again when it is back.
  'root-gone': { mode: 'rescanning', rewatch: 'rootGoneRetryMs', rescan: false },
  error: { mode: 'rescanning', rewatch: 'rewatchAfterMs', rescan: true },
};
