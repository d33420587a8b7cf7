/**
 * "What will the first sync do?": a dry run of a profile's full sync against each of its targets,
 * before the profile is saved. It lists every entry the sync would send and every entry it would
 * delete on the backup — the command line of a real full sync (the same excludes, safety net and
 * deletion flags) with `--dry-run`, so what it shows is what saving sets off, and nothing on the
 * backup changes. The daemon is reached with the profile's own authentication (a password typed
 * in the editor goes through the environment, as every password does).
 */
import type { SyncPreview, TargetPreview } from '../../shared/contract.ts';
import { toErrorInfo } from '../../shared/errors.ts';
import { targetKey, type Profile, type Target } from '../../shared/profile-schema.ts';
import { resolveAuth, typedPasswordAuth, type ResolvedAuth, type SecretStore } from '../rsync/auth.ts';
import { buildRsyncArgs, profileExcludes } from '../rsync/rsync-args.ts';
import { diagnose, diagnoseContextOf } from '../rsync/rsync-diagnostics.ts';
import { ITEMIZE_FORMAT } from '../rsync/rsync-itemize.ts';
import { probeRsync } from '../rsync/rsync-probe.ts';
import { runRsync } from '../rsync/rsync-runner.ts';
import { requireFolder } from './exclude-preview.ts';

/** Names kept per target and kind; every entry is counted. */
export const SYNC_PREVIEW_POLICY = { namesKept: 1_000 } as const;

export interface SyncPreviewOptions {
  rsyncPath: string;
  secrets?: SecretStore;
  /** Passwords typed in the editor and not stored yet, by target index. */
  passwords?: ReadonlyArray<string | null>;
  run?: typeof runRsync;
}

export async function previewSync(profile: Profile, options: SyncPreviewOptions): Promise<SyncPreview> {
  await requireFolder(profile.source);
  const caps = await probeRsync(options.rsyncPath);
  const excludes = profileExcludes(profile);
  const targets: TargetPreview[] = [];
  // One target after the other: a preview is one person's look, not worth loading two daemons.
  for (const [i, target] of profile.targets.entries()) {
    const key = targetKey(target);
    try {
      const auth = typed(options.passwords?.[i]) ?? (await resolveAuth(target, options.secrets));
      const args = buildRsyncArgs({
        profile,
        target,
        caps,
        excludes,
        kind: 'full',
        // 'list': --dry-run with deletions on, as a full sync would delete them.
        deletion: { mode: 'list' },
        extra: [...auth.args, ITEMIZE_FORMAT],
      });
      const result = await (options.run ?? runRsync)({
        rsyncPath: caps.path,
        args,
        env: auth.env,
        secrets: auth.secrets,
        sentNames: SYNC_PREVIEW_POLICY.namesKept,
        deletionNames: SYNC_PREVIEW_POLICY.namesKept,
      });
      if (result.exitCode !== 0) {
        targets.push({ target: key, sends: empty(), deletes: empty(), bytes: 0, error: failure(result, target) });
        continue;
      }
      targets.push({
        target: key,
        sends: result.sent ?? empty(),
        deletes: result.deletions ?? empty(),
        bytes: result.stats?.transferredFileSize ?? 0,
        error: null,
      });
    } catch (error) {
      targets.push({ target: key, sends: empty(), deletes: empty(), bytes: 0, error: toErrorInfo(error) });
    }
  }
  return { targets };
}

const empty = () => ({ count: 0, names: [] as string[] });

const typed = (password: string | null | undefined): ResolvedAuth | null =>
  password ? typedPasswordAuth(password) : null;

function failure(result: Awaited<ReturnType<typeof runRsync>>, t: Target) {
  return (
    diagnose(result.stderr, result.exitCode, diagnoseContextOf(t)) ?? {
      code: 'RSYNC_FAILED' as const,
      message: `The dry run failed (rsync exit ${result.exitCode ?? result.signal}); nothing was changed.`,
      hint: 'Test the connection of this target, then preview again.',
    }
  );
}
