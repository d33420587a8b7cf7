/**
 * The API contract implemented once, for every host: the Electron main process wires these
 * handlers to IPC, the headless `serve` to HTTP + WebSocket. Hosts pass in what differs between
 * them — where the config and the secrets are kept, and how a folder is opened.
 */
import { stat } from 'node:fs/promises';
import type { ApiHandlers } from '../../shared/contract.ts';
import type { HostPreferences, HostPreferencesPatch } from '../../shared/host-preferences.ts';
import type { EngineEvent } from '../../shared/status.ts';
import type { SecretStore } from '../rsync/auth.ts';
import type { RunProgress } from '../rsync/rsync-runner.ts';
import { describeIssues, serializeConfig, validateConfig } from '../config/config-file.ts';
import { assertHookCommandKept } from '../config/hook-policy.ts';
import { applyImport, previewImport, type Importer } from '../config/profile-import.ts';
import { ActivityLog } from './activity-log.ts';
import { LogRing } from './log-ring.ts';
import { testConnection } from './connection-test.ts';
import { previewExcludes } from './exclude-preview.ts';
import { previewSync } from './sync-preview.ts';
import { restoreService } from './restore-service.ts';
import { ControlState } from '../sync/control-state.ts';
import { startEngine, type Engine, type EngineOptions } from '../sync/engine.ts';
import { RsyncTrayError } from '../../shared/errors.ts';
import { ProfileSchema, TargetSchema, type Config, type Profile } from '../../shared/profile-schema.ts';

export type { Importer };

/** Where the config lives: a JSON file (headless) or electron-store (tray). */
export interface ConfigStore {
  read(): Promise<Config>;
  write(config: Config): Promise<void>;
}

export interface HostActions {
  openFolder?(folder: string): Promise<void>;
  /**
   * The host's own preferences (start at login, notifications), which the config file does not
   * hold: the tray app keeps them with the OS and its preferences file. Absent on a host that has
   * none (`serve`): the API then says so, and the window leaves those controls out.
   */
  preferences?: {
    get(): Promise<HostPreferences>;
    /** Applies what the patch names; answers the preferences as they are afterwards. */
    set(patch: HostPreferencesPatch): Promise<HostPreferences>;
  };
}

export interface AppServiceOptions {
  configStore: ConfigStore;
  secrets: SecretStore;
  host?: HostActions;
  importers?: Partial<Record<'sersync', Importer>>;
  engine?: Partial<EngineOptions>;
  activityLimit?: number;
}

export interface AppService {
  handlers: ApiHandlers;
  engine(): Engine;
  subscribe(listener: (event: EngineEvent) => void): () => void;
  dispose(): Promise<void>;
}

export async function startAppService(options: AppServiceOptions): Promise<AppService> {
  let config = await options.configStore.read();
  const listeners = new Set<(event: EngineEvent) => void>();
  const activity = new ActivityLog(options.activityLimit);
  const logs = new LogRing();
  // Pauses outlive the engine: a new rsync path restarts it, and nothing may resume by that.
  const control =
    options.engine?.control ??
    (await ControlState.load(options.engine?.stateDir ? ControlState.fileIn(options.engine.stateDir) : null));

  let lastSeq = 0;
  const forward = (engineEvent: EngineEvent): void => {
    // A run's full name lists stay here (activity.names); windows get the record with its id.
    const event = engineEvent.type === 'run' ? { ...engineEvent, run: activity.add(engineEvent.run) } : engineEvent;
    // Kept for the Log screen (log.list): a window opened later still finds rsync's own message.
    if (event.type === 'log')
      logs.add({ at: event.at, level: event.level, message: event.message, profile: event.profile });
    lastSeq = event.seq;
    for (const l of listeners) l(event);
  };
  // The engine numbers its events; a restore's progress is not one of them, so it carries the last
  // number seen and windows (store.ts) take it aside, without counting it as a gap.
  const forwardRestore = (profile: string, p: RunProgress): void => {
    const { bytes, percent, bytesPerSecond, etaSeconds, filesDone, filesTotal, bytesTotal } = p;
    const progress = { bytes, percent, bytesPerSecond, etaSeconds, filesDone, filesTotal, bytesTotal };
    const event: EngineEvent = { type: 'restore', profile, progress, seq: lastSeq, at: Date.now() };
    for (const l of listeners) l(event);
  };
  // From its start: a restarted engine says then what it cannot run (an rsync path that is wrong).
  const boot = (): Promise<Engine> =>
    startEngine({ ...options.engine, config, secrets: options.secrets, control, onEvent: forward });
  let engine = await boot();

  /** `saved`: the profiles this change saves, each with what it was; see refuseMissingSources. */
  const commit = async (next: Config, saved: readonly SavedProfile[] = []): Promise<void> => {
    const validated = validateConfig(next);
    await refuseMissingSources(saved);
    await options.configStore.write(validated);
    const restart = validated.settings.rsyncPath !== config.settings.rsyncPath;
    config = validated;
    if (restart) {
      await engine.dispose();
      engine = await boot();
    } else await engine.update(config);
  };

  const findProfile = (name: string): Profile => {
    const p = config.profiles.find((x) => x.name === name);
    if (!p)
      throw new RsyncTrayError(
        'UNKNOWN_PROFILE',
        `There is no profile named "${name}".`,
        'Refresh the list; it may have been renamed or deleted.',
      );
    return p;
  };

  const hostPreferences = (): NonNullable<HostActions['preferences']> => {
    if (options.host?.preferences) return options.host.preferences;
    throw new RsyncTrayError(
      'UNSUPPORTED',
      'Start at login and notifications are settings of the Rsync Tray desktop app, which does not run here.',
      'This host runs until its service stops; set them in the tray app on a desktop.',
    );
  };

  // Getting files back (restore-service.ts): a restore into a watched source holds its syncs.
  const restore = restoreService({
    profile: findProfile,
    rsyncPath: () => config.settings.rsyncPath,
    secrets: options.secrets,
    // The engine's transient hold: never saved, leased (a crash mid-restore never leaves syncing off).
    guard: { hold: (name, hold) => engine.hold(name, hold) },
    onProgress: forwardRestore,
  });

  const handlers: ApiHandlers = {
    'status.get': async () => engine.status(),
    'profiles.list': async () => config.profiles,
    'profiles.save': async ({ profile, previousName }) => {
      const parsed = ProfileSchema.safeParse(profile);
      if (!parsed.success) {
        throw new RsyncTrayError(
          'INVALID_CONFIG',
          `The profile has problems:\n  ${describeIssues(parsed.error.issues, {}).join('\n  ')}`,
          'Correct the fields listed; nothing was saved.',
        );
      }
      const replaced = previousName ?? parsed.data.name;
      const others = config.profiles.filter((p) => p.name !== replaced);
      const was = config.profiles.find((p) => p.name === replaced);
      assertHookCommandKept(parsed.data, was);
      await commit({ ...config, profiles: [...others, parsed.data] }, [{ profile: parsed.data, was }]);
      return parsed.data;
    },
    'profiles.delete': async ({ name }) => {
      findProfile(name);
      await commit({ ...config, profiles: config.profiles.filter((p) => p.name !== name) });
      return null;
    },
    'sync.now': async ({ profile }) => (engine.syncNow(profile), null),
    'sync.pause': async ({ profile, minutes }) => (engine.pause(profile, minutes), null),
    'sync.resume': async ({ profile }) => (engine.resume(profile), null),
    'connection.test': async ({ target, password }) => {
      const parsed = TargetSchema.safeParse(target);
      if (!parsed.success) {
        throw new RsyncTrayError(
          'INVALID_CONFIG',
          `The target has problems: ${describeIssues(parsed.error.issues, {}).join('; ')}`,
          'Correct the target fields first.',
        );
      }
      return testConnection(parsed.data, { rsyncPath: config.settings.rsyncPath, secrets: options.secrets, password });
    },
    'secrets.set': async ({ targetKey, password }) => {
      await options.secrets.set(targetKey, password);
      // A target that failed for want of it retries now, not after its backoff (up to 5 min).
      engine.retryNow(targetKey);
      return null;
    },
    'secrets.has': async ({ targetKey }) => (await options.secrets.get(targetKey)) !== undefined,
    'activity.list': async (query) => activity.list(query),
    'activity.names': async ({ run, ...page }) => activity.names(run, page),
    'activity.changes': async (query) => activity.changes(query),
    'config.export': async ({ profiles }) => {
      for (const p of profiles ?? []) findProfile(p);
      return {
        json: serializeConfig(config, profiles),
        fileName: `rsync-tray-profiles-${new Date().toISOString().slice(0, 10)}.json`,
      };
    },
    'config.importPreview': async ({ text, format }) => previewImport(text, format, config, options.importers),
    'config.importApply': async ({ text, format, conflicts }) => {
      const {
        config: next,
        created,
        replaced,
        skipped,
      } = applyImport(previewImport(text, format, config, options.importers), config, conflicts);
      await commit(next, importedProfiles({ config: next, created, replaced }, config));
      return { created, replaced, skipped };
    },
    'settings.get': async () => config.settings,
    'settings.set': async ({ settings }) => {
      await commit({ ...config, settings: { ...config.settings, ...settings } });
      return config.settings;
    },
    'preferences.get': async () => hostPreferences().get(),
    'preferences.set': async ({ preferences }) => hostPreferences().set(preferences),
    'deletions.confirm': async ({ profile }) => (engine.confirmDeletions(findProfile(profile).name), null),
    'deletions.refuse': async ({ profile }) => (engine.refuseDeletions(findProfile(profile).name), null),
    'deletions.list': async ({ profile, ...page }) => engine.heldReview(findProfile(profile).name, page),
    'folder.open': async ({ profile }) => {
      const p = findProfile(profile);
      if (!options.host?.openFolder)
        throw new RsyncTrayError('UNSUPPORTED', 'This host cannot open folders.', `The folder is ${p.source}.`);
      await options.host.openFolder(p.source);
      return null;
    },
    'excludes.preview': async ({ source, excludes }) => previewExcludes(source, excludes),
    'sync.preview': async ({ profile, passwords }) => {
      const parsed = ProfileSchema.safeParse(profile);
      if (!parsed.success) {
        throw new RsyncTrayError(
          'INVALID_CONFIG',
          `The profile has problems:\n  ${describeIssues(parsed.error.issues, {}).join('\n  ')}`,
          'Correct the fields listed, then preview again; nothing was sent.',
        );
      }
      return previewSync(parsed.data, { rsyncPath: config.settings.rsyncPath, secrets: options.secrets, passwords });
    },
    'log.list': async (query) => logs.list(query),
    'restore.list': (input) => restore.list(input),
    'restore.preview': (input) => restore.preview(input),
    'restore.run': (input) => restore.run(input),
    'restore.versions': (input) => restore.versions(input),
  };

  return {
    handlers,
    engine: () => engine,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async dispose() {
      await engine.dispose();
      listeners.clear();
    },
  };
}

/** A profile a change saves, and the one it replaces (none for a new profile). */
export interface SavedProfile {
  profile: Profile;
  was: Profile | undefined;
}

/** What an import saves: each created or replaced profile, with the one it replaces. */
export function importedProfiles(
  outcome: { config: Config; created: readonly string[]; replaced: readonly string[] },
  before: Config,
): SavedProfile[] {
  // Names are compared as the schema does, without case.
  const named = (list: readonly Profile[], name: string) =>
    list.find((p) => p.name.toLowerCase() === name.toLowerCase());
  return [...outcome.created, ...outcome.replaced].flatMap((name) => {
    const profile = named(outcome.config.profiles, name);
    const was = outcome.replaced.includes(name) ? named(before.profiles, name) : undefined;
    return profile ? [{ profile, was }] : [];
  });
}

/**
 * A profile saved to run with a source folder that is not there (a typo, a disk not mounted) is
 * refused, so the mistake shows where it was made rather than as a profile that never syncs.
 * Only what the save changes is judged: a running profile whose disk is away right now can still
 * be edited (the engine shows its source missing), and one saved switched off waits for its disk.
 * A config read at start is never judged here: its disks may simply not be mounted yet.
 */
export async function refuseMissingSources(saved: readonly SavedProfile[]): Promise<void> {
  const problems: Array<{ name: string; source: string; why: string }> = [];
  for (const { profile, was } of saved) {
    if (!profile.enabled || (was?.enabled && was.source === profile.source)) continue;
    const why = await sourceProblem(profile.source);
    if (why) problems.push({ name: profile.name, source: profile.source, why });
  }
  if (problems.length === 0) return;
  const [one] = problems;
  const message =
    problems.length === 1 && one
      ? `The source folder ${one.source} ${one.why}, so profile "${one.name}" was not saved.`
      : `Nothing was saved: the source folders of ${problems.length} profiles are missing:\n  ` +
        problems.map((p) => `"${p.name}": ${p.source} ${p.why}`).join('\n  ');
  throw new RsyncTrayError(
    'SOURCE_MISSING',
    message,
    'Create the folder, mount the disk it is on, or fix the path, then save again; nothing was changed. ' +
      'To keep a profile until its folder is there, save it switched off (Enabled unticked, "enabled": false).',
  );
}

/** Why a source folder cannot be used, or null; errors other than "not there" are the engine's to report. */
async function sourceProblem(source: string): Promise<string | null> {
  try {
    return (await stat(source)).isDirectory() ? null : 'is a file, not a folder';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : null;
  }
}
