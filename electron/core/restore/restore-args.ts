/**
 * The command line of a restore, as a pure function, and the invariant every one keeps: the
 * daemon is the SOURCE, a local folder the destination, and nothing in it can change the backup
 * — no deletion option of any kind, no --remove-source-files. `assertPullOnly` checks the
 * finished argv before any rsync is started (restore-run.ts calls it on every run), and the args
 * test checks it over every combination of options.
 */
import { parseBandwidth } from '../../shared/bandwidth.ts';
import { RsyncTrayError } from '../../shared/errors.ts';
import type { Profile } from '../../shared/profile-schema.ts';
import {
  RESTORE_PARTIAL_DIR_NAME,
  RESTORE_STAGING_DIR_NAME,
  SYNC_PARTIAL_DIR_NAME,
} from '../../shared/profile-schema-constants.ts';
import { DELETED_DIR } from '../rsync/rsync-args.ts';
import { ITEMIZE_FORMAT } from '../rsync/rsync-itemize.ts';

/** The hidden folder inside the destination where an interrupted file waits to be resumed. */
export const PARTIAL_DIR = RESTORE_PARTIAL_DIR_NAME;
/** Where keep-both brings the restored copies of conflicting files before they are renamed. */
export const STAGING_DIR = RESTORE_STAGING_DIR_NAME;

export interface RestoreArgsInput {
  profile: Pick<Profile, 'timeoutSeconds' | 'bandwidthLimit' | 'compress'>;
  /** The auth's args (a --password-file); the password itself is never here. */
  authArgs: readonly string[];
  /** rsync://…/ — the target's top folder or a safety-net day folder, ending in '/'. */
  sourceUrl: string;
  /** A local absolute folder. */
  dest: string;
  /** The paths come on stdin (--files-from); without: everything under sourceUrl. */
  listed: boolean;
  /** Each listed path lands in dest by its own name, not its path (another folder). */
  flat?: boolean;
  dryRun?: boolean;
  /** Leave every local file that exists as it is (the "skip" choice). */
  ignoreExisting?: boolean;
  /** Absolute; an interrupted file's part waits here (resumed by the next run). */
  partialDir?: string;
  /** A whole-profile restore does not bring the safety net's folder along. */
  excludeSafetyNet?: boolean;
  /** A bandwidth limit for this restore (the profile's otherwise). */
  bandwidthLimit?: string;
}

export function buildRestoreArgs(input: RestoreArgsInput): string[] {
  const { profile } = input;
  const args = [
    '-a',
    ITEMIZE_FORMAT,
    input.dryRun ? '--stats' : '--info=progress2,stats2',
    `--timeout=${profile.timeoutSeconds}`,
    `--contimeout=${profile.timeoutSeconds}`,
    '--sockopts=TCP_NODELAY',
  ];
  const bw = parseBandwidth(input.bandwidthLimit ?? profile.bandwidthLimit);
  if (bw.ok && bw.value.rsyncArg) args.push(`--bwlimit=${bw.value.rsyncArg}`);
  if (profile.compress) args.push('--compress');
  // The paths come NUL-separated on stdin, each "./"-prefixed (filesFromInput): a name that
  // begins with '-' or '#', has a newline or is not UTF-8 reaches rsync as its bytes.
  // --files-from turns off -a's -r: it is asked for again, so a listed folder brings its content.
  if (input.listed) args.push('--files-from=-', '--from0', '-r', ...(input.flat ? ['--no-relative'] : []));
  if (input.ignoreExisting) args.push('--ignore-existing');
  if (input.partialDir) args.push(`--partial-dir=${input.partialDir}`);
  if (input.excludeSafetyNet) args.push(`--exclude=/${DELETED_DIR}/`);
  // A sync stopped mid-file (a schedule's restart) may leave its part on the backup: never restored.
  args.push(`--exclude=${SYNC_PARTIAL_DIR_NAME}/`);
  if (input.dryRun) args.push('--dry-run');
  args.push(...input.authArgs, input.sourceUrl, `${input.dest.replace(/\/+$/, '')}/`);
  assertPullOnly(args);
  return args;
}

/** Options that delete or move anything, on either side: none may ever be in a restore. */
const FORBIDDEN =
  /^--(del|delete(-.*)?|remove-(source|sent)-files|max-delete=.*|backup-dir=.*|backup|rsh=.*|rsync-path=.*|write-batch=.*)$|^-[a-zA-Z]*e/;

/**
 * Throws unless `args` is a pull: the last two arguments are the daemon URL and then a local
 * absolute folder, no other argument is a URL or a remote spec, and no option can delete.
 */
export function assertPullOnly(args: readonly string[]): void {
  const refuse = (why: string) => {
    throw new RsyncTrayError(
      'INTERNAL',
      `A restore command was refused before it ran: ${why}.`,
      'This is a bug in Rsync Tray; please report it.',
    );
  };
  if (args.length < 2) refuse('it has no source and destination');
  const source = args.at(-2)!;
  const dest = args.at(-1)!;
  if (!source.startsWith('rsync://')) refuse('its source is not the daemon');
  if (!dest.startsWith('/') || dest.includes('::') || /^[^/]*:/.test(dest))
    refuse('its destination is not a local folder');
  for (const a of args.slice(0, -2)) {
    if (!a.startsWith('-')) refuse(`it has a second path "${a}"`);
    if (a.includes('rsync://')) refuse('it names the daemon twice');
    if (FORBIDDEN.test(a)) refuse(`it has ${a.split('=')[0]}`);
  }
}
