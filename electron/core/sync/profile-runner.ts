/**
 * One profile: a watcher on its source folder fanned out to one TargetSync per target, plus the
 * profile-level duties — the initial and periodic full syncs, and turning watcher trouble into
 * rescans (events may be lost; changes never are).
 */
import { readFileSync } from 'node:fs';
import {
  summarizeProfile,
  type EngineEventBody,
  type HeldNames,
  type ProfileStatus,
  type WatchMode,
} from '../../shared/status.ts';
import type { SecretStore } from '../rsync/auth.ts';
import type { ExcludeMatcher } from '../../shared/exclude-rules.ts';
import { journalPath, journalWriter, readJournal, type JournalFile } from './journal.ts';
import { profileExcludes } from '../rsync/rsync-args.ts';
import type { Profile } from '../../shared/profile-schema.ts';
import type { RsyncCapabilities } from '../rsync/rsync-probe.ts';
import type { runRsync } from '../rsync/rsync-runner.ts';
import type { Clock } from './clock.ts';
import { TargetSync } from './target-sync.ts';
import { troubleFromError, WATCHERS } from '../watch/watcher-backends.ts';
import type { TreeWatcher, WatchTrouble, WatcherFactory } from '../watch/tree-watcher.ts';
import { DEFAULT_TIMINGS, TROUBLE_POLICY, type RecoveryTimings } from './recovery-policy.ts';
import { folderIdentity } from './source-folder.ts';
import type { ReachabilityPolicy } from './reachability.ts';

export { DEFAULT_TIMINGS, type RecoveryTimings };

export interface ProfileRunnerDeps {
  profile: Profile;
  caps: RsyncCapabilities;
  secrets?: SecretStore;
  watcherFactory?: WatcherFactory;
  emit(body: EngineEventBody): void;
  run?: typeof runRsync;
  /** Where the pending-work journal lives; no journal without it. */
  stateDir?: string;
  timings?: Partial<RecoveryTimings>;
  reachability?: Partial<ReachabilityPolicy>;
  /** Passed on to each target (fake time in tests). */
  clock?: Clock;
}

/** fs.inotify.max_queued_events (Linux), or its usual default elsewhere. */
function queuedEventsLimit(): number {
  try {
    return Number(readFileSync('/proc/sys/fs/inotify/max_queued_events', 'utf8')) || 16_384;
  } catch {
    return 16_384;
  }
}

/** How often a status that only counts progress is emitted (see #queueStatus). */
const STATUS_INTERVAL_MS = 100;

/** What a person reads at a glance; when it changes, the status goes out at once. */
function headline(s: ProfileStatus): string {
  return JSON.stringify([
    s.state,
    s.watch,
    s.lastError?.code,
    s.targets.map((t) => [t.state, t.lastError?.code, t.hold?.deletions, t.retry?.attempt, t.lastSuccessAt]),
  ]);
}

export class ProfileRunner {
  readonly profile: Profile;
  readonly targets: TargetSync[];
  readonly #deps: ProfileRunnerDeps;
  readonly #excludes: ExcludeMatcher;
  #watcher: TreeWatcher | null = null;
  #watch: ProfileStatus['watch'] = { mode: 'starting', note: null };
  #timers = new Set<NodeJS.Timeout>();
  #rescanTimer: NodeJS.Timeout | null = null;
  /** What the watched source folder is (folderIdentity), to see it replaced or unmounted. */
  #identity: string | null = null;
  #emitQueued = false;
  #emitted: { headline: string; at: number; timer: NodeJS.Timeout | undefined } = {
    headline: '',
    at: 0,
    timer: undefined,
  };
  #disposed = false;
  #burst = {
    count: 0,
    largest: 0,
    timer: undefined as NodeJS.Timeout | undefined,
    threshold: Math.floor(queuedEventsLimit() / 2),
  };
  readonly #journal: ReturnType<typeof journalWriter> | null;
  readonly #journalFile: string | null;

  constructor(deps: ProfileRunnerDeps) {
    this.#deps = deps;
    this.profile = deps.profile;
    this.#excludes = profileExcludes(deps.profile);
    this.#journalFile = deps.stateDir ? journalPath(deps.stateDir, deps.profile.name) : null;
    const log = (level: 'info' | 'warn', message: string) =>
      deps.emit({ type: 'log', level, message, profile: deps.profile.name });
    this.#journal = this.#journalFile
      ? journalWriter(this.#journalFile, {
          onError: (e) =>
            log(
              'warn',
              `Could not write the pending-work journal ${this.#journalFile}: ${e.message}. Syncing goes on; ` +
                `after a crash, a full sync would catch up.`,
            ),
        })
      : null;
    this.targets = deps.profile.targets.map(
      (target) =>
        new TargetSync({
          profile: deps.profile,
          target,
          caps: deps.caps,
          excludes: this.#excludes,
          secrets: deps.secrets,
          run: deps.run,
          clock: deps.clock,
          reachability: deps.reachability,
          onChange: () => {
            this.#queueStatus();
            this.#journal?.schedule(() => this.#journalState());
          },
          onRun: (run) => deps.emit({ type: 'run', run }),
          log: (level, message) => deps.emit({ type: 'log', level, message, profile: deps.profile.name }),
        }),
    );
  }

  #journalState(): JournalFile {
    return {
      version: 1,
      profile: this.profile.name,
      targets: Object.fromEntries(this.targets.map((t) => [t.key, t.journal()])),
    };
  }

  get status(): ProfileStatus {
    return summarizeProfile(
      this.profile.name,
      this.targets.map((t) => t.status),
      { ...this.#watch },
    );
  }

  /** Watch first, then the initial full sync: a change made during the full sync is then seen. */
  async start(): Promise<void> {
    // Replay what an earlier run saw but could not confirm (a crash, a SIGKILL, a power cut).
    const { journal, problem } = this.#journalFile
      ? await readJournal(this.#journalFile)
      : { journal: null, problem: null };
    if (problem) this.#deps.emit({ type: 'log', level: 'warn', message: problem, profile: this.profile.name });
    for (const t of this.targets) {
      const saved = journal?.targets[t.key];
      if (saved) t.restore(saved);
    }
    await this.#startWatching();
    for (const t of this.targets) t.start();
    const minutes = this.profile.fullSyncIntervalMinutes;
    if (minutes > 0) this.#every(minutes * 60_000, () => this.#rescan());
    this.#every({ ...DEFAULT_TIMINGS, ...this.#deps.timings }.sourceCheckEveryMs, () => this.#checkSource());
  }

  /**
   * A watch follows the folder it was set on: a source unmounted (a bind mount's umount raises
   * no event at all) or replaced by another folder at the same path goes unseen by it. Then the
   * source is watched again and counted before anything is deleted.
   */
  async #checkSource(): Promise<void> {
    if (!this.#watcher || this.#identity === null) return;
    if ((await folderIdentity(this.profile.source)) === this.#identity) return;
    this.#identity = null;
    await this.#onTrouble({
      reason: 'root-gone',
      message:
        `The source folder ${this.profile.source} is not the folder being watched any more (unmounted, or ` +
        'replaced by another): it is watched again and counted before anything on the backup is deleted.',
    });
  }

  /** A person asked: a full sync now, cutting any retry wait short. */
  syncNow(): void {
    for (const t of this.targets) t.requestFullSync();
  }

  /** The engine's own full reconcile (periodic, watcher trouble): a backoff in progress is waited out. */
  #rescan(): void {
    for (const t of this.targets) t.requestRescan();
  }

  /** Something a failing target depended on changed (its password): retry it now. */
  retryNow(targetKey?: string): void {
    for (const t of this.targets) if (targetKey === undefined || t.key === targetKey) t.retryNow();
  }

  pause(): void {
    for (const t of this.targets) t.pause();
  }

  resume(): void {
    for (const t of this.targets) t.resume();
  }

  /** Carries out held mass deletions; false when none was held. */
  heldNames(offset: number, limit: number): HeldNames[] {
    return this.targets
      .filter((t) => t.status.hold)
      .map((t) => ({ target: t.key, offset, ...t.heldNames().names(offset, limit) }));
  }

  confirmDeletions(): boolean {
    return this.targets.map((t) => t.confirmDeletions()).some(Boolean);
  }

  /** Drops held mass deletions and pauses the profile; false when none was held. */
  refuseDeletions(): boolean {
    const any = this.targets.map((t) => t.refuseDeletions()).some(Boolean);
    if (any) this.pause();
    return any;
  }

  async whenIdle(): Promise<void> {
    await Promise.all(this.targets.map((t) => t.whenIdle()));
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    clearTimeout(this.#burst.timer);
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#stopRescans();
    await this.#watcher?.dispose();
    this.#watcher = null;
    this.#watch = { mode: 'stopped', note: null };
    await Promise.all(this.targets.map((t) => t.dispose()));
    // After the targets stopped: interrupted batches are back in pending, so they are written.
    this.#journal?.schedule(() => this.#journalState());
    await this.#journal?.flush();
    this.#emitStatus();
  }

  async #startWatching(): Promise<boolean> {
    const factory = this.#deps.watcherFactory ?? WATCHERS[this.profile.watch];
    try {
      this.#identity = await folderIdentity(this.profile.source);
      this.#watcher = await factory(
        {
          root: this.profile.source,
          isExcluded: (rel, isDir) => this.#excluded(rel, isDir),
          pollIntervalMs: this.profile.pollIntervalSeconds * 1_000,
        },
        {
          onEvents: (events) => {
            for (const t of this.targets) t.notify(events);
            this.#countBurst(events.length);
          },
          onTrouble: (trouble) => void this.#onTrouble(trouble),
        },
      );
      this.#stopRescans();
      this.#setWatch(this.profile.watch === 'poll' ? 'polling' : 'watching', null);
      return true;
    } catch (error) {
      await this.#onTrouble(troubleFromError(error as Error));
      return false;
    }
  }

  /**
   * libuv (under fs.watch) drops the kernel's IN_Q_OVERFLOW silently, so an overflow must be
   * inferred. The watcher hands over what it read in one turn of the event loop, and the kernel
   * queue is drained in one go per turn: only a hand-over near the queue's size can follow an
   * overflow. After a burst with such a hand-over settles, one rescan makes sure nothing was lost.
   * (A long burst read as it happens — 10,000 files written by one program — never fills the
   * queue, and needs no rescan.)
   */
  #countBurst(n: number): void {
    this.#burst.count += n;
    this.#burst.largest = Math.max(this.#burst.largest, n);
    clearTimeout(this.#burst.timer);
    this.#burst.timer = setTimeout(() => {
      // Per hand-over only where the watcher hands over what one read of the inotify queue
      // brought (Linux, native); other watchers hand over event by event: there, the whole burst.
      const perRead = process.platform === 'linux' && this.profile.watch === 'native';
      const measure = perRead ? this.#burst.largest : this.#burst.count;
      if (measure >= this.#burst.threshold && !this.#disposed) {
        this.#deps.emit({
          type: 'log',
          level: 'info',
          message:
            `A burst of ${this.#burst.count} changes may have overflowed the kernel's event queue ` +
            `(${this.#burst.largest} were waiting at once); rescanning to be sure.`,
          profile: this.profile.name,
        });
        this.#rescan();
      }
      this.#burst.count = 0;
      this.#burst.largest = 0;
    }, 1_000);
  }

  #excluded(rel: string, isDir: boolean | undefined): boolean {
    // Unknown type: exclude only when both readings agree; rsync has the final word anyway,
    // since it gets the same rules.
    if (isDir === undefined) return this.#excludes.isExcluded(rel, false) && this.#excludes.isExcluded(rel, true);
    return this.#excludes.isExcluded(rel, isDir);
  }

  async #onTrouble(trouble: WatchTrouble): Promise<void> {
    if (this.#disposed) return;
    const policy = TROUBLE_POLICY[trouble.reason];
    const timings = { ...DEFAULT_TIMINGS, ...this.#deps.timings };
    // Said once per incident, not on every retry.
    if (this.#watch.note !== trouble.message)
      this.#deps.emit({ type: 'log', level: 'warn', message: trouble.message, profile: this.profile.name });
    this.#rescan();
    if (policy.rewatch === null) return;
    await this.#watcher?.dispose().catch(() => undefined);
    this.#watcher = null;
    this.#setWatch(policy.mode, trouble.message);
    if (policy.rescan && !this.#rescanTimer) {
      this.#rescanTimer = setInterval(() => this.#rescan(), timings.rescanEveryMs);
    }
    this.#after(timings[policy.rewatch], async () => {
      if (await this.#startWatching()) {
        // The folder is back (or watchable again): catch up on what happened unwatched, and
        // retry a target that failed for want of it now rather than after its backoff.
        this.#rescan();
        this.retryNow();
      }
    });
  }

  #stopRescans(): void {
    if (this.#rescanTimer) clearInterval(this.#rescanTimer);
    this.#rescanTimer = null;
  }

  #setWatch(mode: WatchMode, note: string | null): void {
    this.#watch = { mode, note };
    this.#queueStatus();
  }

  #after(ms: number, fn: () => unknown): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#disposed) void fn();
    }, ms);
    this.#timers.add(timer);
  }

  #every(ms: number, fn: () => void): void {
    this.#after(ms, () => {
      fn();
      this.#every(ms, fn);
    });
  }

  /**
   * Status events are coalesced: one per turn of the event loop at most, and while only counts
   * and progress move (a burst changes the pending count on every turn), one per
   * STATUS_INTERVAL_MS. A change of state, error, hold or watch mode goes out at once.
   */
  #queueStatus(): void {
    if (this.#emitQueued) return;
    this.#emitQueued = true;
    setImmediate(() => {
      this.#emitQueued = false;
      if (this.#disposed) return;
      const status = this.status;
      const wait =
        headline(status) === this.#emitted.headline ? this.#emitted.at + STATUS_INTERVAL_MS - performance.now() : 0;
      if (wait <= 0) this.#emitStatus(status);
      else
        this.#emitted.timer ??= setTimeout(() => {
          this.#emitted.timer = undefined;
          this.#queueStatus();
        }, wait);
    });
  }

  #emitStatus(status = this.status): void {
    clearTimeout(this.#emitted.timer);
    this.#emitted = { headline: headline(status), at: performance.now(), timer: undefined };
    this.#deps.emit({ type: 'status', status });
  }
}
