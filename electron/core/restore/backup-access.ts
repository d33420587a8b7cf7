/**
 * One target of a profile, opened for reading: its URLs, the profile's own auth (auth.ts:
 * passwords only through the environment or a password file, never argv) and how an rsync
 * failure against it is worded. Every restore stage starts from one of these.
 */
import { RsyncTrayError } from '../../shared/errors.ts';
import { targetUrl, type Profile, type Target } from '../../shared/profile-schema.ts';
import { WORKING_DIR_NAMES } from '../../shared/profile-schema-constants.ts';
import { resolveAuth, type ResolvedAuth, type SecretStore } from '../rsync/auth.ts';
import { DELETED_DIR } from '../rsync/rsync-args.ts';
import { diagnoseContextOf, type DiagnoseContext } from '../rsync/rsync-diagnostics.ts';
import type { runRsync } from '../rsync/rsync-runner.ts';

export interface BackupAccess {
  rsyncPath: string;
  profile: Profile;
  target: Target;
  auth: ResolvedAuth;
  where: DiagnoseContext;
  /** Tests and the bench inject a runner; the real one otherwise. */
  run?: typeof runRsync;
}

export async function openBackup(
  profile: Profile,
  targetIndex: number,
  rsyncPath: string,
  secrets: SecretStore | undefined,
): Promise<BackupAccess> {
  const target = profile.targets[targetIndex];
  if (!target)
    throw new RsyncTrayError(
      'BAD_REQUEST',
      `Profile "${profile.name}" has ${profile.targets.length} target(s); there is no target ${targetIndex + 1}.`,
      'Name a target by its number in the profile, starting at 1.',
    );
  const auth = await resolveAuth(target, secrets);
  return {
    rsyncPath,
    profile,
    target,
    auth,
    where: diagnoseContextOf(target, { secrets: auth.secrets }),
  };
}

/**
 * A path from the target's top folder, checked: '/'-separated, no '..' (a restore must never
 * name something outside the backup, nor write outside its destination), no empty parts.
 * A path given as an absolute one under the profile's source is taken relative to it.
 */
export function cleanPath(profile: Profile, raw: string): string {
  const source = profile.source.replace(/\/+$/, '');
  let p = raw.startsWith(`${source}/`) ? raw.slice(source.length + 1) : raw === source ? '' : raw;
  p = p
    .replace(/^(\.\/)+/, '')
    .replace(/^\/+/, '')
    .replace(/\/+$/, '');
  const parts = p === '' ? [] : p.split('/').filter((x) => x !== '' && x !== '.');
  if (parts.includes('..'))
    throw new RsyncTrayError(
      'BAD_REQUEST',
      `The path "${raw}" climbs out of the backup with "..".`,
      'Give a path inside the backup, as `rsync-tray ls` shows it.',
    );
  return parts.join('/');
}

/** The URL of a folder on the backup ('' = the target's top), ending in '/'; `version`: its safety-net day. */
export function folderUrl(backup: BackupAccess, folder: string, version?: string): string {
  const base = targetUrl(backup.target);
  const under = version ? `${DELETED_DIR}/${version}/` : '';
  return `${base}${under}${folder ? `${folder}/` : ''}`;
}

/** The module's top URL: what every --files-from run names as its source (see listedPath). */
export function moduleUrl(backup: BackupAccess): string {
  const t = backup.target;
  return targetUrl({ ...t, path: '' });
}

/**
 * A path as a --files-from line against moduleUrl: the target's folder (and a version's day
 * folder) before a "/./" marker, which rsync's -R leaves out at the destination. Why not the
 * folder in the URL: rsync 3.5.0's daemon lists --files-from paths under the URL's folder but
 * sends the data of the same path under the module's top (a restored version came back with
 * the current file's content), so the URL names the module alone.
 */
export function listedPath(backup: BackupAccess, p: string, version?: string): string {
  const base = [backup.target.path.replace(/^\/+|\/+$/g, ''), version ? `${DELETED_DIR}/${version}` : '']
    .filter(Boolean)
    .join('/');
  return base ? `${base}/./${p}` : p;
}

/** Whether a path is the safety net's folder or inside it: never shown or restored as content. */
export const isSafetyNet = (p: string): boolean => p === DELETED_DIR || p.startsWith(`${DELETED_DIR}/`);

/** Not shown when browsing: the safety net (Versions shows it) and our working folders, at any depth. */
export const isHidden = (p: string): boolean =>
  isSafetyNet(p) || p.split('/').some((s) => WORKING_DIR_NAMES.includes(s));
