/**
 * The thin executor under TargetSync: builds one rsync run for a target, runs it, classifies its
 * result into a Verdict and writes it in the activity log (RunRecord). No scheduling and no
 * memory beyond the target's totals: what runs when is scheduler.ts and target-sync.ts.
 */
import type { ErrorInfo } from '../../shared/errors.ts';
import type { ExcludeMatcher } from '../../shared/exclude-rules.ts';
import type { Profile, Target } from '../../shared/profile-schema.ts';
import type { RunRecord, TargetStatus, TransferProgress } from '../../shared/status.ts';
import { resolveAuth, type SecretStore } from '../rsync/auth.ts';
import {
  batchIdleTimeoutMs,
  buildRsyncArgs,
  namesDeletions,
  progressFrom,
  type DeletionMode,
  type RunKind,
} from '../rsync/rsync-args.ts';
import { diagnose } from '../rsync/rsync-diagnostics.ts';
import { classifyExit } from '../rsync/rsync-exit-codes.ts';
import type { RsyncCapabilities } from '../rsync/rsync-probe.ts';
import { runRsync, type RunResult } from '../rsync/rsync-runner.ts';
import type { Clock } from './clock.ts';
import { pruneSafetyNet } from './safety-net.ts';
import { DELETION_BUDGET_POLICY } from './deletion-guard.ts';
import type { Verdict } from './full-pass.ts';

export interface ExecutorDeps {
  profile: Profile;
  target: Target;
  key: string;
  caps: RsyncCapabilities;
  excludes: ExcludeMatcher;
  secrets?: SecretStore;
  clock: Clock;
  run?: typeof runRsync;
  onRun(record: RunRecord): void;
  /** Progress moved (called at most every 250 ms). */
  onProgress(progress: TransferProgress): void;
  /** Paths that met vanishing files go round again after this pause (scheduler policy). */
  vanishedBaseMs: number;
}

/** Safety-net folders past their retention are pruned at most this often. */
const PRUNE_EVERY_MS = 12 * 3_600_000;

/** Names of deleted entries an activity record keeps (the count is whole). */
const RECORD_NAMES = 100;

/** How often progress is passed on while rsync reports it. */
const PROGRESS_EVERY_MS = 250;

export class RsyncExecutor {
  readonly #deps: ExecutorDeps;
  readonly totals: TargetStatus['totals'] = { runs: 0, files: 0, bytes: 0, failures: 0 };
  #prunedAt = 0;

  constructor(deps: ExecutorDeps) {
    this.#deps = deps;
  }

  async run(
    kind: RunKind,
    deletion: DeletionMode,
    signal: AbortSignal,
    input?: Buffer,
    onlyNewTrees = false,
  ): Promise<RunResult> {
    const { profile, target, caps, excludes, secrets, clock } = this.#deps;
    const auth = await resolveAuth(target, secrets);
    const args = buildRsyncArgs({ profile, target, caps, excludes, kind, deletion, extra: auth.args, onlyNewTrees });
    // A dry run's names are a hold's list (kept long); a real run's, its activity record.
    const deletionNames = !namesDeletions(deletion)
      ? undefined
      : deletion.mode === 'list'
        ? DELETION_BUDGET_POLICY.namesKept
        : RECORD_NAMES;
    let lastEmit = 0;
    return (this.#deps.run ?? runRsync)({
      rsyncPath: caps.path,
      args,
      env: auth.env,
      input,
      signal,
      secrets: auth.secrets,
      idleTimeoutMs: kind === 'batch' ? batchIdleTimeoutMs(profile) : undefined,
      deletionNames,
      progressFrom: progressFrom(kind),
      onProgress: (p) => {
        const now = clock.now();
        if (now - lastEmit <= PROGRESS_EVERY_MS) return;
        lastEmit = now;
        this.#deps.onProgress({
          kind,
          bytes: p.bytes,
          percent: p.percent,
          bytesPerSecond: p.bytesPerSecond,
          etaSeconds: p.etaSeconds,
        });
      },
    });
  }

  /** Classifies one rsync result and records it in the activity log. */
  judge(
    kind: RunKind,
    paths: number,
    result: RunResult,
    firstAt: number | null,
    aborted: boolean,
    recordSuccess = true,
    moved = 0,
  ): Verdict {
    if (aborted || result.isCanceled) {
      this.record(kind, paths, result, 'canceled', null, null);
      return { type: 'canceled' };
    }
    const outcome = classifyExit(result.exitCode, result.signal).outcome;
    if (outcome === 'ok' || (outcome === 'vanished' && kind === 'full')) {
      // A full pass that met files vanishing mid-copy still mirrored everything else; whatever
      // vanished was deleted or replaced, and the watcher reported that.
      if (recordSuccess) this.record(kind, paths, result, outcome, null, firstAt, moved);
      return { type: 'done', kind };
    }
    if (outcome === 'vanished') {
      // Files changed under rsync's feet: not a failure. Their paths go round again after a
      // short growing pause; with --delete-missing-args a file really gone is then deleted.
      this.record(kind, paths, result, 'vanished', null, null);
      return { type: 'again', delayMs: this.#deps.vanishedBaseMs };
    }
    const error = this.#error(result);
    this.record(kind, paths, result, outcome === 'fatal' ? 'fatal' : 'retry', error, null);
    return { type: 'failed', error };
  }

  record(
    kind: RunKind,
    paths: number,
    result: RunResult,
    outcome: RunRecord['outcome'],
    error: ErrorInfo | null,
    firstAt: number | null,
    moved = 0,
  ): void {
    const now = this.#deps.clock.now();
    const durationMs = Math.round(result.durationMs);
    const record: RunRecord = {
      profile: this.#deps.profile.name,
      target: this.#deps.key,
      kind,
      startedAt: now - durationMs,
      durationMs,
      paths,
      files: result.stats?.regularFilesTransferred ?? 0,
      bytes: result.stats?.transferredFileSize ?? 0,
      deleted: result.deletions?.count ?? 0,
      moved,
      deletedNames: result.deletions?.names.slice(0, RECORD_NAMES) ?? [],
      latencyMs: firstAt === null ? null : now - firstAt,
      outcome,
      error,
    };
    this.totals.runs++;
    this.totals.files += record.files;
    this.totals.bytes += record.bytes;
    this.#deps.onRun(record);
  }

  /** At most twice a day, after a good full sync: drop safety-net folders past their retention. */
  async pruneSafetyNet(log: (level: 'info' | 'warn', message: string) => void): Promise<void> {
    const { profile, target, caps, secrets, key } = this.#deps;
    const now = this.#deps.clock.now();
    if (profile.keepDeletedDays <= 0 || now - this.#prunedAt < PRUNE_EVERY_MS) return;
    this.#prunedAt = now;
    try {
      const auth = await resolveAuth(target, secrets);
      const removed = await pruneSafetyNet({
        rsyncPath: caps.path,
        target,
        auth,
        keepDays: profile.keepDeletedDays,
        timeoutSeconds: profile.timeoutSeconds,
      });
      if (removed.length)
        log(
          'info',
          `Removed safety-net folders older than ${profile.keepDeletedDays} days from ${key}: ${removed.join(', ')}`,
        );
    } catch (error) {
      log('warn', `Could not prune the safety net on ${key}: ${(error as Error).message}`);
    }
  }

  #error(result: RunResult): ErrorInfo {
    const { profile, target: t, key } = this.#deps;
    if (result.timedOut) {
      return {
        code: 'TIMEOUT',
        message: `rsync to ${key} moved no data for ${batchIdleTimeoutMs(profile) / 1000} s and was stopped.`,
        hint: 'Check the network and the daemon; it is retried automatically.',
      };
    }
    const context = {
      host: t.host,
      port: t.port,
      module: t.module,
      user: t.user,
      passwordFile: t.auth.type === 'passwordFile' ? t.auth.path : undefined,
    };
    return (
      diagnose(result.stderr, result.exitCode, context) ?? {
        code: 'RSYNC_FAILED',
        message: `rsync failed (exit ${result.exitCode ?? result.signal}).`,
        hint: 'See the log for rsync’s own message.',
      }
    );
  }
}
