/**
 * The restore API methods (restore.list / preview / run / versions) over core/restore, for the
 * app service (and so the window, `serve` and the control socket) and the standalone CLI alike.
 *
 * The engine hook: a restore into a watched source pauses that profile's syncs while it runs
 * (`guard`), and resumes them after, unless a person had paused it already. While paused the
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
import type { RunProgress } from '../rsync/rsync-runner.ts';
import { cleanPath, openBackup } from '../restore/backup-access.ts';
import { browseFolder } from '../restore/browse.ts';
import { makeSpec, planRestore } from '../restore/restore-plan.ts';
import { executeRestore } from '../restore/restore-run.ts';
import { listVersions } from '../restore/versions.ts';

type RestoreMethod = 'restore.list' | 'restore.preview' | 'restore.run' | 'restore.versions';
/** What a handler receives: the input validated, its defaults filled in. */
type In<M extends RestoreMethod> = z.output<(typeof METHOD_INPUTS)[M]>;

/** Pauses one profile's syncs around a restore into its source; the engine's pause and resume. */
export interface SyncGuard {
  /** Whether the profile is paused now (by a person): then the restore leaves it so. */
  isPaused(profile: string): boolean;
  pause(profile: string): void;
  resume(profile: string): void;
}

export interface RestoreServiceOptions {
  profile(name: string): Profile;
  rsyncPath(): string;
  secrets?: SecretStore;
  guard?: SyncGuard;
  onProgress?: (profile: string, p: RunProgress) => void;
  now?: () => Date;
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
      const backup = await open(profile, target);
      const spec = makeSpec(backup, { paths, all, to, version });
      const source = backup.profile.source.replace(/\/+$/, '');
      const intoSource = spec.dest === source || spec.dest.startsWith(`${source}/`);
      const guard = intoSource && options.guard && !options.guard.isPaused(profile) ? options.guard : null;
      guard?.pause(profile);
      try {
        return await executeRestore(spec, {
          onConflict,
          force,
          signal,
          now: options.now,
          onProgress: options.onProgress ? (p) => options.onProgress!(profile, p) : undefined,
        });
      } finally {
        guard?.resume(profile);
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
