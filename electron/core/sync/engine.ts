/**
 * The composition root of the sync engine: probes rsync once, runs one ProfileRunner per enabled
 * profile, and turns everything they report into numbered events. Hosts (the tray app, the CLI,
 * tests) get a handle and call dispose() when done. Never imports Electron.
 */
import {
  worstState,
  type EngineEvent,
  type EngineEventBody,
  type HeldNames,
  type HeldReview,
  type ProfileStatus,
} from '../../shared/status.ts';
import type { HeldPage } from './held-review.ts';
import type { SecretStore } from '../rsync/auth.ts';
import { RsyncTrayError, toErrorInfo, type ErrorInfo } from '../../shared/errors.ts';
import { ProfileRunner, type RecoveryTimings } from './profile-runner.ts';
import type { Config } from '../../shared/profile-schema.ts';
import { probeRsync, type RsyncCapabilities } from '../rsync/rsync-probe.ts';
import type { runRsync } from '../rsync/rsync-runner.ts';
import type { WatcherFactory } from '../watch/tree-watcher.ts';
import { systemClock, type Clock } from './clock.ts';
import type { ReachabilityPolicy } from './reachability.ts';
import { ControlState, pauseDeadlines } from './control-state.ts';
import { type ConditionSource, conditionPause } from './pause-conditions.ts';
import { TransientHolds, type Hold, type HoldOptions } from './transient-holds.ts';

export interface EngineOptions {
  config: Config;
  secrets?: SecretStore;
  /** Overrides the per-profile watcher choice (tests inject faults through it). */
  watcherFactory?: WatcherFactory;
  probe?: (rsyncPath: string) => Promise<RsyncCapabilities>;
  run?: typeof runRsync;
  /** Where pending-work journals are kept (one file per profile). */
  stateDir?: string;
  /** Recovery timings after watcher trouble (tests shorten them). */
  timings?: Partial<RecoveryTimings>;
  /** How often each target's daemon is asked whether it is there (tests shorten it). */
  reachability?: Partial<ReachabilityPolicy>;
  /**
   * Pauses a person set. A host that restarts the engine (a new rsync path) passes the same one
   * in, so nothing resumes by itself; without it, one is loaded from stateDir.
   */
  control?: ControlState;
  clock?: Clock;
  /**
   * The machine's conditions (battery, metered network): a profile whose pauseOnBattery or
   * pauseOnMetered is on is paused while its condition holds, and resumes when it ends.
   */
  conditions?: ConditionSource;
  /**
   * Receives every event from the very start: what the engine says while it starts (an unusable
   * rsync, the profiles that cannot run because of it) comes before a subscribe() could.
   */
  onEvent?: EngineListener;
}

export type EngineListener = (event: EngineEvent) => void;

export interface Engine {
  readonly caps: RsyncCapabilities | null;
  status(): ProfileStatus[];
  /** Full reconcile now, for one profile or all. */
  syncNow(profile?: string): void;
  /** Pauses one profile or all, until resumed or for `minutes`. */
  pause(profile?: string, minutes?: number): void;
  resume(profile?: string): void;
  /**
   * Pauses one profile for an operation of the host's (a restore into its source): not saved,
   * leased, and said as its reason ("paused: restoring"); see transient-holds.ts.
   */
  hold(profile: string, options: HoldOptions): Hold;
  /** Something failing targets depended on changed (a stored password): retry them now. */
  retryNow(targetKey?: string): void;
  /** Carries out a held mass deletion of a profile (see deletion-guard.ts). */
  confirmDeletions(profile: string): void;
  /** Drops a held mass deletion; the profile pauses until resumed. */
  refuseDeletions(profile: string): void;
  /** A page of the names each target's held deletion would remove. */
  heldNames(profile: string, offset: number, limit: number): HeldNames[];
  /** Each held target's review: names matching a search under a folder, with sizes and folder totals. */
  heldReview(profile: string, page: HeldPage): Promise<HeldReview[]>;
  /** Resolves when the named profile (or all) has nothing pending or running. */
  whenIdle(profile?: string): Promise<void>;
  subscribe(listener: EngineListener): () => void;
  /**
   * Applies a new config: profiles whose definition changed (or that were removed) stop, new or
   * changed ones start; untouched profiles keep running without a new full sync.
   */
  update(config: Config): Promise<void>;
  dispose(): Promise<void>;
}

/** Status of a profile that is not running (disabled, or rsync unusable). */
function restingStatus(name: string, state: ProfileStatus['state'], error: ErrorInfo | null): ProfileStatus {
  return {
    name,
    state,
    pending: 0,
    lastSuccessAt: null,
    lastError: error,
    watch: { mode: 'stopped', note: null },
    targets: [],
  };
}

export async function startEngine(options: EngineOptions): Promise<Engine> {
  const listeners = new Set<EngineListener>(options.onEvent ? [options.onEvent] : []);
  let seq = 0;
  const emit = (body: EngineEventBody): void => {
    const shown = body.type === 'status' ? { ...body, status: withPause(body.status) } : body;
    const event = { ...shown, seq: ++seq, at: Date.now() } as EngineEvent;
    for (const l of listeners) l(event);
  };

  let caps: RsyncCapabilities | null = null;
  let probeError: ErrorInfo | null = null;
  try {
    caps = await (options.probe ?? probeRsync)(options.config.settings.rsyncPath);
  } catch (error) {
    probeError = toErrorInfo(error);
  }

  const clock = options.clock ?? systemClock;
  const control =
    options.control ??
    (await ControlState.load(options.stateDir ? ControlState.fileIn(options.stateDir) : null, (message) =>
      emit({ type: 'log', level: 'warn', message }),
    ));
  /** The machine's condition that pauses this profile now (on battery, metered), or null. */
  const conditionOf = (name: string) => {
    const profile = config.profiles.find((p) => p.name === name);
    return profile && options.conditions ? conditionPause(profile, options.conditions.current()) : null;
  };
  const holds = new TransientHolds(
    clock,
    () => {
      applyControl();
      // A profile paused already (by a person) gains or loses the hold's reason: say it.
      for (const r of runners.values()) if (r.status.state === 'paused') emit({ type: 'status', status: r.status });
    },
    (profile, reason) =>
      emit({
        type: 'log',
        level: 'warn',
        profile,
        message: `Profile "${profile}" was paused while ${reason}, and that stopped answering without ending; syncing resumed by itself. Check the restored files.`,
      }),
  );
  /** Whether a runner is held: by a person's pause (the control state's), a condition, or a hold. */
  const held = (name: string, now: number): boolean =>
    control.isPaused(name, now) || conditionOf(name) !== null || holds.reasonOf(name) !== null;
  /** Pauses are the control state's and the conditions': each runner follows them, whenever it was (re)created. */
  const applyControl = (): void => {
    const now = clock.now();
    for (const r of runners.values()) {
      if (held(r.profile.name, now)) r.pause();
      else r.resume();
    }
  };
  const deadlines = pauseDeadlines(control, clock, applyControl);
  /** A paused profile says until when (a person's pause), so windows and the tray say "Paused until 15:30". */
  const withPause = (s: ProfileStatus): ProfileStatus => {
    if (s.state !== 'paused') return s;
    const reason = holds.reasonOf(s.name) ?? conditionOf(s.name)?.reason;
    return {
      ...s,
      pausedUntil: control.pausedUntil(s.name, clock.now()) ?? null,
      ...(reason ? { pauseReason: reason } : {}),
    };
  };

  let config = options.config;
  const runners = new Map<string, ProfileRunner>();
  const resting = new Map<string, ProfileStatus>();
  /**
   * A profile that does not run is said once, as it is: no runner reports it, and a window that
   * last heard "stopped" from a runner an rsync path change disposed must hear the error instead.
   */
  const rest = (status: ProfileStatus, before: ReadonlyMap<string, ProfileStatus>): void => {
    resting.set(status.name, status);
    if (JSON.stringify(before.get(status.name)) !== JSON.stringify(status)) emit({ type: 'status', status });
  };
  /** Creates the runners of profiles not running yet; returns them (not started). */
  const place = (before: ReadonlyMap<string, ProfileStatus>): ProfileRunner[] => {
    const created: ProfileRunner[] = [];
    for (const profile of config.profiles) {
      if (runners.has(profile.name)) continue;
      if (!profile.enabled) rest(restingStatus(profile.name, 'stopped', null), before);
      else if (!caps) rest(restingStatus(profile.name, 'error', probeError), before);
      else {
        const runner = new ProfileRunner({
          profile,
          caps,
          secrets: options.secrets,
          watcherFactory: options.watcherFactory,
          run: options.run,
          stateDir: options.stateDir,
          timings: options.timings,
          reachability: options.reachability,
          clock,
          emit,
        });
        runners.set(profile.name, runner);
        created.push(runner);
      }
    }
    return created;
  };
  if (probeError) emit({ type: 'log', level: 'error', message: `${probeError.message} ${probeError.hint}` });

  const pick = (name?: string): ProfileRunner[] => {
    if (name === undefined) return [...runners.values()];
    const runner = runners.get(name);
    if (runner) return [runner];
    if (resting.has(name)) return [];
    throw new RsyncTrayError(
      'UNKNOWN_PROFILE',
      `There is no profile named "${name}".`,
      `Known profiles: ${[...runners.keys(), ...resting.keys()].join(', ') || 'none'}.`,
    );
  };

  /** Starts new runners paused when the control state says so, so they never sync in between. */
  const startPlaced = async (before: ReadonlyMap<string, ProfileStatus> = new Map()): Promise<void> => {
    const created = place(before);
    const now = clock.now();
    for (const r of created) if (held(r.profile.name, now)) r.pause();
    await Promise.all(created.map((r) => r.start()));
  };
  await startPlaced();
  deadlines.arm();
  const stopConditions = options.conditions?.onChange(() => {
    applyControl();
    // A profile already paused by a person now has (or lost) a reason: say it.
    for (const r of runners.values()) if (r.status.state === 'paused') emit({ type: 'status', status: r.status });
  });

  return {
    caps,
    status: () => config.profiles.map((p) => withPause(runners.get(p.name)?.status ?? resting.get(p.name)!)),
    syncNow: (name) => pick(name).forEach((r) => r.syncNow()),
    pause: (name, minutes) => {
      pick(name);
      control.pause(name, minutes ? clock.now() + minutes * 60_000 : null);
      applyControl();
      deadlines.arm();
      // A pause that only moves its deadline changes no state: say the new one anyway.
      for (const r of pick(name)) if (r.status.state === 'paused') emit({ type: 'status', status: r.status });
    },
    resume: (name) => {
      pick(name);
      control.resume(
        name,
        config.profiles.map((p) => p.name),
        clock.now(),
      );
      applyControl();
      deadlines.arm();
    },
    hold: (name, holdOptions) => {
      pick(name);
      return holds.take(name, holdOptions);
    },
    retryNow: (key) => [...runners.values()].forEach((r) => r.retryNow(key)),
    confirmDeletions: (name) => {
      if (!pick(name).some((r) => r.confirmDeletions())) throw noHold(name);
    },
    heldNames: (name, offset, limit) => pick(name).flatMap((r) => r.heldNames(offset, limit)),
    heldReview: (name, page) => {
      const held = pick(name).flatMap((r) => r.targets.filter((t) => t.status.hold));
      return Promise.all(held.map(async (t) => ({ target: t.key, ...(await t.heldNames().review(page)) })));
    },
    refuseDeletions: (name) => {
      if (!pick(name).some((r) => r.refuseDeletions())) throw noHold(name);
      // Refusing pauses the profile: a pause like any other, so an edit does not undo it.
      control.pause(name, null);
      deadlines.arm();
    },
    whenIdle: async (name) => {
      await Promise.all(pick(name).map((r) => r.whenIdle()));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async update(next) {
      const wanted = new Map(next.profiles.map((p) => [p.name, JSON.stringify(p)]));
      const stale = [...runners.values()].filter((r) => wanted.get(r.profile.name) !== JSON.stringify(r.profile));
      for (const r of stale) runners.delete(r.profile.name);
      await Promise.all(stale.map((r) => r.dispose()));
      const before = new Map(resting);
      resting.clear();
      config = next;
      await startPlaced(before);
    },
    async dispose() {
      deadlines.dispose();
      holds.dispose();
      stopConditions?.();
      await control.flush();
      await Promise.all([...runners.values()].map((r) => r.dispose()));
      listeners.clear();
    },
  };
}

const noHold = (name: string) =>
  new RsyncTrayError(
    'NOTHING_HELD',
    `Profile "${name}" has no deletion waiting for confirmation.`,
    'Nothing to do; refresh the status.',
  );

/** The state of all profiles together: what the tray icon shows. */
export function overallState(statuses: readonly ProfileStatus[]): ProfileStatus['state'] {
  return worstState(statuses.map((s) => s.state));
}
