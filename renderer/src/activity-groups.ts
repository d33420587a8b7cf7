/**
 * The Activity table's rows: consecutive batch runs of one burst — same profile and target,
 * each starting soon after the one before ended, all successful — folded into one row
 * ("12 runs, 5,120 items sent") that expands. A failure, a full sync or a pause in between ends
 * the group, so what needs reading stays a row of its own. Pure: test/ui/activity-groups.test.ts.
 */
import type { RunRecord } from '@shared/status.ts';

export const GROUPING_POLICY = {
  /** A run that starts at most this long after the previous one ended belongs to its burst. */
  gapMs: 15_000,
  /** Runs that may be grouped: the ones that need nobody to read them one by one. */
  outcomes: ['ok', 'vanished'] as readonly RunRecord['outcome'][],
} as const;

export interface RunGroup {
  /** Stable across redraws while runs arrive: the oldest run's key. */
  key: string;
  /** Newest first, as the table lists them. */
  runs: RunRecord[];
  profile: string;
  target: string;
  startedAt: number;
  endedAt: number;
  paths: number;
  sent: number;
  files: number;
  bytes: number;
  deleted: number;
  moved: number;
}

const endOf = (r: RunRecord): number => r.startedAt + r.durationMs;
export const runKey = (r: RunRecord): string => (r.id !== undefined ? `#${r.id}` : `${r.startedAt}-${r.target}`);

const groupable = (r: RunRecord): boolean => r.kind === 'batch' && GROUPING_POLICY.outcomes.includes(r.outcome);

/** Runs newest first → groups newest first; a group of one is a run shown alone. */
export function groupRuns(runs: readonly RunRecord[]): RunGroup[] {
  const groups: RunGroup[] = [];
  let current: RunGroup | null = null;
  for (const r of runs) {
    const last = current?.runs.at(-1);
    const joins =
      current !== null &&
      last !== undefined &&
      groupable(r) &&
      groupable(last) &&
      r.profile === current.profile &&
      r.target === current.target &&
      last.startedAt - endOf(r) <= GROUPING_POLICY.gapMs;
    if (!joins || current === null) {
      current = {
        key: runKey(r),
        runs: [],
        profile: r.profile,
        target: r.target,
        startedAt: r.startedAt,
        endedAt: endOf(r),
        paths: 0,
        sent: 0,
        files: 0,
        bytes: 0,
        deleted: 0,
        moved: 0,
      };
      groups.push(current);
    }
    current.runs.push(r);
    current.key = runKey(r);
    current.startedAt = Math.min(current.startedAt, r.startedAt);
    current.endedAt = Math.max(current.endedAt, endOf(r));
    current.paths += r.paths;
    current.sent += r.sent ?? r.files;
    current.files += r.files;
    current.bytes += r.bytes;
    current.deleted += r.deleted;
    current.moved += r.moved;
  }
  return groups;
}
