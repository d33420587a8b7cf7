/**
 * The run for files known to have only grown (sync/growth-tracker.ts decides): the batch's
 * arguments with its exact comparison swapped for --append, which sends only the bytes past the
 * backup's end. Measured against a real daemon, 4 KiB appended to a 20 MiB log: --append sent
 * 4,209 bytes, --append-verify 4,212 (but re-reads the whole file on both ends to verify),
 * --checksum 25,892 and hashed all 20 MiB on both ends. So --append, and only for files the
 * tracker vouches for: it trusts the backup's first bytes without looking.
 *
 * Not with the safety net on: --append updates the backup's file in place, and whether the old
 * version is kept then is rsync's --inplace + --backup behaviour, which this does not rely on;
 * those files go the exact path. No deletions in this run: the batch carries them.
 */
export function appendArgs(batchArgs: readonly string[], keepDeletedDays: number): string[] | null {
  if (!appendAllowed(keepDeletedDays)) return null;
  const drop = new Set([
    '--checksum',
    '--ignore-times',
    '--size-only',
    '--delete-missing-args',
    '--delete',
    '--force',
    '--ignore-missing-args',
  ]);
  const out: string[] = [];
  let swapped = false;
  for (const a of batchArgs) {
    if (a.startsWith('--max-delete=') || a.startsWith('--info=del') || drop.has(a)) {
      if (!swapped && (a === '--checksum' || a === '--ignore-times')) {
        out.push('--append', '--ignore-missing-args');
        swapped = true;
      }
      continue;
    }
    out.push(a);
  }
  // Not a batch's arguments (no comparison flag to swap): refuse rather than guess.
  return swapped ? out : null;
}

/** Whether a profile's files may take the append path at all (the safety net off; see above). */
export function appendAllowed(keepDeletedDays: number): boolean {
  return keepDeletedDays <= 0;
}
