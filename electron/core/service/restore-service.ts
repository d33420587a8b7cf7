/**
 * The restore API methods (restore.list / preview / run / versions) over core/restore, for the
 * app service (and so the window, `serve` and the control socket) and the standalone CLI alike.
 *
 * The engine hook: a restore into a watched source holds that profile's syncs while it pulls
 * (`guard`: the engine's transient hold, restore-hold.ts), so it says "paused: restoring", and
 * releases the hold after. A person's pause is its own and stays. The hold is never saved and is
 * leased: a host that crashes mid-restore restarts syncing, and a restore that dies without its
 * `finally` lets the lease run out instead of leaving syncing off in silence. While held the
 * watcher still records what changed; the batch that follows compares each restored path with
 * --checksum and finds it equal to the backup, so nothing is sent back, nothing is deleted (a
 * restore only adds files locally; its hidden partial folder was never on the backup) and the
 * mass-deletion guard has nothing to count. keep-both copies are new local files, and are
 * backed up as such.
 */
import type { z } from 'zod';
import type { METHOD_INPUTS, MethodOutputs } from '../../shared/contract.ts';
import type { Profile } from '../../shared/profile-schema.ts';
import type { SecretStore } from '../rsync/auth.ts';
import { runRsync, type RunProgress } from '../rsync/rsync-runner.ts';
import { systemClock, type Clock } from '../sync/clock.ts';
import type { Hold, HoldOptions } from '../sync/transient-holds.ts';
import { cleanPath, openBackup } from '../restore/backup-access.ts';
import { browseFolder } from '../restore/browse.ts';
import { makeSpec, planRestore } from '../restore/restore-plan.ts';
import { executeRestore } from '../restore/restore-run.ts';
import { listVersions } from '../restore/versions.ts';
import { holdWhilePulling, RESTORE_HOLD, type RestoreHoldPolicy } from './restore-hold.ts';

type RestoreMethod = 'restore.list' | 'restore.preview' | 'restore.run' | 'restore.versions';
/** What a handler receives: the input validated, its defaults filled in. */
type In<M extends RestoreMethod> = z.output<(typeof METHOD_INPUTS)[M]>;

/** Holds one profile's syncs around a restore into its source: the engine's hold. */
export interface SyncGuard {
  hold(profile: string, options: HoldOptions): Hold;
}

export interface RestoreServiceOptions {
  profile(name: string): Profile;
  rsyncPath(): string;
  secrets?: SecretStore;
  guard?: SyncGuard;
  onProgress?: (profile: string, p: RunProgress) => void;
  now?: () => Date;
  /** Drives the hold's heartbeat (tests inject one). */
  clock?: Clock;
  /** The hold's reason, lease and heartbeat (tests shorten them). */
  hold?: RestoreHoldPolicy;
}

export interface RestoreService {
  list(input: In<'restore.list'>): Promise<MethodOutputs['restore.list']>;
  preview(input: In<'restore.preview'>): Promise<MethodOutputs['restore.preview']>;
  run(input: In<'restore.run'>, signal?: AbortSignal): Promise<MethodOutputs['restore.run']>;
  versions(input: In<'restore.versions'>): Promise<MethodOutputs['restore.versions']>;
}

export function restoreService(options: RestoreServiceOptions): RestoreService {
  const open = (name: string, target = 0) =>
    openBackup(options.profile(name), target, options.rsyncPath(), options.secrets);
  return {
    async list({ profile, target, folder, offset, limit }) {
      const backup = await open(profile, target);
      return browseFolder(backup, cleanPath(backup.profile, folder), { offset, limit });
    },
    async preview({ profile, target, paths, all, to, version }) {
      const spec = makeSpec(await open(profile, target), { paths, all, to, version });
      const { allConflicts: _all, ...preview } = await planRestore(spec);
      return preview;
    },
    async run({ profile, target, paths, all, force, to, version, onConflict }, signal) {
      const opened = await open(profile, target);
      const source = opened.profile.source.replace(/\/+$/, '');
      const dest = makeSpec(opened, { paths, all, to, version }).dest;
      const intoSource = dest === source || dest.startsWith(`${source}/`);
      const guard = options.guard;
      const hold =
        intoSource && guard
          ? holdWhilePulling((o) => guard.hold(profile, o), options.clock ?? systemClock, options.hold ?? RESTORE_HOLD)
          : null;
      const backup = hold ? { ...opened, run: hold.wrap(opened.run ?? runRsync) } : opened;
      const spec = makeSpec(backup, { paths, all, to, version });
      try {
        return await executeRestore(spec, {
          onConflict,
          force,
          signal,
          now: options.now,
          onProgress: options.onProgress ? (p) => options.onProgress!(profile, p) : undefined,
        });
      } finally {
        hold?.release();
      }
    },
    async versions({ profile, target, path, search, offset, limit }) {
      const backup = await open(profile, target);
      return listVersions(backup, {
        path: path === undefined ? undefined : cleanPath(backup.profile, path),
        search,
        offset,
        limit,
      });
    },
  };
}
