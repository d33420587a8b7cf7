/**
 * The rsync command lines, as a pure function of the profile, the target and the rsync's
 * capabilities, so every flag has one place and a test.
 */
import { parseBandwidth } from './bandwidth.ts';
import type { ExcludeMatcher } from './exclude-rules.ts';
import { targetUrl, type Profile, type Target } from './profile-schema.ts';
import type { RsyncCapabilities } from './rsync-probe.ts';

export type RunKind = 'full' | 'batch';

export interface ArgsInput {
  profile: Profile;
  target: Target;
  caps: RsyncCapabilities;
  excludes: ExcludeMatcher;
  kind: RunKind;
  /** Extra args (auth's --password-file, dry-run for the deletion guard, …). */
  extra?: readonly string[];
}

export function buildRsyncArgs({ profile, target, caps, excludes, kind, extra = [] }: ArgsInput): string[] {
  const args = [
    '-a',
    // Progress for the status model and totals for the activity log; parsed under LC_ALL=C.
    ...(caps.infoProgress2 ? ['--info=progress2,stats2'] : ['--stats']),
    `--timeout=${profile.timeoutSeconds}`,
    `--contimeout=${profile.timeoutSeconds}`,
    // A small daemon exchange otherwise waits on Nagle + delayed ACK (~90 ms per run).
    '--sockopts=TCP_NODELAY',
  ];
  const bw = parseBandwidth(profile.bandwidthLimit);
  if (bw.ok && bw.value.rsyncArg) args.push(`--bwlimit=${bw.value.rsyncArg}`);
  if (profile.compress) args.push('--compress');
  if (caps.mkpath && target.path) args.push('--mkpath');

  if (kind === 'batch') {
    // The changed paths come NUL-separated on stdin, each prefixed "./" so names starting with
    // '#' or ';' are not read as comments. --files-from implies -R but not -r: -r makes a listed
    // (new) directory carry its whole subtree; existing directories are never listed.
    args.push('--files-from=-', '--from0', '-r');
    if (profile.deletions && caps.deleteMissingArgs) {
      // A listed path that no longer exists is deleted on the backup (--force: even a non-empty
      // directory), and a recursed directory loses what the source no longer has.
      args.push('--delete-missing-args', '--force', '--delete');
    } else {
      args.push('--ignore-missing-args');
    }
  } else if (profile.deletions) {
    // rsync skips deletions after an I/O error on the sender; we keep that protection (no
    // --ignore-errors).
    args.push('--delete');
  }

  args.push(...excludes.rsyncArgs, ...extra);
  args.push(`${profile.source.replace(/\/+$/, '')}/`, targetUrl(target));
  return args;
}

/** The stdin of a batch run: "./path\0" per entry. */
export function filesFromInput(paths: Iterable<string>): Buffer {
  const parts: string[] = [];
  for (const p of paths) parts.push(`./${p}\0`);
  return Buffer.from(parts.join(''), 'utf8');
}
