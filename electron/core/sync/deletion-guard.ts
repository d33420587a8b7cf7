/**
 * The mass-deletion guard: the one thing lsyncd users fear most is a backup wiped because the
 * source was emptied, unmounted or replaced. Real deletions are spread over time (`rm -rf` of a
 * big tree takes a while, a person removes folders one after another, a sync client unlinks
 * files one by one), so a deletion is never judged alone: every deletion that reaches a target —
 * watched or from a full sync — spends one budget per target over a rolling window
 * (deletion-budget.ts), and a pass that would cross `maxDeletePercent` of the backup is held
 * whole. Pure, so every case has a test.
 */
import { opendir } from 'node:fs/promises';
import { formatCount } from '../../shared/presenter.ts';

/** The budget's policy, one table. */
export const DELETION_BUDGET_POLICY = {
  /**
   * How far back deletions count. Long enough that a tree removed folder by folder, or a script
   * unlinking files for minutes, still adds up; short enough that a day of ordinary tidying does
   * not. A person's confirmation empties the window (they have seen what went).
   */
  windowMs: 10 * 60_000,
  /** Below this many deletions in the window the share is not checked (small trees change a lot in relative terms). */
  minDeletionsToHold: 10,
  /** Names a hold keeps for the window to page through (the count is always exact). */
  namesKept: 100_000,
  /** Names a status carries, for a notification or a prompt to show at once. */
  sampleNames: 20,
} as const;

export interface DeletionCount {
  /** What this pass would delete. */
  deletions: number;
  /** Deleted on this target, without confirmation, within the window before this pass. */
  alreadyDeleted: number;
  /** Files and folders on the backup now, before this pass deletes anything. */
  backupEntries: number;
  sourceEmpty: boolean;
  maxDeletePercent: number;
}

export type DeletionVerdict = { allow: true } | { allow: false; reason: string; backupEntries: number };

const minutes = (ms: number): string => `${Math.round(ms / 60_000)} minutes`;
/** Counts read one way everywhere (1,642): the reason is shown by the window, the CLI and notifications. */
const n = formatCount;

export function judgeDeletions(c: DeletionCount): DeletionVerdict {
  if (c.deletions === 0) return { allow: true };
  // The share is of what the backup held when the window's deletions began.
  const before = Math.max(c.backupEntries + c.alreadyDeleted, c.alreadyDeleted + c.deletions);
  const total = c.alreadyDeleted + c.deletions;
  const already =
    c.alreadyDeleted > 0
      ? ` after ${n(c.alreadyDeleted)} deleted in the last ${minutes(DELETION_BUDGET_POLICY.windowMs)}`
      : '';
  if (c.sourceEmpty) {
    return {
      allow: false,
      backupEntries: before,
      reason:
        `the source folder is empty (is its disk mounted?), ` +
        `so mirroring it would delete ${n(c.deletions)} entries on the backup${already}`,
    };
  }
  const percent = (100 * total) / before;
  if (c.maxDeletePercent < 100 && total >= DELETION_BUDGET_POLICY.minDeletionsToHold && percent > c.maxDeletePercent) {
    return {
      allow: false,
      backupEntries: before,
      reason:
        `mirroring would delete ${n(c.deletions)} more entries${already}: ${n(total)} of the backup's ${n(before)} ` +
        `(${percent.toFixed(0)} %, more than the ${c.maxDeletePercent} % allowed)`,
    };
  }
  return { allow: true };
}

export async function isEmptyFolder(folder: string): Promise<boolean> {
  const dir = await opendir(folder);
  try {
    return (await dir.read()) === null;
  } finally {
    await dir.close().catch(() => undefined);
  }
}
