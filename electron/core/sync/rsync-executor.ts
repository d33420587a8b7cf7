/**
 * The thin executor under TargetSync: builds one rsync run for a target, runs it, classifies its
 * result into a Verdict and writes it in the activity log (RunRecord). No scheduling and no
 * memory beyond the target's totals: what runs when is scheduler.ts and target-sync.ts.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { limitAt } from '../../shared/bandwidth-schedule.ts';
import { RsyncTrayError, type ErrorInfo } from '../../shared/errors.ts';
import type { ExcludeMatcher } from '../../shared/exclude-rules.ts';
import { targetUrl, type Profile, type Target } from '../../shared/profile-schema.ts';
import type { MovedName, RunRecord, TargetStatus, TransferProgress } from '../../shared/status.ts';
import { resolveAuth, type ResolvedAuth, type SecretStore } from '../rsync/auth.ts';
import { listTarget } from '../rsync/rsync-listing.ts';
import {
  batchIdleTimeoutMs,
  buildRsyncArgs,
  connectionArgs,
  itemizes,
  namesDeletions,
  progressFrom,
  type DeletionMode,
  type RunKind,
} from '../rsync/rsync-args.ts';
import { listDaemonModules } from '../rsync/daemon-modules.ts';
import { appendArgs } from '../rsync/append-args.ts';
import { moveBasisArgs } from '../rsync/move-args.ts';
import { diagnose, diagnoseContextOf } from '../rsync/rsync-diagnostics.ts';
import { classifyExit } from '../rsync/rsync-exit-codes.ts';
import type { RsyncCapabilities } from '../rsync/rsync-probe.ts';
import { runRsync, type RunResult } from '../rsync/rsync-runner.ts';
import type { Clock } from './clock.ts';
import { switchingLimit } from './limit-switch.ts';
import { basisWorthIt } from './move-pairs.ts';
import { pruneSafetyNet } from './safety-net.ts';
import { countFullSync, holdsNothing, type RunTotal } from './full-sync-count.ts';
import { countSource } from './source-count.ts';
import { TransferMeter } from './transfer-meter.ts';
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
  /** A line for the engine's log: rsync's own words of a failed run go there (the Log screen). */
  log?(level: 'info' | 'warn' | 'error', message: string): void;
}

/** Safety-net folders past their retention are pruned at most this often. */
const PRUNE_EVERY_MS = 12 * 3_600_000;

/**
 * How many names a run's activity record carries. Every entry is counted whatever these say; the
 * record (sent to every window with the run) holds the first few hundred, and the host keeps up to
 * `perRun` for paging through (activity.names; bounded in total by core/service/activity-log.ts).
 */
export const RUN_NAMES_POLICY = { record: 200, perRun: 20_000 } as const;

/** How often progress is passed on while rsync reports it. */
const PROGRESS_EVERY_MS = 250;

export class RsyncExecutor {
  readonly #deps: ExecutorDeps;
  readonly totals: TargetStatus['totals'] = { runs: 0, files: 0, bytes: 0, failures: 0 };
  /** The smoothed rate, its last minutes, what the last run could not send. */
  readonly meter: TransferMeter;
  #prunedAt = 0;

  constructor(deps: ExecutorDeps) {
    this.#deps = deps;
    this.meter = new TransferMeter(deps.profile);
  }

  async run(
    kind: RunKind,
    deletion: DeletionMode,
    signal: AbortSignal,
    input?: Buffer,
    onlyNewTrees = false,
    append = false,
  ): Promise<RunResult> {
    const { profile, target, caps, excludes, secrets, clock } = this.#deps;
    const auth = await resolveAuth(target, secrets);
    const built = buildRsyncArgs({ profile, target, caps, excludes, kind, deletion, extra: auth.args, onlyNewTrees });
    const args = append ? appendArgs(built, profile.keepDeletedDays) : built;
    if (!args)
      throw new RsyncTrayError(
        'INTERNAL',
        'An append run was asked of a profile that keeps deleted files.',
        'This is a bug in Rsync Tray; please report it with the log.',
      );
    // A dry run's names are a hold's list (kept long); a real run's, its activity record.
    const deletionNames = !namesDeletions(deletion)
      ? undefined
      : deletion.mode === 'list'
        ? DELETION_BUDGET_POLICY.namesKept
        : RUN_NAMES_POLICY.perRun;
    let lastEmit = 0;
    const dryRun = deletion.mode === 'list';
    // A full sync's totals where rsync gives none while it runs: a dry run beside it, when worth it
    // (full-sync-count.ts). Of a real daemon only, as the module listing below: a scripted runner
    // (tests) answers what its test scripts, and the count would be one run more in every script.
    // Only under a bandwidth limit: there the link is the bottleneck and a long transfer likely,
    // and the count's CPU is spare. Without one rsync takes both cores, and any count beside it
    // (a walk, a dry run) made a 1,000,000-file upload ~20 % slower.
    const limited = limitAt(profile, new Date(clock.now())).bytesPerSecond > 0;
    const want =
      !this.#deps.run && limited && progressFrom(kind) === 'process-io'
        ? this.meter.counter.wanted(kind, dryRun, clock.now())
        : 'no';
    // Looked at before the run: once it runs, the backup holds what it has sent so far. Into an
    // empty backup everything goes: a walk of the source counts it (source-count.ts), no daemon.
    const upload = want === 'if-empty' && (await this.#holdsNothing(auth, signal));
    const setTotal = this.meter.begin({ kind, dryRun, total: null });
    const counting = new AbortController();
    const countSignal = AbortSignal.any([signal, counting.signal]);
    if (want === 'count') void this.#countBeside(args, auth, countSignal, setTotal);
    else if (upload)
      void countSource(profile.source, excludes, countSignal).then((t) => t && !countSignal.aborted && setTotal(t));
    const result = await switchingLimit(this.#deps.run ?? runRsync, { profile, clock })({
      rsyncPath: caps.path,
      args,
      env: auth.env,
      input,
      signal,
      secrets: auth.secrets,
      idleTimeoutMs: kind === 'batch' ? batchIdleTimeoutMs(profile) : undefined,
      deletionNames,
      sentNames: itemizes(deletion) ? RUN_NAMES_POLICY.perRun : undefined,
      progressFrom: progressFrom(kind),
      onProgress: (p) => {
        const now = clock.now();
        if (now - lastEmit <= PROGRESS_EVERY_MS) return;
        lastEmit = now;
        this.#deps.onProgress(this.meter.shape(kind, p, now));
      },
    });
    counting.abort(); // a count not done by the end of the run has nothing left to tell
    this.meter.ended(result, profile.source, clock.now());
    // An unknown module is explained with the closest one the daemon lists ("did you mean").
    // Asked of a real daemon only: a scripted runner (tests) has no listing to give.
    this.#listedModules = undefined;
    if (!this.#deps.run && /@ERROR: Unknown module/.test(result.stderr))
      this.#listedModules =
        (await listDaemonModules({
          rsyncPath: caps.path,
          host: target.host,
          port: target.port,
          timeoutSeconds: profile.timeoutSeconds,
        })) ?? undefined;
    return result;
  }

  /**
   * The run for listed files that only grew (sync/growth-batch.ts): the batch's arguments with
   * --append instead of its exact comparison (core/rsync/append-args.ts), no deletions. Only
   * where appendAllowed says so: with the safety net on, there is no such run.
   */
  runAppend(signal: AbortSignal, input: Buffer): Promise<RunResult> {
    return this.run('batch', { mode: 'hold' }, signal, input, false, true);
  }

  /**
   * The basis run of one move (core/rsync/move-args.ts): the new place built from the old copy
   * on the backup. Skipped where the profile has excludes naming a path (with a '/'): those are
   * anchored at the source root and would not hold in a run rooted at the moved folder. Any
   * failure is only a cost: the batch after it sends what the basis run did not build.
   */
  async runBasis(from: string, to: string, signal: AbortSignal): Promise<void> {
    const { profile, target, caps, excludes, secrets } = this.#deps;
    if (profile.excludes.some((p) => p.includes('/'))) return;
    const isDir = await stat(join(profile.source, to)).then(
      (st) => st.isDirectory(),
      () => null,
    );
    if (isDir === null) return;
    // The same limit as the batch after it: the schedule's at this moment, else the profile's.
    const now = new Date(this.#deps.clock.now());
    if (!(await basisWorthIt(join(profile.source, to), limitAt(profile, now).bytesPerSecond > 0))) return;
    const auth = await resolveAuth(target, secrets);
    const common = [
      '--stats',
      ...connectionArgs(profile, now),
      ...(caps.mkpath ? ['--mkpath'] : []),
      ...excludes.rsyncArgs,
      ...auth.args,
    ];
    const basis = moveBasisArgs({ source: profile.source, url: targetUrl(target), from, to, isDir, common });
    if (basis.kind === 'none') return;
    await (this.#deps.run ?? runRsync)({
      rsyncPath: caps.path,
      args: basis.args,
      env: auth.env,
      input: basis.input,
      signal,
      secrets: auth.secrets,
      idleTimeoutMs: batchIdleTimeoutMs(profile),
    });
  }

  /** The full sync's totals, counted beside it (full-sync-count.ts); never fails the run. */
  async #countBeside(
    args: string[],
    auth: ResolvedAuth,
    signal: AbortSignal,
    setTotal: (total: RunTotal) => void,
  ): Promise<void> {
    const { profile, caps } = this.#deps;
    try {
      const request = { rsyncPath: caps.path, args, env: auth.env, signal, secrets: auth.secrets };
      const total = await countFullSync({ request, run: runRsync, compress: profile.compress });
      if (total && !signal.aborted) setTotal(total);
    } catch {
      // No total: the run shows its bytes and rate without one.
    }
  }

  /** Whether the target's folder holds nothing yet but our own folders (full-sync-count.ts). */
  #holdsNothing(auth: ResolvedAuth, signal: AbortSignal): Promise<boolean> {
    const { profile, target, caps } = this.#deps;
    const where = diagnoseContextOf(target);
    const timeoutSeconds = profile.timeoutSeconds;
    return holdsNothing(() =>
      listTarget({ rsyncPath: caps.path, url: targetUrl(target), auth, where, timeoutSeconds, signal }),
    );
  }

  /** The daemon's modules, listed after a run it refused with "Unknown module". */
  #listedModules: string[] | undefined;

  /** Classifies one rsync result and records it in the activity log. */
  judge(
    kind: RunKind,
    paths: number,
    result: RunResult,
    firstAt: number | null,
    aborted: boolean,
    recordSuccess = true,
    moved: readonly MovedName[] = [],
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
    this.#logFailure(result, error, outcome === 'fatal');
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
    moved: readonly MovedName[] = [],
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
      moved: moved.length,
      deletedNames: result.deletions?.names.slice(0, RUN_NAMES_POLICY.record) ?? [],
      latencyMs: firstAt === null ? null : now - firstAt,
      outcome,
      error,
      sent: result.sent?.count ?? 0,
      sentNames: result.sent?.names.slice(0, RUN_NAMES_POLICY.record) ?? [],
      movedNames: moved.slice(0, RUN_NAMES_POLICY.record),
      allNames: { sent: result.sent?.names ?? [], deleted: result.deletions?.names ?? [] },
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

  /** rsync's own words of a failed run, which error hints point at ("Open Log in the window"). */
  #logFailure(result: RunResult, error: ErrorInfo, fatal: boolean): void {
    const said = result.stderr.trim();
    const exit = result.exitCode ?? result.signal ?? 'unknown';
    this.#deps.log?.(
      fatal ? 'error' : 'warn',
      `rsync to ${this.#deps.key} failed (exit ${exit}): ${error.message}` +
        (said ? `\nrsync said:\n${said}` : '\nrsync said nothing on stderr.'),
    );
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
    const context = diagnoseContextOf(t, { modules: this.#listedModules });
    return (
      diagnose(result.stderr, result.exitCode, context) ?? {
        code: 'RSYNC_FAILED',
        message: `rsync failed (exit ${result.exitCode ?? result.signal}).`,
        hint: 'rsync’s own message is on the window’s Log screen (and in the output of `rsync-tray run`).',
      }
    );
  }
}
