/**
 * The API contract implemented once, for every host: the Electron main process wires these
 * handlers to IPC, the headless `serve` to HTTP + WebSocket. Hosts pass in what differs between
 * them — where the config and the secrets are kept, and how a folder is opened.
 */
import type { ApiHandlers, ImportPreview } from '../api/contract.ts';
import type { EngineEvent, RunRecord } from '../api/status.ts';
import type { SecretStore } from './auth.ts';
import { describeIssues, serializeConfig, validateConfig } from './config-file.ts';
import { testConnection } from './connection-test.ts';
import { startEngine, type Engine, type EngineOptions } from './engine.ts';
import { RsyncTrayError } from './errors.ts';
import { ProfileSchema, TargetSchema, type Config, type Profile } from './profile-schema.ts';

/** Where the config lives: a JSON file (headless) or electron-store (tray). */
export interface ConfigStore {
  read(): Promise<Config>;
  write(config: Config): Promise<void>;
}

export interface HostActions {
  openFolder?(folder: string): Promise<void>;
}

/** Parsers of foreign formats (sersync's confxml.xml), registered by name. */
export type Importer = (text: string) => { profiles: unknown[]; problems: string[] };

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
  const activity: RunRecord[] = [];
  const limit = options.activityLimit ?? 500;
  const resumeTimers = new Map<string, NodeJS.Timeout>();

  const boot = async (): Promise<Engine> => {
    const e = await startEngine({ ...options.engine, config, secrets: options.secrets });
    e.subscribe((event) => {
      if (event.type === 'run') {
        activity.push(event.run);
        if (activity.length > limit) activity.splice(0, activity.length - limit);
      }
      for (const l of listeners) l(event);
    });
    return e;
  };
  let engine = await boot();

  const commit = async (next: Config): Promise<void> => {
    const validated = validateConfig(next);
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
    if (!p) throw new RsyncTrayError('UNKNOWN_PROFILE', `There is no profile named "${name}".`, 'Refresh the list; it may have been renamed or deleted.');
    return p;
  };

  const parseImport = (text: string, format: 'json' | 'sersync'): ImportPreview => {
    let raw: unknown[] = [];
    const problems: string[] = [];
    if (format === 'json') {
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch (error) {
        return { profiles: [], conflicts: [], problems: [`The file is not valid JSON: ${(error as Error).message}`] };
      }
      const list = (data as { profiles?: unknown })?.profiles;
      if (!Array.isArray(list)) return { profiles: [], conflicts: [], problems: ['profiles: expected a list of profiles (this is not a Rsync Tray export)'] };
      raw = list;
    } else {
      const importer = options.importers?.sersync;
      if (!importer) throw new RsyncTrayError('INVALID_CONFIG', 'Importing sersync files is not available in this host.', 'Use the JSON export format.');
      const imported = importer(text);
      raw = imported.profiles;
      problems.push(...imported.problems);
    }
    const profiles: Profile[] = [];
    raw.forEach((candidate, i) => {
      const parsed = ProfileSchema.safeParse(candidate);
      if (parsed.success) profiles.push(parsed.data);
      else problems.push(...describeIssues(parsed.error.issues.map((issue) => ({ ...issue, path: ['profiles', i, ...issue.path] })), { profiles: raw }));
    });
    const existing = new Set(config.profiles.map((p) => p.name));
    return { profiles, conflicts: profiles.filter((p) => existing.has(p.name)).map((p) => p.name), problems };
  };

  const handlers: ApiHandlers = {
    'status.get': async () => engine.status(),
    'profiles.list': async () => config.profiles,
    'profiles.save': async ({ profile, previousName }) => {
      const parsed = ProfileSchema.safeParse(profile);
      if (!parsed.success) {
        throw new RsyncTrayError('INVALID_CONFIG', `The profile has problems:\n  ${describeIssues(parsed.error.issues, {}).join('\n  ')}`, 'Correct the fields listed; nothing was saved.');
      }
      const replaced = previousName ?? parsed.data.name;
      const others = config.profiles.filter((p) => p.name !== replaced);
      await commit({ ...config, profiles: [...others, parsed.data] });
      return parsed.data;
    },
    'profiles.delete': async ({ name }) => {
      findProfile(name);
      await commit({ ...config, profiles: config.profiles.filter((p) => p.name !== name) });
      return null;
    },
    'sync.now': async ({ profile }) => (engine.syncNow(profile), null),
    'sync.pause': async ({ profile, minutes }) => {
      engine.pause(profile);
      const key = profile ?? '*';
      clearTimeout(resumeTimers.get(key));
      if (minutes) resumeTimers.set(key, setTimeout(() => engine.resume(profile), minutes * 60_000));
      return null;
    },
    'sync.resume': async ({ profile }) => {
      clearTimeout(resumeTimers.get(profile ?? '*'));
      engine.resume(profile);
      return null;
    },
    'connection.test': async ({ target, password }) => {
      const parsed = TargetSchema.safeParse(target);
      if (!parsed.success) {
        throw new RsyncTrayError('INVALID_CONFIG', `The target has problems: ${describeIssues(parsed.error.issues, {}).join('; ')}`, 'Correct the target fields first.');
      }
      return testConnection(parsed.data, { rsyncPath: config.settings.rsyncPath, secrets: options.secrets, password });
    },
    'secrets.set': async ({ targetKey, password }) => {
      await options.secrets.set(targetKey, password);
      await engine.update(config);
      return null;
    },
    'secrets.has': async ({ targetKey }) => (await options.secrets.get(targetKey)) !== undefined,
    'activity.list': async ({ profile, limit: n }) => {
      const runs = profile ? activity.filter((r) => r.profile === profile) : activity;
      return runs.slice(-(n ?? 100)).reverse();
    },
    'config.export': async ({ profiles }) => {
      for (const p of profiles ?? []) findProfile(p);
      return { json: serializeConfig(config, profiles), fileName: `rsync-tray-profiles-${new Date().toISOString().slice(0, 10)}.json` };
    },
    'config.importPreview': async ({ text, format }) => parseImport(text, format),
    'config.importApply': async ({ text, format, conflicts }) => {
      const preview = parseImport(text, format);
      if (preview.problems.length) {
        throw new RsyncTrayError('INVALID_CONFIG', `The file has ${preview.problems.length} problem(s):\n  ${preview.problems.join('\n  ')}`, 'Fix the file and import again; nothing was imported.');
      }
      const result = { created: [] as string[], replaced: [] as string[], skipped: [] as string[] };
      let profiles = [...config.profiles];
      for (const p of preview.profiles) {
        const exists = profiles.some((x) => x.name === p.name);
        const choice = exists ? conflicts[p.name] : undefined;
        if (exists && !choice) throw new RsyncTrayError('INVALID_CONFIG', `A profile named "${p.name}" exists already.`, 'Choose replace, skip or rename for it.');
        if (choice === 'skip') result.skipped.push(p.name);
        else if (choice === 'replace') {
          profiles = profiles.map((x) => (x.name === p.name ? p : x));
          result.replaced.push(p.name);
        } else {
          let name = p.name;
          for (let n = 2; profiles.some((x) => x.name === name); n++) name = `${p.name} (${n})`;
          profiles.push({ ...p, name });
          result.created.push(name);
        }
      }
      await commit({ ...config, profiles });
      return result;
    },
    'settings.get': async () => config.settings,
    'settings.set': async ({ settings }) => {
      await commit({ ...config, settings: { ...config.settings, ...settings } });
      return config.settings;
    },
    'deletions.confirm': async ({ profile }) => {
      findProfile(profile);
      throw new RsyncTrayError('INTERNAL', 'Confirming deletions is not available yet.', 'Use "Sync now" after checking the source folder.');
    },
    'deletions.refuse': async ({ profile }) => {
      findProfile(profile);
      throw new RsyncTrayError('INTERNAL', 'Refusing deletions is not available yet.', 'Pause the profile instead.');
    },
    'folder.open': async ({ profile }) => {
      const p = findProfile(profile);
      if (!options.host?.openFolder) throw new RsyncTrayError('INTERNAL', 'This host cannot open folders.', `The folder is ${p.source}.`);
      await options.host.openFolder(p.source);
      return null;
    },
  };

  return {
    handlers,
    engine: () => engine,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async dispose() {
      for (const t of resumeTimers.values()) clearTimeout(t);
      await engine.dispose();
      listeners.clear();
    },
  };
}
