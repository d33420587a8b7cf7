/**
 * The composition root of the sync engine: probes rsync once, runs one ProfileRunner per enabled
 * profile, and turns everything they report into numbered events. Hosts (the tray app, the CLI,
 * tests) get a handle and call dispose() when done. Never imports Electron.
 */
import { worstState, type EngineEvent, type EngineEventBody, type ProfileStatus } from '../../shared/status.ts';
import type { SecretStore } from '../rsync/auth.ts';
import { RsyncTrayError, toErrorInfo, type ErrorInfo } from '../../shared/errors.ts';
import { ProfileRunner, type RecoveryTimings } from './profile-runner.ts';
import type { Config } from '../../shared/profile-schema.ts';
import { probeRsync, type RsyncCapabilities } from '../rsync/rsync-probe.ts';
import type { runRsync } from '../rsync/rsync-runner.ts';
import type { WatcherFactory } from '../watch/tree-watcher.ts';

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
}

export type EngineListener = (event: EngineEvent) => void;

export interface Engine {
  readonly caps: RsyncCapabilities | null;
  status(): ProfileStatus[];
  /** Full reconcile now, for one profile or all. */
  syncNow(profile?: string): void;
  pause(profile?: string): void;
  resume(profile?: string): void;
  /** Carries out a held mass deletion of a profile (see deletion-guard.ts). */
  confirmDeletions(profile: string): void;
  /** Drops a held mass deletion; the profile pauses until resumed. */
  refuseDeletions(profile: string): void;
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
  return { name, state, pending: 0, lastSuccessAt: null, lastError: error, watch: { mode: 'stopped', note: null }, targets: [] };
}

export async function startEngine(options: EngineOptions): Promise<Engine> {
  const listeners = new Set<EngineListener>();
  let seq = 0;
  const emit = (body: EngineEventBody): void => {
    const event = { ...body, seq: ++seq, at: Date.now() } as EngineEvent;
    for (const l of listeners) l(event);
  };

  let caps: RsyncCapabilities | null = null;
  let probeError: ErrorInfo | null = null;
  try {
    caps = await (options.probe ?? probeRsync)(options.config.settings.rsyncPath);
  } catch (error) {
    probeError = toErrorInfo(error);
  }

  let config = options.config;
  const runners = new Map<string, ProfileRunner>();
  const resting = new Map<string, ProfileStatus>();
  /** Creates the runners of profiles not running yet; returns them (not started). */
  const place = (): ProfileRunner[] => {
    const created: ProfileRunner[] = [];
    for (const profile of config.profiles) {
      if (runners.has(profile.name)) continue;
      if (!profile.enabled) resting.set(profile.name, restingStatus(profile.name, 'stopped', null));
      else if (!caps) resting.set(profile.name, restingStatus(profile.name, 'error', probeError));
      else {
        const runner = new ProfileRunner({ profile, caps, secrets: options.secrets, watcherFactory: options.watcherFactory, run: options.run, stateDir: options.stateDir, timings: options.timings, emit });
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
    throw new RsyncTrayError('UNKNOWN_PROFILE', `There is no profile named "${name}".`, `Known profiles: ${[...runners.keys(), ...resting.keys()].join(', ') || 'none'}.`);
  };

  await Promise.all(place().map((r) => r.start()));

  return {
    caps,
    status: () => config.profiles.map((p) => runners.get(p.name)?.status ?? resting.get(p.name)!),
    syncNow: (name) => pick(name).forEach((r) => r.syncNow()),
    pause: (name) => pick(name).forEach((r) => r.pause()),
    resume: (name) => pick(name).forEach((r) => r.resume()),
    confirmDeletions: (name) => {
      if (!pick(name).some((r) => r.confirmDeletions())) throw noHold(name);
    },
    refuseDeletions: (name) => {
      if (!pick(name).some((r) => r.refuseDeletions())) throw noHold(name);
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
      resting.clear();
      config = next;
      await Promise.all(place().map((r) => r.start()));
    },
    async dispose() {
      await Promise.all([...runners.values()].map((r) => r.dispose()));
      listeners.clear();
    },
  };
}

const noHold = (name: string) => new RsyncTrayError('INVALID_CONFIG', `Profile "${name}" has no deletion waiting for confirmation.`, 'Nothing to do; refresh the status.');

/** The state of all profiles together: what the tray icon shows. */
export function overallState(statuses: readonly ProfileStatus[]): ProfileStatus['state'] {
  return worstState(statuses.map((s) => s.state));
}
