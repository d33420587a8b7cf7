/**
 * Retention of the safety net: deleted and overwritten files land on the backup in
 * .rsync-tray-deleted/YYYY-MM-DD/ (rsync --backup-dir); folders older than keepDeletedDays are
 * removed from there, with rsync itself (a daemon offers no other way to delete).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ResolvedAuth } from '../rsync/auth.ts';
import { targetUrl, type Target } from '../../shared/profile-schema.ts';
import { DELETED_DIR } from '../rsync/rsync-args.ts';
import { runRsync } from '../rsync/rsync-runner.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Dated folders in a `--list-only` listing that are older than `keepDays` before `now`. */
export function expiredFolders(listing: string, keepDays: number, now: Date): string[] {
  const cutoff = new Date(now.getTime() - keepDays * 86_400_000).toISOString().slice(0, 10);
  return listing
    .split('\n')
    .filter((line) => line.startsWith('d'))
    .map((line) => line.trim().split(/\s+/).pop() ?? '')
    .filter((name) => DAY.test(name) && name < cutoff);
}

export interface PruneRequest {
  rsyncPath: string;
  target: Target;
  auth: ResolvedAuth;
  keepDays: number;
  now?: Date;
  timeoutSeconds: number;
}

/** Removes expired dated folders; returns their names. Throws on rsync failure with its stderr. */
export async function pruneSafetyNet(req: PruneRequest): Promise<string[]> {
  const base = `${targetUrl(req.target)}${DELETED_DIR}/`;
  const common = [
    `--timeout=${req.timeoutSeconds}`,
    `--contimeout=${req.timeoutSeconds}`,
    '--sockopts=TCP_NODELAY',
    ...req.auth.args,
  ];
  const list = await runRsync({
    rsyncPath: req.rsyncPath,
    args: [...common, '--list-only', base],
    env: req.auth.env,
    secrets: req.auth.secrets,
    captureStdout: true,
  });
  const listing = list.stdout ?? '';
  if (list.exitCode === 23 && /No such file or directory/.test(list.stderr)) return []; // nothing deleted yet
  if (list.exitCode !== 0) throw new Error(`listing ${DELETED_DIR} failed: ${list.stderr.trim()}`);
  const expired = expiredFolders(listing, req.keepDays, req.now ?? new Date());
  if (expired.length === 0) return [];
  // An empty source with --delete removes exactly what the include rules expose; all else is
  // excluded, and so protected.
  const empty = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-empty-'));
  try {
    const filters = [...expired.map((name) => `--include=/${name}/***`), '--exclude=*'];
    const del = await runRsync({
      rsyncPath: req.rsyncPath,
      args: [...common, '-r', '--delete', ...filters, `${empty}/`, base],
      env: req.auth.env,
      secrets: req.auth.secrets,
    });
    if (del.exitCode !== 0) throw new Error(`removing expired ${DELETED_DIR} folders failed: ${del.stderr.trim()}`);
    return expired;
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
}
