/**
 * One profile × one target: the state machine that turns pending changes into rsync runs.
 *
 * - One rsync at a time per target; changes arriving meanwhile wait for the next batch, and a
 *   batch that does not complete puts its paths back. Nothing is dropped.
 * - A batch starts after `debounceMs` of quiet, or at the latest `maxDelayMs` after its oldest
 *   change, so continuous churn still syncs.
 * - A full sync (start, periodic, rescan, "Sync now") absorbs whatever was pending before it.
 * - Failures back off (retry-policy) per target: one failing target holds back no other.
 */
import { stat } from 'node:fs/promises';
import { worstState, type ProfileStatus, type RunRecord, type TargetStatus, type TransferProgress } from '../api/status.ts';
import { resolveAuth, type SecretStore } from './auth.ts';
import { RsyncTrayError, toErrorInfo, type ErrorInfo } from './errors.ts';
import type { ExcludeMatcher } from './exclude-rules.ts';
import { PendingPaths, planBatch, type ChangeKind } from './path-aggregator.ts';
import { targetKey, type Profile, type Target } from './profile-schema.ts';
import { buildRsyncArgs, filesFromInput, type RunKind } from './rsync-args.ts';
import { diagnose } from './rsync-diagnostics.ts';
import { classifyExit } from './rsync-exit-codes.ts';
import type { RsyncCapabilities } from './rsync-probe.ts';
import { runRsync, type RunResult } from './rsync-runner.ts';
import { backoffDelay, NEEDS_A_PERSON } from './retry-policy.ts';

export interface TargetSyncDeps {
  profile: Profile;
  target: Target;
  caps: RsyncCapabilities;
  excludes: ExcludeMatcher;
  secrets?: SecretStore;
  /** Something in the status changed. */
  onChange(): void;
  onRun(record: RunRecord): void;
  run?: typeof runRsync;
  random?: () => number;
}

export class TargetSync {
  readonly key: string;
  readonly #deps: TargetSyncDeps;
  readonly #pending = new PendingPaths();
  #lastEventAt = 0;
  /** Every target starts with a full sync (like lsyncd's init), once the watcher is up. */
  #fullSyncWanted = true;
  #started = false;
  #paused = false;
  #disposed = false;
  #running: Promise<void> | null = null;
  #runningKind: RunKind | null = null;
  #abort: AbortController | null = null;
  #timer: NodeJS.Timeout | null = null;
  #retryAt: number | null = null;
  #attempt = 0;
  /** Consecutive batches that met vanishing files (exit 24). */
  #vanishedStreak = 0;
  #status: TargetStatus;
  #idleWaiters: Array<() => void> = [];

  constructor(deps: TargetSyncDeps) {
    this.#deps = deps;
    this.key = targetKey(deps.target);
    this.#status = {
      key: this.key,
      state: 'scanning',
      pending: 0,
      lastSuccessAt: null,
      lastFullSyncAt: null,
      lastError: null,
      retry: null,
      progress: null,
      totals: { runs: 0, files: 0, bytes: 0, failures: 0 },
    };
  }

  get status(): TargetStatus {
    return { ...this.#status, pending: this.#pending.size, totals: { ...this.#status.totals } };
  }

  /** Watcher events for this target. */
  notify(events: ReadonlyArray<{ path: string; kind: ChangeKind }>): void {
    const now = Date.now();
    for (const e of events) this.#pending.add(e.path, e.kind, now);
    this.#lastEventAt = now;
    this.#schedule();
    this.#deps.onChange();
  }

  /** Begins syncing: the initial full sync, then batches. Call once the watcher is ready. */
  start(): void {
    this.#started = true;
    this.#schedule();
  }

  /** A full reconcile as soon as possible ("Sync now", rescans) — also cuts a retry wait short. */
  requestFullSync(): void {
    this.#fullSyncWanted = true;
    this.#retryAt = null;
    this.#schedule();
  }

  pause(): void {
    this.#paused = true;
    this.#abort?.abort();
    this.#clearTimer();
    this.#setState();
  }

  resume(): void {
    this.#paused = false;
    this.#retryAt = null;
    this.#schedule();
    this.#setState();
  }

  /** Resolves when nothing is pending or running (tests, "sync once" in the CLI). */
  whenIdle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    this.#clearTimer();
    this.#abort?.abort();
    await this.#running;
    this.#status.state = 'stopped';
    this.#wakeIdle();
  }

  #isIdle(): boolean {
    return !this.#running && !this.#fullSyncWanted && this.#pending.size === 0;
  }

  #wakeIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** When should the next run start? Called after every change of circumstances. */
  #schedule(): void {
    if (!this.#started || this.#disposed || this.#paused || this.#running) return;
    this.#clearTimer();
    const now = Date.now();
    let due: number;
    if (this.#retryAt !== null) due = this.#retryAt;
    else if (this.#fullSyncWanted) due = now;
    else if (this.#pending.size > 0) {
      const { debounceMs, maxDelayMs } = this.#deps.profile;
      due = Math.min(this.#lastEventAt + debounceMs, (this.#pending.firstAt ?? now) + maxDelayMs);
    } else {
      this.#setState();
      this.#wakeIdle();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#retryAt = null;
      this.#running = this.#cycle().finally(() => {
        this.#running = null;
        this.#abort = null;
        this.#schedule();
        this.#setState();
        this.#deps.onChange(); // totals, last success and last error changed, whatever the state
      });
    }, Math.max(0, due - now));
  }

  #setState(): void {
    const s = this.#status;
    const before = s.state;
    if (this.#disposed) s.state = 'stopped';
    else if (this.#paused) s.state = 'paused';
    else if (this.#runningKind) s.state = this.#runningKind === 'full' ? 'scanning' : 'syncing';
    else if (this.#retryAt !== null && s.lastError) s.state = NEEDS_A_PERSON.has(s.lastError.code) ? 'error' : 'retrying';
    else if (this.#fullSyncWanted) s.state = 'scanning';
    else if (this.#pending.size > 0) s.state = 'syncing';
    else s.state = 'idle';
    s.retry = this.#retryAt !== null ? { attempt: this.#attempt, nextAt: this.#retryAt } : null;
    if (before !== s.state || s.state !== 'idle') this.#deps.onChange();
  }

  async #cycle(): Promise<void> {
    const { profile } = this.#deps;
    const full = this.#fullSyncWanted;
    this.#fullSyncWanted = false;
    const taken = this.#pending.drain();
    let kind: RunKind = full ? 'full' : 'batch';
    let input: Buffer | undefined;
    let paths = 0;
    this.#abort = new AbortController();
    this.#runningKind = kind;
    this.#setState();
    try {
      await assertSourceFolder(profile.source);
      if (kind === 'batch') {
        const plan = await planBatch(taken.entries, { root: profile.source, deletions: profile.deletions, isExcluded: (p, d) => this.#deps.excludes.isExcluded(p, d) });
        if (plan.paths.length === 0) return this.#succeeded(null);
        if (plan.deletions > 0 && !this.#deps.caps.deleteMissingArgs) kind = 'full'; // old rsync: deletions need a full pass
        else {
          input = filesFromInput(plan.paths);
          paths = plan.paths.length;
        }
        this.#runningKind = kind;
        this.#setState();
      }
      const result = await this.#runOnce(kind, input);
      if (this.#abort.signal.aborted || result.isCanceled) {
        this.#pending.restore(taken.entries, taken.firstAt);
        if (full) this.#fullSyncWanted = true;
        this.#record(kind, paths, result, 'canceled', null);
        return;
      }
      const outcome = classifyExit(result.exitCode, result.signal).outcome;
      if (outcome === 'ok') {
        this.#record(kind, paths, result, 'ok', null, kind === 'batch' ? taken.firstAt : null);
        return this.#succeeded(kind);
      }
      if (outcome === 'vanished' && kind === 'full') {
        // A full pass that met files vanishing mid-copy still mirrored everything else; whatever
        // vanished was deleted or replaced, and the watcher reported that.
        this.#record(kind, paths, result, 'vanished', null);
        return this.#succeeded(kind);
      }
      if (outcome === 'vanished') {
        // Files changed under rsync's feet: not a failure. Their paths go round again, after a
        // short growing pause; with --delete-missing-args a file that is really gone is then
        // deleted on the backup. If it keeps happening, a full pass settles it.
        this.#pending.restore(taken.entries, taken.firstAt);
        this.#record(kind, paths, result, 'vanished', null);
        this.#vanishedStreak++;
        if (this.#vanishedStreak >= 3) this.#fullSyncWanted = true;
        else this.#retryAt = Date.now() + 50 * 2 ** this.#vanishedStreak;
        return;
      }
      const error = diagnose(result.stderr, result.exitCode, this.#context()) ?? {
        code: 'RSYNC_FAILED' as const,
        message: `rsync failed (exit ${result.exitCode ?? result.signal}).`,
        hint: 'See the log for rsync’s own message.',
      };
      this.#record(kind, paths, result, outcome === 'fatal' ? 'fatal' : 'retry', error);
      this.#failed(taken, full, error);
    } catch (error) {
      this.#failed(taken, full, toErrorInfo(error));
    } finally {
      this.#status.progress = null;
      this.#runningKind = null;
    }
  }

  async #runOnce(kind: RunKind, input: Buffer | undefined): Promise<RunResult> {
    const { profile, target, caps, excludes, secrets } = this.#deps;
    const auth = await resolveAuth(target, secrets);
    const args = buildRsyncArgs({ profile, target, caps, excludes, kind, extra: auth.args });
    let lastEmit = 0;
    return (this.#deps.run ?? runRsync)({
      rsyncPath: caps.path,
      args,
      env: auth.env,
      input,
      signal: this.#abort!.signal,
      secrets: auth.secrets,
      onProgress: (p) => {
        this.#status.progress = { kind, bytes: p.bytes, percent: p.percent, bytesPerSecond: p.bytesPerSecond, etaSeconds: p.etaSeconds } satisfies TransferProgress;
        const now = Date.now();
        if (now - lastEmit > 250) {
          lastEmit = now;
          this.#deps.onChange();
        }
      },
    });
  }

  #context() {
    const t = this.#deps.target;
    return { host: t.host, port: t.port, module: t.module, user: t.user, passwordFile: t.auth.type === 'passwordFile' ? t.auth.path : undefined };
  }

  #succeeded(kind: RunKind | null): void {
    const now = Date.now();
    this.#attempt = 0;
    this.#vanishedStreak = 0;
    this.#retryAt = null;
    this.#status.lastError = null;
    if (this.#pending.size === 0) this.#status.lastSuccessAt = now;
    if (kind === 'full') this.#status.lastFullSyncAt = now;
  }

  #failed(taken: ReturnType<PendingPaths['drain']>, full: boolean, error: ErrorInfo): void {
    this.#pending.restore(taken.entries, taken.firstAt);
    if (full) this.#fullSyncWanted = true;
    this.#attempt++;
    this.#status.totals.failures++;
    this.#status.lastError = error;
    this.#retryAt = Date.now() + backoffDelay(this.#attempt, error.code, undefined, this.#deps.random);
  }

  #record(kind: RunKind, paths: number, result: RunResult, outcome: RunRecord['outcome'], error: ErrorInfo | null, firstAt: number | null = null): void {
    const files = result.stats?.regularFilesTransferred ?? 0;
    const bytes = result.stats?.transferredFileSize ?? 0;
    const t = this.#status.totals;
    t.runs++;
    t.files += files;
    t.bytes += bytes;
    this.#deps.onRun({
      profile: this.#deps.profile.name,
      target: this.key,
      kind,
      startedAt: Date.now() - Math.round(result.durationMs),
      durationMs: Math.round(result.durationMs),
      paths,
      files,
      bytes,
      latencyMs: firstAt === null ? null : Date.now() - firstAt,
      outcome,
      error,
    });
  }
}

/** The source must be a folder before anything runs: an rsync of a missing root deletes nothing, but says little. */
async function assertSourceFolder(source: string): Promise<void> {
  let ok = false;
  try {
    ok = (await stat(source)).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new RsyncTrayError('SOURCE_MISSING', `The source folder ${source} is missing or not a folder; nothing was sent and nothing on the backup was changed.`, 'Mount or restore the folder (or fix the path in the profile); syncing resumes by itself.');
  }
}

export function summarize(name: string, targets: readonly TargetStatus[], watch: ProfileStatus['watch']): ProfileStatus {
  const list = [...targets];
  const successes = list.map((t) => t.lastSuccessAt);
  return {
    name,
    state: worstState(list.map((t) => t.state)),
    pending: Math.max(0, ...list.map((t) => t.pending)),
    lastSuccessAt: successes.some((s) => s === null) ? null : Math.min(...(successes as number[])),
    lastError: list.find((t) => t.lastError)?.lastError ?? null,
    watch,
    targets: list,
  };
}
