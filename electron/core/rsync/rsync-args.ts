/**
 * The rsync command lines, as a pure function of the profile, the target and the rsync's
 * capabilities, so every flag has one place and a test.
 */
import {
  DELETED_DIR_NAME,
  RESTORE_PARTIAL_DIR_NAME,
  RESTORE_STAGING_DIR_NAME,
} from '../../shared/profile-schema-constants.ts';
import { limitAt } from '../../shared/bandwidth-schedule.ts';
import { compileExcludes, type ExcludeMatcher } from '../../shared/exclude-rules.ts';
import { encodeName } from '../../shared/names.ts';
import { targetUrl, type Profile, type Target } from '../../shared/profile-schema.ts';
import { ITEMIZE_FORMAT } from './rsync-itemize.ts';
import type { RsyncCapabilities } from './rsync-probe.ts';

export type RunKind = 'full' | 'batch';

/**
 * What a run may do about deletions:
 * - propagate: mirror them (optionally at most `max`, rsync's --max-delete)
 * - count: a full pass that transfers everything but deletes nothing, reporting how many it held
 *   back (--max-delete=0), for the mass-deletion guard
 * - list: a dry run that changes nothing and names every entry a propagating run would delete
 *   (the deletion budget counts a batch's deletions this way before any is carried out)
 * - hold: no deletions at all
 */
export type DeletionMode =
  | { mode: 'propagate'; max?: number }
  | { mode: 'count' }
  | { mode: 'list' }
  | { mode: 'hold' };

/** Whether a run in this mode may name deletions (rsync's --info=del lines, read by the runner). */
export const namesDeletions = (d: DeletionMode): boolean => d.mode === 'propagate' || d.mode === 'list';

/**
 * Whether a run in this mode itemizes what it does (ITEMIZE_FORMAT: a line per entry sent or
 * deleted, for the activity log). Not a dry run's listing: it is read for deletions alone, and
 * would print every file the real run is about to send besides.
 */
export const itemizes = (d: DeletionMode): boolean => d.mode !== 'list';

/** Where the safety net keeps deleted and overwritten files, inside the target folder. */
export const DELETED_DIR = DELETED_DIR_NAME;

export interface ArgsInput {
  profile: Profile;
  target: Target;
  caps: RsyncCapabilities;
  excludes: ExcludeMatcher;
  kind: RunKind;
  deletion?: DeletionMode;
  /** For the safety net's dated folder; defaults to now. */
  now?: Date;
  /** Extra args (auth's --password-file, dry-run for the deletion guard, …). */
  extra?: readonly string[];
  /** A batch that lists only created directories and deletions, no file changed in place. */
  onlyNewTrees?: boolean;
  /** Where progress is read from (see progressFrom); defaults to this machine's. */
  platform?: NodeJS.Platform;
}

/**
 * Where a run's progress comes from. rsync's progress2 prints a line at the end of every file:
 * in a full sync of 200k small files that cost its sender ~0.3 s of CPU (~4 % of the sync where
 * rsync needs every core), and while incremental recursion is still finding files its percentage
 * is of those found so far (94-99 % through nearly all of an initial sync). On Linux full syncs
 * are followed from outside instead (the bytes rsync has written, /proc/PID/io); batches list few
 * files, and there the percentage of a big file is real. Elsewhere there is no /proc: lines.
 */
export function progressFrom(kind: RunKind, platform: NodeJS.Platform = process.platform): 'lines' | 'process-io' {
  return kind === 'full' && platform === 'linux' ? 'process-io' : 'lines';
}

/**
 * How a batch compares what it lists. rsync's quick check compares whole seconds, so a file
 * rewritten within the second it was last copied — or mid-copy — would be skipped as unchanged,
 * for good; listed paths are compared exactly, in the cheapest exact way:
 * - a file changed in place: --checksum (an identical file is not re-sent);
 * - only created directories: --ignore-times. What they hold is usually new on the backup, where
 *   --checksum would read and hash every file once more for nothing (~20 % of a 10,000-file
 *   burst); a directory moved back costs a delta transfer, about what checksums would.
 *   With the safety net on it stays --checksum: re-sending an identical file would push the
 *   real old version out of the day's folder.
 */
export function batchComparison(profile: Profile, onlyNewTrees: boolean): '--checksum' | '--ignore-times' {
  return onlyNewTrees && profile.keepDeletedDays === 0 ? '--ignore-times' : '--checksum';
}

/**
 * The profile's excludes plus the safety net's folder, which is never sent nor deleted — even
 * after the safety net is turned off, so its history survives a full sync — and a restore's
 * working folders, at any depth: a restore into the source must not push its half-pulled parts.
 */
export function profileExcludes(profile: Profile): ExcludeMatcher {
  return compileExcludes([
    ...profile.excludes,
    `/${DELETED_DIR}/`,
    `${RESTORE_PARTIAL_DIR_NAME}/`,
    `${RESTORE_STAGING_DIR_NAME}/`,
  ]);
}

/**
 * How every push talks to the daemon, the batch's and a move's basis run alike: the connect
 * timeout, TCP_NODELAY (a small daemon exchange otherwise waits on Nagle + delayed ACK, ~90 ms per
 * run), the limit in force at `now` (the schedule's, bandwidth-schedule.ts; outside its rules the
 * profile's) and compression.
 */
export function connectionArgs(profile: Profile, now: Date): string[] {
  const bw = limitAt(profile, now);
  return [
    `--contimeout=${profile.timeoutSeconds}`,
    '--sockopts=TCP_NODELAY',
    ...(bw.rsyncArg ? [`--bwlimit=${bw.rsyncArg}`] : []),
    ...(profile.compress ? ['--compress'] : []),
  ];
}

export function buildRsyncArgs({
  profile,
  target,
  caps,
  excludes,
  kind,
  deletion,
  extra = [],
  now = new Date(),
  onlyNewTrees = false,
  platform,
}: ArgsInput): string[] {
  const del: DeletionMode = !profile.deletions ? { mode: 'hold' } : (deletion ?? { mode: 'propagate' });
  const args = [
    '-a',
    // Totals for the activity log (and progress lines where progressFrom wants them); parsed
    // under LC_ALL=C.
    ...(progressFrom(kind, platform) === 'lines' && caps.infoProgress2 ? ['--info=progress2,stats2'] : ['--stats']),
    // Every deletion by name ("deleting x"), so a run says what it deleted and a dry run what it
    // would: rsync >= 3.1 (the minimum) prints them on the sender's stdout, even from a daemon.
    ...(namesDeletions(del) ? ['--info=del'] : []),
    // A line per entry sent or deleted (rsync-itemize.ts); with it rsync prints a deletion as
    // "*deleting   x", which the deletion readers take as well.
    ...(itemizes(del) ? [ITEMIZE_FORMAT] : []),
    // rsync's own I/O timeout costs ~40 ms per run against a daemon without TCP_NODELAY (its
    // closing exchange waits on a delayed ACK): full syncs keep it, batches are watched by the
    // runner's idle timer instead (see batchIdleTimeoutMs).
    ...(kind === 'full' ? [`--timeout=${profile.timeoutSeconds}`] : []),
    ...connectionArgs(profile, now),
  ];
  if (caps.mkpath && target.path) args.push('--mkpath');

  if (kind === 'batch') {
    // The changed paths come NUL-separated on stdin, each prefixed ".." so names starting with
    // '#' or ';' are not read as comments. --files-from implies -R but not -r: -r makes a listed
    // (new) directory carry its whole subtree; existing directories are never listed.
    // A dry run transfers nothing: the cheapest comparison (--checksum would read every file).
    args.push(
      '--files-from=-',
      '--from0',
      '-r',
      del.mode === 'list' ? '--size-only' : batchComparison(profile, onlyNewTrees),
    );
    if ((del.mode === 'propagate' || del.mode === 'list') && caps.deleteMissingArgs) {
      // A listed path that no longer exists is deleted on the backup (--force: even a non-empty
      // directory), and a recursed directory loses what the source no longer has.
      args.push('--delete-missing-args', '--force', '--delete');
    } else {
      args.push('--ignore-missing-args');
    }
  } else if (del.mode !== 'hold') {
    // rsync skips deletions after an I/O error on the sender; we keep that protection (no
    // --ignore-errors).
    args.push('--delete');
  }
  if (del.mode === 'count') args.push('--max-delete=0');
  else if (del.mode === 'list') args.push('--dry-run');
  else if (del.mode === 'propagate' && del.max !== undefined) args.push(`--max-delete=${del.max}`);
  if (profile.keepDeletedDays > 0) {
    // Replaced and deleted files move into a dated folder instead of being destroyed; the folder
    // itself is excluded (so never transferred nor deleted) through the profile's matcher.
    args.push('--backup', `--backup-dir=${DELETED_DIR}/${now.toISOString().slice(0, 10)}`);
  }

  args.push(...excludes.rsyncArgs, ...extra);
  args.push(`${profile.source.replace(/\/+$/, '')}/`, targetUrl(target));
  return args;
}

const DOT_SLASH = Buffer.from('./');
const NUL = Buffer.from([0]);

/**
 * The stdin of a batch run: "./path\0" per entry, each path as its exact bytes (the paths are
 * in the lossless encoding of shared/names.ts): a name that is not UTF-8 must reach rsync as it
 * is on disk, where UTF-8 would turn its bytes into U+FFFD and name nothing.
 */
export function filesFromInput(paths: Iterable<string>): Buffer {
  const parts: Uint8Array[] = [];
  for (const p of paths) parts.push(DOT_SLASH, encodeName(p), NUL);
  return Buffer.concat(parts);
}

/** How long a batch may print nothing before the runner stops it as hung. Generous: a batch that
 *  only deletes a large tree is quiet while the daemon works. */
export function batchIdleTimeoutMs(profile: Profile): number {
  return Math.max(120, 4 * profile.timeoutSeconds) * 1000;
}
