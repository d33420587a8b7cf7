/**
 * One profile × one target: executes what scheduler.ts decides. Changes come in (notify), rsync
 * runs go out (batch-pass.ts, full-pass.ts, through rsync-executor.ts), the status says what is
 * owed. One rsync at a time per target; a run that does not complete puts its paths back, so
 * nothing is dropped. A full sync absorbs whatever was pending before it. Failures back off
 * (retry-policy) per target: one failing target holds back no other.
 */
import type { TargetStatus } from '../../shared/status.ts';
import { RsyncExecutor, type ExecutorDeps } from './rsync-executor.ts';
import { isEmptyFolder } from './deletion-guard.ts';
import { batchPass, MoveTargets } from './batch-pass.ts';
import { batchIO, targetParts, type TargetParts } from './batch-io.ts';
import { paceGrowth } from './growth-batch.ts';
import { toErrorInfo, type ErrorInfo } from '../../shared/errors.ts';
import { assertSourceFolder } from './source-folder.ts';
import type { TargetJournal } from './journal.ts';
import { PendingPaths, type ChangeKind } from './pending-paths.ts';
import { targetKey } from '../../shared/profile-schema.ts';
import type { DeletionMode, RunKind } from '../rsync/rsync-args.ts';
import type { RunResult } from '../rsync/rsync-runner.ts';
import { backoffDelay, NEEDS_A_PERSON } from './retry-policy.ts';
import { systemClock, type Clock, type TimerHandle } from './clock.ts';
import { IdleSignal } from './idle-signal.ts';
import { fullPass, type Verdict } from './full-pass.ts';
import { HeldDeletions } from './held-deletions.ts';
import * as scheduler from './scheduler.ts';
import { Reachability, type ReachabilityPolicy } from './reachability.ts';

export interface TargetSyncDeps
  extends Pick<ExecutorDeps, 'profile' | 'target' | 'caps' | 'excludes' | 'secrets' | 'run' | 'onRun'> {
  /** Something in the status (or the journal state) changed. */
  onChange(): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  random?: () => number;
  clock?: Clock;
  /** Checks the source before each run (tests replace it to script a missing source). */
  assertSource?: (source: string) => Promise<void>;
  /** Asks whether the daemon is there (reachability.ts); tests script it. */
  probe?: () => Promise<ErrorInfo | null>;
  reachability?: Partial<ReachabilityPolicy>;
}

type Taken = ReturnType<PendingPaths['drain']>;

export class TargetSync {
  readonly key: string;
  readonly #deps: TargetSyncDeps;
  readonly #clock: Clock;
  readonly #policy: scheduler.SchedulePolicy;
  readonly #pending = new PendingPaths();
  readonly #moves = new MoveTargets(); // where watched renames went: the activity names the moves
  #lastEventAt = 0;
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
  #timer: TimerHandle | null = null;
  #retryAt: number | null = null;
  #attempt = 0;
  /** Consecutive batches that met vanishing files (exit 24). */
  #vanishedStreak = 0;
  /** The deletion budget, the hold and its names (the full pass's memory is there too). */
  readonly #deletions: HeldDeletions;
  readonly #executor: RsyncExecutor;
  readonly #parts: TargetParts; // what batches are made of (batch-io.ts); a growing log is paced
  #status: TargetStatus;
  readonly #idle = new IdleSignal();
  readonly #reach: Reachability;

  constructor(deps: TargetSyncDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
    this.#policy = scheduler.schedulePolicy(deps.profile);
    this.key = targetKey(deps.target);
    this.#deletions = new HeldDeletions(this.#clock, deps.profile, deps);
    const [changed, back] = [() => this.#setState(), () => this.retryNow()];
    this.#reach = Reachability.of(deps, this.#clock, changed, back);
    this.#executor = new RsyncExecutor({
      ...deps,
      key: this.key,
      clock: this.#clock,
      vanishedBaseMs: this.#policy.vanishedBaseMs,
      onProgress: (progress) => {
        if (progress.bytes > (this.#status.progress?.bytes ?? 0)) this.#reach.heard(); // bytes moved: it answers
        this.#status.progress = progress;
        this.#deps.onChange();
      },
    });
    this.#status = scheduler.initialStatus(this.key, this.#executor.totals);
    this.#parts = targetParts(deps, this.#clock, this.#executor, this.#deletions, this.#pending, this.#moves);
  }

  get status(): TargetStatus {
    const s = { ...this.#status, hold: this.#deletions.hold, totals: { ...this.#status.totals } };
    const inFlight = this.#inFlight?.entries.size ?? 0; // shown done as rsync goes through them
    return this.#reach.shown(this.#executor.meter.shown(s, this.#pending.size, inFlight, this.#clock.now()));
  }

  /** What must survive a crash: everything not yet confirmed on the backup. */
  journal(): TargetJournal {
    const paths = this.#pending.entries();
    if (this.#inFlight) paths.push(...this.#inFlight.entries);
    return { paths, fullSyncWanted: this.#fullSyncWanted || this.#inFlightFull, hold: this.#deletions.hold };
  }

  /** Replays a journal written by an earlier run (before start()). */
  restore(journal: TargetJournal): void {
    this.#pending.restore(new Map(journal.paths), this.#clock.now());
    this.#deletions.restore(journal.hold);
  }

  /** Watcher events for this target. */
  notify(events: ReadonlyArray<{ path: string; kind: ChangeKind; movedFrom?: string }>): void {
    const now = this.#clock.now();
    for (const e of events) {
      this.#pending.add(e.path, e.kind, now);
      if (e.movedFrom !== undefined) this.#pending.markMoved(this.#moves.remember(e.movedFrom, e.path));
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

  /** A person asked for a full reconcile ("Sync now"): it also cuts a retry wait short. */
  requestFullSync(): void {
    this.#retryAt = null;
    this.requestRescan();
  }

  /**
   * The engine wants a full reconcile (watcher trouble, a periodic sync, a burst that may have overflowed): owed,
   * but a backoff in progress is waited out — a source that stays missing must not turn its retry into a loop.
   */
  requestRescan(): void {
    this.#fullSyncWanted = true;
    this.#schedule();
    this.#setState();
  }

  /** Something a failure depended on changed (a password was stored): retry now, not after the backoff. */
  retryNow(): void {
    if (this.#retryAt === null) return;
    this.#retryAt = null;
    this.#schedule();
    this.#setState();
  }

  /** The names a held deletion would remove: a page of them, or a review with sizes and folder totals. */
  heldNames(): Pick<HeldDeletions, 'names' | 'review'> {
    return this.#deletions;
  }

  /** A person confirmed the held deletions: the next full sync carries them out. */
  confirmDeletions(): boolean {
    if (!this.#deletions.confirm(this.key, this.#deps.log)) return false;
    this.requestFullSync();
    return true;
  }

  /**
   * A person refused them: nothing is deleted, and the target pauses. Resuming counts again (a
   * full sync is owed), so an unchanged source is held again rather than shown as current.
   */
  refuseDeletions(): boolean {
    if (!this.#deletions.refuse(this.key, this.#deps.log)) return false;
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
    if (!this.#paused) return;
    this.#paused = false;
    this.#retryAt = null;
    this.#schedule();
    this.#setState();
  }

  /** Resolves when nothing is pending or running (tests, "sync once" in the CLI). */
  whenIdle(): Promise<void> {
    return this.#idle.wait(this.#isIdle());
  }

  /** Stops: a running rsync is cancelled (SIGTERM, so it removes its temp file); its paths stay owed. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    this.#reach.dispose();
    this.#clearTimer();
    this.#abort?.abort();
    await this.#running;
    this.#status.state = 'stopped';
    this.#idle.wake();
  }

  #isIdle(): boolean {
    return !this.#running && !this.#fullSyncWanted && this.#pending.size === 0;
  }

  #clearTimer(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #scheduleState(): scheduler.ScheduleState {
    const p = this.#pending;
    return {
      started: this.#started,
      paused: this.#paused,
      disposed: this.#disposed,
      running: this.#running !== null,
      retryAt: this.#retryAt,
      fullSyncWanted: this.#fullSyncWanted,
      pending: { size: p.size, firstAt: p.firstAt ?? null, hasChanges: p.hasChanges, hasDeletions: p.hasDeletions },
      lastEventAt: this.#lastEventAt,
      lastCycleEndedAt: this.#lastCycleEndedAt,
    };
  }

  /** Sets the timer for the next run, as the scheduler says. Called after every change of circumstances. */
  #schedule(): void {
    if (this.#running) return;
    this.#clearTimer();
    const now = this.#clock.now();
    const at = scheduler.nextRunAt(this.#scheduleState(), now, this.#policy);
    const due = this.#fullSyncWanted ? at : paceGrowth(at, this.#pending, this.#parts.growth, this.#lastCycleEndedAt);
    if (due === null) {
      if (this.#isIdle()) this.#idle.wake();
      return;
    }
    this.#timer = this.#clock.setTimeout(
      () => {
        this.#timer = null;
        this.#retryAt = null;
        this.#running = this.#cycle().finally(() => {
          this.#lastCycleEndedAt = this.#clock.now();
          this.#running = null;
          this.#abort = null;
          this.#schedule();
          this.#setState();
          this.#deps.onChange(); // totals, last success and last error changed, whatever the state
        });
      },
      Math.max(0, due - now),
    );
  }

  #setState(): void {
    const s = this.#status;
    const before = s.state;
    const waiting = this.#retryAt !== null && s.lastError !== null;
    s.state = scheduler.targetState({
      disposed: this.#disposed,
      paused: this.#paused,
      running: this.#runningKind,
      needsPerson: waiting && NEEDS_A_PERSON.has(s.lastError!.code),
      held: this.#deletions.hold !== null,
      retrying: waiting,
      unreachable: this.#reach.down,
      fullSyncWanted: this.#fullSyncWanted,
      pending: this.#pending.size,
    });
    s.retry = waiting ? { attempt: this.#attempt, nextAt: this.#retryAt! } : null;
    this.#reach.follow(s.state, waiting ? s.lastError : null);
    if (before !== s.state || s.state !== 'idle') this.#deps.onChange();
  }

  async #cycle(): Promise<void> {
    const full = this.#fullSyncWanted;
    this.#fullSyncWanted = false;
    // Deletions not yet due stay behind; a full pass takes everything.
    const withDeletions = full || scheduler.deletionsDue(this.#scheduleState(), this.#clock.now(), this.#policy);
    const taken = withDeletions ? this.#pending.drain() : this.#pending.drainChanges();
    this.#inFlight = taken;
    this.#inFlightFull = full;
    this.#abort = new AbortController();
    this.#runningKind = full ? 'full' : 'batch';
    this.#setState();
    let verdict: Verdict;
    try {
      await (this.#deps.assertSource ?? assertSourceFolder)(this.#deps.profile.source);
      if (full && taken.entries.size > 0 && !this.#deletions.hold) {
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

    this.#reach.ran(verdict.type === 'failed' ? verdict.error : verdict.type === 'done' ? null : undefined);
    if (verdict.type === 'done') {
      this.#succeeded(verdict.kind);
      if (verdict.kind === 'full')
        await this.#executor.pruneSafetyNet((level, message) => this.#deps.log(level, message));
      return;
    }
    // Whatever did not complete is owed again.
    this.#pending.restore(taken.entries, taken.firstAt);
    if (full) this.#fullSyncWanted = true;
    const now = this.#clock.now();
    if (verdict.type === 'again') {
      // Churn keeps changing files under rsync: wait a little longer each time; each such batch
      // still moved everything that held still.
      this.#vanishedStreak++;
      this.#retryAt = now + scheduler.vanishedDelay(this.#vanishedStreak, this.#policy);
    } else if (verdict.type === 'failed') {
      this.#attempt++;
      this.#status.totals.failures++;
      this.#status.lastError = verdict.error;
      this.#retryAt = now + backoffDelay(this.#attempt, verdict.error.code, undefined, this.#deps.random);
    }
  }

  async #batchPass(taken: Taken, withDeletions: boolean): Promise<Verdict> {
    const io = batchIO({
      ...this.#parts,
      firstAt: taken.firstAt,
      signal: this.#abort!.signal,
      run: (deletion, input, onlyNewTrees) => this.#run('batch', deletion, input, onlyNewTrees),
      fullPass: () => this.#fullPass(),
    });
    const { verdict, notDue, fullPassWanted } = await batchPass(taken.entries, withDeletions, io);
    if (notDue.length > 0) {
      const now = this.#clock.now();
      for (const rel of notDue) this.#pending.add(rel, 'delete', now);
      this.#lastEventAt = now;
    }
    if (fullPassWanted) this.#fullSyncWanted = true;
    return verdict;
  }

  async #fullPass(): Promise<Verdict> {
    const { profile } = this.#deps;
    const { verdict, again } = await fullPass(this.#deletions.memory, {
      deletions: profile.deletions,
      ...this.#deletions.io,
      list: async () => {
        const listing = await this.#run('full', { mode: 'list' });
        return this.#executor.judge('full', 0, listing, null, this.#aborted, false).type === 'done'
          ? (listing.deletions ?? null)
          : null;
      },
      run: (deletion) => this.#run('full', deletion),
      judge: (result, recordSuccess) => this.#executor.judge('full', 0, result, null, this.#aborted, recordSuccess),
      record: (result, outcome) => this.#executor.record('full', 0, result, outcome, null, null),
      sourceEmpty: () => isEmptyFolder(profile.source),
    });
    if (again) this.#fullSyncWanted = true;
    return verdict;
  }

  get #aborted(): boolean {
    return this.#abort?.signal.aborted ?? false;
  }
  async #run(kind: RunKind, deletion: DeletionMode, input?: Buffer, onlyNewTrees = false): Promise<RunResult> {
    this.#runningKind = kind;
    this.#setState();
    const result = await this.#executor.run(kind, deletion, this.#abort!.signal, input, onlyNewTrees);
    this.#deletions.ran(kind, result, deletion.mode === 'list');
    return result;
  }

  #succeeded(kind: RunKind | null): void {
    const now = this.#clock.now();
    this.#attempt = 0;
    this.#vanishedStreak = 0;
    this.#retryAt = null;
    this.#status.lastError = null;
    if (this.#pending.size === 0 && !this.#fullSyncWanted && !this.#deletions.hold) this.#status.lastSuccessAt = now;
    if (kind === 'full') this.#status.lastFullSyncAt = now;
  }
}
