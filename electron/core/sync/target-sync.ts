/**
 * One profile × one target: the state machine that turns pending changes into rsync runs.
 *
 * - One rsync at a time per target; changes arriving meanwhile wait for the next batch, and a
 *   batch that does not complete puts its paths back. Nothing is dropped.
 * - A batch starts after `debounceMs` of quiet, or at the latest `maxDelayMs` after its oldest
 *   change, so continuous churn still syncs.
 * - A full sync (start, periodic, rescan, "Sync now") absorbs whatever was pending before it. With
 *   deletions on, it first transfers without deleting and counts what it would delete; the
 *   deletion guard then lets the deletions through, or holds them for a person to confirm.
 * - Failures back off (retry-policy) per target: one failing target holds back no other.
 */
import { stat } from 'node:fs/promises';
import { worstState, type DeletionHold, type ProfileStatus, type RunRecord, type TargetStatus, type TransferProgress } from '../../shared/status.ts';
import { resolveAuth, type SecretStore } from '../rsync/auth.ts';
import { isEmptyFolder, judgeDeletions } from './deletion-guard.ts';
import { RsyncTrayError, toErrorInfo, type ErrorInfo } from '../../shared/errors.ts';
import type { ExcludeMatcher } from '../../shared/exclude-rules.ts';
import type { TargetJournal } from './journal.ts';
import { movedAway, PendingPaths, planBatch, type ChangeKind } from './pending-paths.ts';
import { targetKey, type Profile, type Target } from '../../shared/profile-schema.ts';
import { batchIdleTimeoutMs, buildRsyncArgs, filesFromInput, progressFrom, type DeletionMode, type RunKind } from '../rsync/rsync-args.ts';
import { diagnose } from '../rsync/rsync-diagnostics.ts';
import { classifyExit } from '../rsync/rsync-exit-codes.ts';
import { parseSkippedDeletions } from '../rsync/rsync-output.ts';
import { pruneSafetyNet } from './safety-net.ts';
import type { RsyncCapabilities } from '../rsync/rsync-probe.ts';
import { runRsync, type RunResult } from '../rsync/rsync-runner.ts';
import { backoffDelay, NEEDS_A_PERSON } from './retry-policy.ts';

export interface TargetSyncDeps {
  profile: Profile;
  target: Target;
  caps: RsyncCapabilities;
  excludes: ExcludeMatcher;
  secrets?: SecretStore;
  /** Something in the status (or the journal state) changed. */
  onChange(): void;
  onRun(record: RunRecord): void;
  log(level: 'info' | 'warn', message: string): void;
  run?: typeof runRsync;
  random?: () => number;
}

type Taken = ReturnType<PendingPaths['drain']>;

/**
 * Deletions wait for this much quiet before they are sent: the first deletion of an emptying
 * source (rm -rf src/*, a sync client unlinking a folder) looks like any deletion, and only a
 * little patience lets the emptying be seen whole and held. Other changes do not wait for it.
 */
const DELETION_QUIET_MS = 50;

/** Changes pending after a run that make the next run start at once (see #dueTimes). */
const BACK_TO_BACK_MIN_PATHS = 50;

/** How a cycle ended, for the bookkeeping that follows it. */
type Verdict =
  | { type: 'done'; kind: RunKind | null }
  | { type: 'again'; delayMs: number }
  | { type: 'failed'; error: ErrorInfo }
  | { type: 'canceled' };

export class TargetSync {
  readonly key: string;
  readonly #deps: TargetSyncDeps;
  readonly #pending = new PendingPaths();
  #lastEventAt = 0;
  /** When the last cycle ended (see #schedule: changes that arrived during a run go next). */
  #lastCycleEndedAt = 0;
  /** Every target starts with a full sync (like lsyncd's init), once the watcher is up. */
  #fullSyncWanted = true;
  #started = false;
  #paused = false;
  #disposed = false;
  #running: Promise<void> | null = null;
  #runningKind: RunKind | null = null;
  /** What the running cycle took from pending: still owed to the backup until it succeeds. */
  #inFlight: Taken | null = null;
  #inFlightFull = false;
  #abort: AbortController | null = null;
  #timer: NodeJS.Timeout | null = null;
  #retryAt: number | null = null;
  #attempt = 0;
  /** Consecutive batches that met vanishing files (exit 24). */
  #vanishedStreak = 0;
  #hold: DeletionHold | null = null;
  #prunedAt = 0;
  /** The last count came without rsync's stats and was repeated (see #fullPass). */
  #recounted = false;
  /** The next full sync may delete what the held count said (a person confirmed it). */
  #confirmed: DeletionHold | null = null;
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
      hold: null,
      progress: null,
      totals: { runs: 0, files: 0, bytes: 0, failures: 0 },
    };
  }

  get status(): TargetStatus {
    return { ...this.#status, pending: this.#pending.size + (this.#inFlight?.entries.size ?? 0), hold: this.#hold, totals: { ...this.#status.totals } };
  }

  /** What must survive a crash: everything not yet confirmed on the backup. */
  journal(): TargetJournal {
    const paths = this.#pending.entries();
    if (this.#inFlight) paths.push(...this.#inFlight.entries);
    return { paths, fullSyncWanted: this.#fullSyncWanted || this.#inFlightFull, hold: this.#hold };
  }

  /** Replays a journal written by an earlier run (before start()). */
  restore(journal: TargetJournal): void {
    this.#pending.restore(new Map(journal.paths), Date.now());
    this.#hold = journal.hold;
  }

  /** Watcher events for this target. */
  notify(events: ReadonlyArray<{ path: string; kind: ChangeKind; movedFrom?: string }>): void {
    const now = Date.now();
    for (const e of events) {
      this.#pending.add(e.path, e.kind, now);
      if (e.movedFrom !== undefined) this.#pending.markMoved(e.movedFrom);
    }
    this.#lastEventAt = now;
    this.#schedule();
    this.#setState(); // pending changes: the target is no longer current
  }

  /** Begins syncing: the initial full sync, then batches. Call once the watcher is ready. */
  start(): void {
    this.#started = true;
    this.#schedule();
    this.#setState();
  }

  /** A full reconcile as soon as possible ("Sync now", rescans) — also cuts a retry wait short. */
  requestFullSync(): void {
    this.#fullSyncWanted = true;
    this.#retryAt = null;
    this.#schedule();
    this.#setState();
  }

  /** A person confirmed the held deletions: the next full sync carries them out. */
  confirmDeletions(): boolean {
    if (!this.#hold) return false;
    this.#deps.log('info', `Deletions on ${this.key} confirmed (${this.#hold.deletions}); the next full sync carries them out.`);
    this.#confirmed = this.#hold;
    this.#hold = null;
    this.requestFullSync();
    return true;
  }

  /**
   * A person refused them: nothing is deleted, and the target pauses. Resuming counts again (a
   * full sync is owed), so an unchanged source is held again rather than shown as current.
   */
  refuseDeletions(): boolean {
    if (!this.#hold) return false;
    this.#deps.log('warn', `Deletions on ${this.key} refused (${this.#hold.deletions}); nothing was deleted and syncing is paused.`);
    this.#hold = null;
    this.#fullSyncWanted = true;
    this.pause();
    return true;
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

  /** Stops: a running rsync is cancelled (SIGTERM, so it removes its temp file); its paths stay owed. */
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
      const { changes, deletions } = this.#dueTimes(now);
      due = Math.min(changes, deletions);
    } else {
      this.#wakeIdle();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#retryAt = null;
      this.#running = this.#cycle().finally(() => {
        this.#lastCycleEndedAt = Date.now();
        this.#running = null;
        this.#abort = null;
        this.#schedule();
        this.#setState();
        this.#deps.onChange(); // totals, last success and last error changed, whatever the state
      });
    }, Math.max(0, due - now));
  }

  /**
   * When pending changes and pending deletions are due: after `debounceMs` of quiet (deletions:
   * DELETION_QUIET_MS), at the latest `maxDelayMs` after the oldest. Many changes that arrived
   * during a run have waited for it already and go at once, so under a burst runs follow each
   * other back to back instead of idling until the churn pauses. (A few do not: a log file
   * appended every millisecond would otherwise cost the daemon ~50 connections a second.)
   */
  #dueTimes(now: number): { changes: number; deletions: number } {
    const { debounceMs, maxDelayMs } = this.#deps.profile;
    const firstAt = this.#pending.firstAt ?? now;
    const latest = firstAt + maxDelayMs;
    const backToBack = firstAt <= this.#lastCycleEndedAt && this.#pending.size >= BACK_TO_BACK_MIN_PATHS;
    const changes = !this.#pending.hasChanges ? Infinity : backToBack ? now : Math.min(this.#lastEventAt + debounceMs, latest);
    const deletions = !this.#pending.hasDeletions ? Infinity : Math.min(this.#lastEventAt + Math.max(debounceMs, DELETION_QUIET_MS), latest);
    return { changes, deletions };
  }

  #setState(): void {
    const s = this.#status;
    const before = s.state;
    const needsPerson = this.#retryAt !== null && s.lastError !== null && NEEDS_A_PERSON.has(s.lastError.code);
    if (this.#disposed) s.state = 'stopped';
    else if (this.#paused) s.state = 'paused';
    else if (this.#runningKind) s.state = this.#runningKind === 'full' ? 'scanning' : 'syncing';
    else if (needsPerson) s.state = 'error';
    else if (this.#hold) s.state = 'needs-confirmation';
    else if (this.#retryAt !== null && s.lastError) s.state = 'retrying';
    else if (this.#fullSyncWanted) s.state = 'scanning';
    else if (this.#pending.size > 0) s.state = 'syncing';
    else s.state = 'idle';
    s.retry = this.#retryAt !== null && s.lastError ? { attempt: this.#attempt, nextAt: this.#retryAt } : null;
    if (before !== s.state || s.state !== 'idle') this.#deps.onChange();
  }

  async #cycle(): Promise<void> {
    const full = this.#fullSyncWanted;
    this.#fullSyncWanted = false;
    // Deletions not yet due stay behind; a full pass takes everything.
    const withDeletions = full || this.#dueTimes(Date.now()).deletions <= Date.now();
    const taken = withDeletions ? this.#pending.drain() : this.#pending.drainChanges();
    this.#inFlight = taken;
    this.#inFlightFull = full;
    this.#abort = new AbortController();
    this.#runningKind = full ? 'full' : 'batch';
    this.#setState();
    let verdict: Verdict;
    try {
      await assertSourceFolder(this.#deps.profile.source);
      if (full && taken.entries.size > 0 && !this.#hold) {
        // Deletions the watcher saw are someone's intent: send them as a batch first, so the
        // full pass's guard judges only what changed unwatched.
        verdict = await this.#batchPass(taken, true);
        if (verdict.type === 'done') verdict = await this.#fullPass();
      } else verdict = full ? await this.#fullPass() : await this.#batchPass(taken, withDeletions);
    } catch (error) {
      verdict = { type: 'failed', error: toErrorInfo(error) };
    }
    this.#status.progress = null;
    this.#runningKind = null;
    this.#inFlight = null;
    this.#inFlightFull = false;

    if (verdict.type === 'done') {
      this.#succeeded(verdict.kind);
      if (verdict.kind === 'full') await this.#pruneSafetyNet();
      return;
    }
    // Whatever did not complete is owed again.
    this.#pending.restore(taken.entries, taken.firstAt);
    if (full) this.#fullSyncWanted = true;
    if (verdict.type === 'again') {
      // Churn keeps changing files under rsync: wait a little longer each time (at most 2 s);
      // each such batch still moved everything that held still.
      this.#vanishedStreak++;
      this.#retryAt = Date.now() + Math.min(2_000, verdict.delayMs * 2 ** this.#vanishedStreak);
    } else if (verdict.type === 'failed') {
      this.#attempt++;
      this.#status.totals.failures++;
      this.#status.lastError = verdict.error;
      this.#retryAt = Date.now() + backoffDelay(this.#attempt, verdict.error.code, undefined, this.#deps.random);
    }
  }

  /** `withDeletions` false: deletions are not due yet; one found now (a path gone before its event came) waits too. */
  async #batchPass(taken: Taken, withDeletions: boolean): Promise<Verdict> {
    const { profile, caps, excludes } = this.#deps;
    let deletion: DeletionMode = this.#hold ? { mode: 'hold' } : { mode: 'propagate' };
    const plan = await planBatch(taken.entries, { root: profile.source, deletions: profile.deletions && deletion.mode !== 'hold', isExcluded: (p, d) => excludes.isExcluded(p, d) });
    const early = withDeletions ? [] : [...plan.deleted].filter((rel) => !movedAway(taken.entries.get(rel)));
    if (early.length > 0) {
      for (const rel of early) {
        this.#pending.add(rel, 'delete');
        plan.deleted.delete(rel);
      }
      this.#lastEventAt = Date.now();
      plan.paths = plan.paths.filter((p) => !early.includes(p));
      plan.deletions = plan.deleted.size;
    }
    if (plan.deletions > 0 && (await isEmptyFolder(profile.source))) {
      // Everything vanished from the source at once: an unmounted disk looks like this. Send
      // nothing destructive; a full pass counts and asks.
      deletion = { mode: 'hold' };
      this.#fullSyncWanted = true;
    } else if (plan.deletions > 0 && !caps.deleteMissingArgs) {
      return this.#fullPass(); // an rsync before 3.2.3 needs a full pass for deletions
    }
    const paths = deletion.mode === 'hold' ? plan.paths.filter((p) => !plan.deleted.has(p)) : plan.paths;
    if (paths.length === 0) return { type: 'done', kind: null };
    const result = await this.#runOnce('batch', deletion, filesFromInput(paths), plan.files === 0);
    const verdict = this.#judge('batch', paths.length, result, taken.firstAt);
    if (verdict.type === 'done' && this.#fullSyncWanted) return { type: 'done', kind: null };
    return verdict;
  }

  /** A full pass; with deletions on, transfer-and-count first, then delete only what the guard allows. */
  async #fullPass(): Promise<Verdict> {
    const { profile } = this.#deps;
    if (!profile.deletions) return this.#judge('full', 0, await this.#runOnce('full', { mode: 'hold' }), null);
    const confirmed = this.#confirmed;
    if (confirmed) {
      // Bounded by what was confirmed (with a margin for ordinary churn since): if things got
      // much worse, rsync stops deleting and the next pass asks again.
      const max = Math.ceil(confirmed.deletions * 1.1) + 10;
      const result = await this.#runOnce('full', { mode: 'propagate', max });
      const verdict = this.#judge('full', 0, result, null);
      if (verdict.type === 'done') this.#confirmed = null;
      if (parseSkippedDeletions(result.stderr) > 0) this.#fullSyncWanted = true;
      return verdict;
    }
    const counting = await this.#runOnce('full', { mode: 'count' });
    const verdict = this.#judge('full', 0, counting, null, false);
    if (verdict.type !== 'done') return verdict;
    const deletions = parseSkippedDeletions(counting.stderr);
    if (deletions === 0) {
      this.#hold = null;
      this.#record('full', 0, counting, 'ok', null, null);
      return verdict;
    }
    if (!counting.stats && !this.#recounted) {
      // The counts the share is judged by did not arrive whole (rare: see rsync-runner): count
      // again rather than judge without them. A second miss is judged as it is (it holds).
      this.#recounted = true;
      this.#fullSyncWanted = true;
      this.#record('full', 0, counting, 'ok', null, null);
      return { type: 'done', kind: null };
    }
    this.#recounted = false;
    const judgement = judgeDeletions({
      deletions,
      sourceEntries: counting.stats?.files ?? 0,
      created: counting.stats?.created ?? 0,
      sourceEmpty: await isEmptyFolder(profile.source),
      maxDeletePercent: profile.maxDeletePercent,
    });
    if (!judgement.allow) {
      this.#hold = { deletions, backupEntries: judgement.backupEntries, reason: judgement.reason, since: Date.now() };
      this.#record('full', 0, counting, 'held', null, null);
      return { type: 'done', kind: 'full' };
    }
    this.#hold = null;
    this.#record('full', 0, counting, 'ok', null, null);
    const deleting = await this.#runOnce('full', { mode: 'propagate', max: Math.ceil(deletions * 1.5) + 10 });
    if (parseSkippedDeletions(deleting.stderr) > 0) this.#fullSyncWanted = true; // more appeared meanwhile: count again
    return this.#judge('full', 0, deleting, null);
  }

  /** At most twice a day, after a good full sync: drop safety-net folders past their retention. */
  async #pruneSafetyNet(): Promise<void> {
    const { profile, target, caps, secrets } = this.#deps;
    if (profile.keepDeletedDays <= 0 || Date.now() - this.#prunedAt < 12 * 3_600_000) return;
    this.#prunedAt = Date.now();
    try {
      const auth = await resolveAuth(target, secrets);
      const removed = await pruneSafetyNet({ rsyncPath: caps.path, target, auth, keepDays: profile.keepDeletedDays, timeoutSeconds: profile.timeoutSeconds });
      if (removed.length) this.#deps.log('info', `Removed safety-net folders older than ${profile.keepDeletedDays} days from ${this.key}: ${removed.join(', ')}`);
    } catch (error) {
      this.#deps.log('warn', `Could not prune the safety net on ${this.key}: ${(error as Error).message}`);
    }
  }

  /** Classifies one rsync result and records it in the activity log. */
  #judge(kind: RunKind, paths: number, result: RunResult, firstAt: number | null, recordSuccess = true): Verdict {
    if (this.#abort?.signal.aborted || result.isCanceled) {
      this.#record(kind, paths, result, 'canceled', null, null);
      return { type: 'canceled' };
    }
    const outcome = classifyExit(result.exitCode, result.signal).outcome;
    if (outcome === 'ok' || (outcome === 'vanished' && kind === 'full')) {
      // A full pass that met files vanishing mid-copy still mirrored everything else; whatever
      // vanished was deleted or replaced, and the watcher reported that.
      if (recordSuccess) this.#record(kind, paths, result, outcome, null, firstAt);
      return { type: 'done', kind };
    }
    if (outcome === 'vanished') {
      // Files changed under rsync's feet: not a failure. Their paths go round again after a
      // short growing pause; with --delete-missing-args a file really gone is then deleted.
      this.#record(kind, paths, result, 'vanished', null, null);
      return { type: 'again', delayMs: 50 };
    }
    const error: ErrorInfo = result.timedOut
      ? { code: 'TIMEOUT', message: `rsync to ${this.key} moved no data for ${batchIdleTimeoutMs(this.#deps.profile) / 1000} s and was stopped.`, hint: 'Check the network and the daemon; it is retried automatically.' }
      : diagnose(result.stderr, result.exitCode, this.#context()) ?? {
      code: 'RSYNC_FAILED' as const,
      message: `rsync failed (exit ${result.exitCode ?? result.signal}).`,
      hint: 'See the log for rsync’s own message.',
    };
    this.#record(kind, paths, result, outcome === 'fatal' ? 'fatal' : 'retry', error, null);
    return { type: 'failed', error };
  }

  async #runOnce(kind: RunKind, deletion: DeletionMode, input?: Buffer, onlyNewTrees = false): Promise<RunResult> {
    const { profile, target, caps, excludes, secrets } = this.#deps;
    const auth = await resolveAuth(target, secrets);
    const args = buildRsyncArgs({ profile, target, caps, excludes, kind, deletion, extra: auth.args, onlyNewTrees });
    this.#runningKind = kind;
    this.#setState();
    let lastEmit = 0;
    return (this.#deps.run ?? runRsync)({
      rsyncPath: caps.path,
      args,
      env: auth.env,
      input,
      signal: this.#abort!.signal,
      secrets: auth.secrets,
      idleTimeoutMs: kind === 'batch' ? batchIdleTimeoutMs(profile) : undefined,
      progressFrom: progressFrom(kind),
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
    if (this.#pending.size === 0 && !this.#fullSyncWanted && !this.#hold) this.#status.lastSuccessAt = now;
    if (kind === 'full') this.#status.lastFullSyncAt = now;
  }

  #runRecord(kind: RunKind, paths: number, result: RunResult, outcome: RunRecord['outcome'], error: ErrorInfo | null, firstAt: number | null): RunRecord {
    return {
      profile: this.#deps.profile.name,
      target: this.key,
      kind,
      startedAt: Date.now() - Math.round(result.durationMs),
      durationMs: Math.round(result.durationMs),
      paths,
      files: result.stats?.regularFilesTransferred ?? 0,
      bytes: result.stats?.transferredFileSize ?? 0,
      latencyMs: firstAt === null ? null : Date.now() - firstAt,
      outcome,
      error,
    };
  }

  #record(kind: RunKind, paths: number, result: RunResult, outcome: RunRecord['outcome'], error: ErrorInfo | null, firstAt: number | null): void {
    const record = this.#runRecord(kind, paths, result, outcome, error, firstAt);
    const t = this.#status.totals;
    t.runs++;
    t.files += record.files;
    t.bytes += record.bytes;
    this.#deps.onRun(record);
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
    throw new RsyncTrayError('SOURCE_MISSING', `The source folder ${source} is missing or not a folder; nothing was sent and nothing on the backup was changed.`, 'Mount or restore the folder, or fix the path in the profile. A running engine (the tray, `rsync-tray run`) tries again by itself; a one-shot `rsync-tray sync` does not.');
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
