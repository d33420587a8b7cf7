/**
 * The mass-deletion guard: the one thing lsyncd users fear most is a backup wiped because the
 * source was empty or unmounted. A full sync first transfers without deleting and counts what it
 * would delete (--max-delete=0); this judges the count. Pure, so every case has a test.
 */
import { opendir } from 'node:fs/promises';

/** Below this many deletions the share is not checked (small trees change a lot in relative terms). */
export const MIN_DELETIONS_TO_HOLD = 10;

export interface DeletionCount {
  /** Deletions rsync held back. */
  deletions: number;
  /** Entries in the source (rsync's "Number of files", which counts folders too). */
  sourceEntries: number;
  /** Entries the pass created on the backup. */
  created: number;
  sourceEmpty: boolean;
  maxDeletePercent: number;
}

export type DeletionVerdict = { allow: true } | { allow: false; reason: string; backupEntries: number };

export function judgeDeletions(c: DeletionCount): DeletionVerdict {
  if (c.deletions === 0) return { allow: true };
  // What the backup held before this pass: what both sides share, plus what only it has.
  const backupEntries = Math.max(c.deletions, c.sourceEntries - c.created + c.deletions);
  if (c.sourceEmpty) {
    return {
      allow: false,
      backupEntries,
      reason:
        `the source folder is empty (is its disk mounted?), ` +
        `so mirroring it would delete ${c.deletions} entries on the backup`,
    };
  }
  const percent = (100 * c.deletions) / backupEntries;
  if (c.maxDeletePercent < 100 && c.deletions >= MIN_DELETIONS_TO_HOLD && percent > c.maxDeletePercent) {
    return {
      allow: false,
      backupEntries,
      reason:
        `mirroring would delete ${c.deletions} of ${backupEntries} entries on the backup ` +
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
