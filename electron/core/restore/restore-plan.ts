/**
 * What a restore is, and what it would change: the request made concrete (source URL, local
 * destination, the paths on stdin) and its dry run, read from rsync's itemized output
 * (rsync-itemize.ts). Every entry the dry run would receive is looked up locally: one that
 * exists (and is not a folder where a folder comes) is a conflict — differing, newer or not.
 */
import { lstat, readdir } from 'node:fs/promises';
import { RsyncTrayError } from '../../shared/errors.ts';
import { filesFromInput } from '../rsync/rsync-args.ts';
import { diagnose } from '../rsync/rsync-diagnostics.ts';
import { parseItemizeLine, withoutProgress } from '../rsync/rsync-itemize.ts';
import { runRsync, type RunRequest, type RunResult } from '../rsync/rsync-runner.ts';
import type { RestorePreview } from '../../shared/restore-contract.ts';
import { cleanPath, folderUrl, isSafetyNet, listedPath, moduleUrl, type BackupAccess } from './backup-access.ts';
import { localBytes } from './browse.ts';
import { buildRestoreArgs, type RestoreArgsInput } from './restore-args.ts';

/** How many names a preview keeps of each kind (all are counted). */
export const PREVIEW_NAMES = 1_000;

export interface RestoreSpec {
  backup: BackupAccess;
  /** Paths from the target's top ([] with all). */
  paths: string[];
  all: boolean;
  /** The local folder the paths land under. */
  dest: string;
  /** Into another folder: each path by its own name. */
  flat: boolean;
  version?: string;
  bandwidthLimit?: string;
}

export function makeSpec(
  backup: BackupAccess,
  req: { paths: readonly string[]; all: boolean; to?: string; version?: string; bandwidthLimit?: string },
): RestoreSpec {
  const paths = [...new Set(req.paths.map((p) => cleanPath(backup.profile, p)))];
  if (!req.all && paths.length === 0)
    throw new RsyncTrayError(
      'BAD_REQUEST',
      'Nothing to restore was named.',
      'Name one or more paths, or the whole backup (--all).',
    );
  if (paths.includes('') && !req.all)
    throw new RsyncTrayError(
      'BAD_REQUEST',
      'The top folder was named as a path.',
      'To restore everything, ask for the whole backup (--all).',
    );
  const net = paths.find(isSafetyNet);
  if (net !== undefined && !req.version)
    throw new RsyncTrayError(
      'BAD_REQUEST',
      `"${net}" is the safety net's folder, not backed-up content.`,
      'Restore a kept version with --version YYYY-MM-DD.',
    );
  if (req.to !== undefined && !req.to.startsWith('/'))
    throw new RsyncTrayError(
      'BAD_REQUEST',
      `The destination "${req.to}" is not an absolute path.`,
      'Give the folder as a full path, such as /home/me/restored.',
    );
  const flat = req.to !== undefined && !req.all;
  if (flat) {
    const names = paths.map((p) => p.split('/').at(-1));
    if (new Set(names).size !== names.length)
      throw new RsyncTrayError(
        'BAD_REQUEST',
        'Two of the paths have the same name, and would land on each other in one folder.',
        'Restore them one at a time, or back to their place.',
      );
  }
  const dest = (req.to ?? backup.profile.source).replace(/\/+$/, '') || '/';
  return {
    backup,
    paths: req.all ? [] : paths,
    all: req.all,
    dest,
    flat,
    version: req.version,
    bandwidthLimit: req.bandwidthLimit,
  };
}

/** The argv for a spec (extra options per run), and its stdin. */
export function specRun(spec: RestoreSpec, extra: Partial<RestoreArgsInput> = {}): Pick<RunRequest, 'args' | 'input'> {
  const listed = !spec.all;
  const args = buildRestoreArgs({
    profile: spec.backup.profile,
    authArgs: spec.backup.auth.args,
    sourceUrl: listed ? moduleUrl(spec.backup) : folderUrl(spec.backup, '', spec.version),
    dest: spec.dest,
    listed,
    flat: spec.flat,
    excludeSafetyNet: spec.all && !spec.version,
    bandwidthLimit: spec.bandwidthLimit,
    ...extra,
  });
  return {
    args,
    input: listed ? filesFromInput(spec.paths.map((p) => listedPath(spec.backup, p, spec.version))) : undefined,
  };
}

/** Runs rsync for a restore; a failure throws, worded as a sync's (a path missing: NOT_ON_BACKUP). */
export async function runChecked(
  spec: RestoreSpec,
  req: Omit<RunRequest, 'rsyncPath' | 'env' | 'secrets'>,
): Promise<RunResult> {
  const b = spec.backup;
  const result = await (b.run ?? runRsync)({
    ...req,
    rsyncPath: b.rsyncPath,
    env: b.auth.env,
    secrets: b.auth.secrets,
  });
  if (result.isCanceled)
    throw new RsyncTrayError(
      'CANCELED',
      'The restore was stopped.',
      'Run it again: what arrived is kept and not sent again.',
    );
  if (result.exitCode === 0 || result.exitCode === 24) return result;
  const missing = /link_stat "([^"]*)" .*failed: No such file/.exec(result.stderr);
  if (missing)
    throw new RsyncTrayError(
      'NOT_ON_BACKUP',
      `The ${spec.version ? `version of ${spec.version}` : 'backup'} has no "${missing[1]!.replace(/^.*?\/\.\//, '')}".`,
      spec.version ? 'List the versions with `rsync-tray versions`.' : 'List the folder with `rsync-tray ls`.',
    );
  const error = diagnose(result.stderr, result.exitCode, b.where);
  throw error
    ? new RsyncTrayError(error.code, error.message, error.hint)
    : new RsyncTrayError('RSYNC_FAILED', `rsync stopped with exit code ${result.exitCode}.`, 'See the log.');
}

/** One received entry of an itemized line (its name relative to the destination), or null. */
export function receivedEntry(raw: string): { name: string; type: string; isNew: boolean } | null {
  const line = withoutProgress(raw);
  const parsed = parseItemizeLine(line);
  if (parsed?.action !== 'sent') return null;
  return { name: parsed.name.replace(/\/+$/, ''), type: line[1]!, isNew: line.slice(2, 11) === '+++++++++' };
}

/** The local conflicts among received entries: the entry exists locally and is not folder-on-folder. */
async function conflictsOf(dest: string, entries: Array<{ name: string; type: string }>): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < entries.length; i += 256) {
    await Promise.all(
      entries.slice(i, i + 256).map(async (e) => {
        try {
          const s = await lstat(localBytes(`${dest}/${e.name}`));
          if (!(s.isDirectory() && e.type === 'd')) out.add(e.name);
        } catch {
          // not there: a creation
        }
      }),
    );
  }
  return out;
}

export interface PlanDetail extends RestorePreview {
  /** Every conflict (the preview's names are bounded). */
  allConflicts: string[];
}

/** The dry run: what would be created, which local entries conflict, the bytes it would bring. */
export async function planRestore(spec: RestoreSpec, signal?: AbortSignal): Promise<PlanDetail> {
  const result = await runChecked(spec, { ...specRun(spec, { dryRun: true }), captureStdout: true, signal });
  const received = (result.stdout ?? '').split(/[\r\n]/).flatMap((l) => receivedEntry(l) ?? []);
  const conflicts = await conflictsOf(spec.dest, received);
  const creates = received.filter((e) => !conflicts.has(e.name));
  const allConflicts = [...conflicts].sort();
  return {
    destination: spec.dest,
    creates: { count: creates.length, names: creates.slice(0, PREVIEW_NAMES).map((e) => e.name) },
    conflicts: { count: allConflicts.length, names: allConflicts.slice(0, PREVIEW_NAMES) },
    bytes: result.stats?.transferredFileSize ?? 0,
    allConflicts,
  };
}

/** Whether a folder is missing or empty (a whole-profile restore goes only there, unless forced). */
export async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}
