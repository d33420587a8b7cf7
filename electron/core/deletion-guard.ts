/**
 * The mass-deletion guard: the one thing lsyncd users fear most is a backup wiped because the
 * source was empty or unmounted. A full sync first transfers without deleting and counts what it
 * would delete (--max-delete=0); this judges the count. Pure, so every case has a test.
 */
import { opendirSync } from 'node:fs';
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
    return { allow: false, backupEntries, reason: `the source folder is empty (is its disk mounted?), so mirroring it would delete ${c.deletions} entries on the backup` };
  }
  const percent = (100 * c.deletions) / backupEntries;
  if (c.maxDeletePercent < 100 && c.deletions >= MIN_DELETIONS_TO_HOLD && percent > c.maxDeletePercent) {
    return { allow: false, backupEntries, reason: `mirroring would delete ${c.deletions} of ${backupEntries} entries on the backup (${percent.toFixed(0)} %, more than the ${c.maxDeletePercent} % allowed)` };
  }
  return { allow: true };
}

/**
 * Watched deletions that reach into at least this share of the source's top-level entries may be
 * the source being emptied (rm -rf src/*, a sync client unlinking a folder): their batch waits for
 * a short quiet so the emptying is seen whole and the empty-source check can hold it. A folder
 * deleted somewhere in a wide tree is not that, and goes at once.
 */
export const EMPTYING_SHARE = 1 / 8;

/** `reach`: top-level entries the pending deletions touch; `remaining`: top-level entries left. */
export function mayBeEmptying(reach: number, remaining: number): boolean {
  return reach > 0 && reach >= EMPTYING_SHARE * (remaining + reach);
}

/**
 * Whether the top level of `source` may be being emptied by deletions reaching into `reach` of
 * its entries. Reads only as many entries as the decision needs (a wide root is not listed
 * whole on every event); a source that cannot be read counts as empty.
 */
export function sourceMayBeEmptying(source: string, reach: number): boolean {
  if (reach === 0) return false;
  const enough = Math.ceil(reach / EMPTYING_SHARE);
  let remaining = 0;
  try {
    const dir = opendirSync(source);
    try {
      while (remaining < enough && dir.readSync()) remaining++;
    } finally {
      dir.closeSync();
    }
  } catch {
    remaining = 0;
  }
  return mayBeEmptying(reach, remaining);
}

export async function isEmptyFolder(folder: string): Promise<boolean> {
  const dir = await opendir(folder);
  try {
    return (await dir.read()) === null;
  } finally {
    await dir.close().catch(() => undefined);
  }
}
