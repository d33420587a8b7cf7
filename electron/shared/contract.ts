/**
 * The contract between a host (the Electron main process, or the headless `serve`) and the UI:
 * method names, their input schemas (validated on the host side of every transport) and their
 * result types. Pure TypeScript + zod: the renderer imports this file too.
 *
 * Every call answers `{ ok: true, value }` or `{ ok: false, error: { code, message, hint } }`;
 * engine events arrive separately, each with a sequence number.
 */
import { z } from 'zod';
import type { ErrorInfo } from './errors.ts';
import { ProfileSchema, SettingsSchema, TargetSchema, type Profile, type Settings } from './profile-schema.ts';
import { HostPreferencesPatchSchema, type HostPreferences } from './host-preferences.ts';
import type { FileChange } from './status.ts';
import type { EngineEvent, HeldReview, LogLevel, ProfileStatus, RunRecord } from './status.ts';
import { RESTORE_INPUTS, type RestoreOutputs } from './restore-contract.ts';

/** What "Test connection" found (core/service/connection-test.ts). */
export interface DaemonModule {
  name: string;
  comment: string;
}

export interface ConnectionReport {
  /** The daemon answered (module listing worked or was refused by the daemon itself). */
  reachable: boolean;
  /** Modules the daemon lists (those with `list = yes`). */
  modules: DaemonModule[];
  /** Whether the user/password opened the module: 'ok', 'failed', or 'skipped' when unreachable. */
  module: 'ok' | 'failed' | 'skipped';
  /** Whether the daemon lets this login write where the target's syncs go. */
  write: WriteCheck;
  /** The first check that failed, with what to do; null when every check passed. */
  error: ErrorInfo | null;
}

/**
 * The write probe: a uniquely named empty file sent into the target's folder and taken back
 * out (core/service/connection-test.ts). A module can open fine and still refuse every write.
 */
export interface WriteCheck {
  /**
   * ok: the file was written. read-only: the module has `read only = yes`. denied: the module is
   * writable but the folder is not, for the user the daemon runs as. failed: anything else.
   * skipped: not tried, because an earlier check failed.
   */
  state: 'ok' | 'read-only' | 'denied' | 'failed' | 'skipped';
  /**
   * The folder probed, relative to the module ('' is its top folder): the target's folder, or
   * when that does not exist yet, the deepest part of it that does (where a sync creates it).
   */
  folder: string;
  /** The target's folder does not exist yet; the first sync creates it in `folder`. */
  folderMissing: boolean;
  /** The probe file (module-relative) when it was written but could not be removed again. */
  leftover: string | null;
}

const profileName = z.string().min(1).max(200);
const optionalProfile = z.object({ profile: profileName.optional() }).strict();

/**
 * What settings.set takes: any subset of the settings; what is left out stays as it is. Not
 * `SettingsSchema.partial()`: zod applies defaults inside optional fields, so a partial would
 * quietly reset every setting left out to its default.
 */
export const SettingsPatchSchema = z
  .object({
    rsyncPath: SettingsSchema.shape.rsyncPath.unwrap().optional(),
    defaultDebounceMs: SettingsSchema.shape.defaultDebounceMs.unwrap().optional(),
  })
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

/** Input schema of each method. The method list *is* this table. */
export const METHOD_INPUTS = {
  'status.get': z.object({}).strict(),
  'profiles.list': z.object({}).strict(),
  /** Create or replace; `previousName` renames. The profile is validated against the one schema. */
  'profiles.save': z.object({ profile: z.unknown(), previousName: profileName.optional() }).strict(),
  'profiles.delete': z.object({ name: profileName }).strict(),
  'sync.now': optionalProfile,
  'sync.pause': z
    .object({
      profile: profileName.optional(),
      minutes: z
        .number()
        .positive()
        .max(7 * 24 * 60)
        .optional(),
    })
    .strict(),
  'sync.resume': optionalProfile,
  'connection.test': z.object({ target: z.unknown(), password: z.string().max(1024).optional() }).strict(),
  /** Stores a target's password in the host's secret store; it is never sent back. */
  'secrets.set': z.object({ targetKey: z.string().min(1).max(500), password: z.string().min(1).max(1024) }).strict(),
  'secrets.has': z.object({ targetKey: z.string().min(1).max(500) }).strict(),
  /** `query`: a file name (any part, any case), a profile, a target or an error's words. */
  'activity.list': z
    .object({
      profile: profileName.optional(),
      limit: z.number().int().positive().max(1000).optional(),
      query: z.string().max(500).optional(),
    })
    .strict(),
  /** A page of one run's names (RunRecord.id), sent, deleted and moved; `query` filters by name. */
  'activity.names': z
    .object({
      run: z.number().int().positive(),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1_000).default(100),
      query: z.string().max(500).optional(),
      action: z.enum(['sent', 'deleted', 'moved']).optional(),
    })
    .strict(),
  /** The newest file changes across runs (Syncthing's "Recent changes"), newest first. */
  'activity.changes': z
    .object({
      profile: profileName.optional(),
      limit: z.number().int().positive().max(1000).default(100),
      query: z.string().max(500).optional(),
    })
    .strict(),
  'config.export': z.object({ profiles: z.array(profileName).optional() }).strict(),
  'config.importPreview': z.object({ text: z.string().max(5_000_000), format: z.enum(['json', 'sersync']) }).strict(),
  'config.importApply': z
    .object({
      text: z.string().max(5_000_000),
      format: z.enum(['json', 'sersync']),
      /** name in the file → what to do when a profile of that name exists */
      conflicts: z.record(z.string(), z.enum(['replace', 'skip', 'rename'])).default({}),
    })
    .strict(),
  'settings.get': z.object({}).strict(),
  'settings.set': z.object({ settings: SettingsPatchSchema }).strict(),
  /** The host's own preferences (start at login, notifications); a host without any refuses. */
  'preferences.get': z.object({}).strict(),
  'preferences.set': z.object({ preferences: HostPreferencesPatchSchema }).strict(),
  'deletions.confirm': z.object({ profile: profileName }).strict(),
  'deletions.refuse': z.object({ profile: profileName }).strict(),
  /**
   * A page of the names a held deletion would remove, per target: those matching `query` under
   * `folder` ("2023/"), with their sizes on the backup and the totals per folder one level down.
   */
  'deletions.list': z
    .object({
      profile: profileName,
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1_000).default(100),
      query: z.string().max(1_000).default(''),
      folder: z.string().max(4_096).default(''),
    })
    .strict(),
  'folder.open': z.object({ profile: profileName }).strict(),
  /**
   * A page of the engine's log lines the host keeps (core/service/log-ring.ts), newest first:
   * of one profile, at `level` or above, containing `query`. rsync's own message of a failed run
   * is among them.
   */
  'log.list': z
    .object({
      profile: profileName.optional(),
      level: z.enum(['debug', 'info', 'warn', 'error']).optional(),
      query: z.string().max(500).optional(),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1_000).default(200),
    })
    .strict(),
  /** What each exclude rule would hide in a source folder (while the rules are edited). */
  'excludes.preview': z
    .object({ source: z.string().min(1).max(4096), excludes: z.array(z.string().max(1000)).max(500) })
    .strict(),
  /**
   * A dry run of the profile's full sync (saved or not) against each target: what the first sync
   * would send and delete. `passwords`: typed in the editor and not stored yet, by target index.
   */
  'sync.preview': z
    .object({ profile: z.unknown(), passwords: z.array(z.string().max(1024).nullable()).max(50).optional() })
    .strict(),
  /** Getting files back (shared/restore-contract.ts): browse, preview, restore, versions. */
  ...RESTORE_INPUTS,
} as const;

export type Method = keyof typeof METHOD_INPUTS;
export const METHODS = Object.keys(METHOD_INPUTS) as Method[];
export type MethodInput<M extends Method> = z.input<(typeof METHOD_INPUTS)[M]>;

/** One exclude rule's share of a source folder: entries it hides (a folder's contents included). */
export interface ExcludeRuleHits {
  pattern: string;
  hidden: number;
  /** The first hidden names, "folder/" for a folder. */
  names: string[];
}

export interface ExcludePreview {
  /** Entries looked at; `complete` is false when the preview stopped early (a very large folder). */
  scanned: number;
  complete: boolean;
  rules: ExcludeRuleHits[];
  /** Rules that are not valid patterns, with why. */
  invalid: Array<{ pattern: string; problem: string }>;
}

/** What a dry run found for one target: every entry counted, the first names kept ("folder/" for a folder). */
export interface TargetPreview {
  target: string;
  sends: { count: number; names: string[] };
  deletes: { count: number; names: string[] };
  /** Bytes of file data the sync would send (before rsync's delta and compression). */
  bytes: number;
  /** Why this target could not be previewed; the others still are. */
  error: ErrorInfo | null;
}

export interface SyncPreview {
  targets: TargetPreview[];
}

export interface ImportPreview {
  profiles: Profile[];
  /** Names that exist already. */
  conflicts: string[];
  /** Each problem with its place in the file. */
  problems: string[];
  /** A foreign format's import (sersync): per profile, what was carried over and what was not. */
  mapping?: ImportMapping[];
}

/** One setting of an imported profile, and where in the foreign file it came from. */
export interface ImportMappedField {
  /** "Source", "Target 1 host", "Bandwidth limit" */
  field: string;
  /** As the profile has it, in words: "5000K = 5,000 KiB/s", "off". */
  value: string;
  /** "line 27 <userDefinedPort port>", or that it is Rsync Tray's default. */
  from: string;
}

/** Something in the foreign file that has no place in the profile, and why. */
export interface ImportDropped {
  /** "-u", "<failLog>", "<inotify><attrib start=\"false\"/>" */
  what: string;
  from: string;
  why: string;
}

export interface ImportMapping {
  /** The imported profile's name (as in `profiles`). */
  profile: string;
  fields: ImportMappedField[];
  dropped: ImportDropped[];
}

export interface MethodOutputs extends RestoreOutputs {
  'status.get': ProfileStatus[];
  'profiles.list': Profile[];
  'profiles.save': Profile;
  'profiles.delete': null;
  'sync.now': null;
  'sync.pause': null;
  'sync.resume': null;
  'connection.test': ConnectionReport;
  'secrets.set': null;
  'secrets.has': boolean;
  'activity.list': RunRecord[];
  'activity.names': RunNamesPage | null;
  'activity.changes': RecentChange[];
  'config.export': { json: string; fileName: string };
  'config.importPreview': ImportPreview;
  'config.importApply': { created: string[]; replaced: string[]; skipped: string[] };
  'settings.get': Settings;
  'settings.set': Settings;
  'preferences.get': HostPreferences;
  'preferences.set': HostPreferences;
  'deletions.confirm': null;
  'deletions.refuse': null;
  'deletions.list': HeldReview[];
  'folder.open': null;
  'excludes.preview': ExcludePreview;
  'sync.preview': SyncPreview;
  'log.list': LogPage;
}

/** One engine log line as the host keeps it (log.list). */
export interface LogLine {
  /** The host's number for the line: rising, so newer lines have larger ones. */
  id: number;
  /** epoch ms */
  at: number;
  level: LogLevel;
  message: string;
  profile?: string;
}

/** A page of log lines, newest first: `matched` of the `total` kept match the filter. */
export interface LogPage {
  total: number;
  matched: number;
  offset: number;
  items: LogLine[];
}

/** One page of a run's names: sent, deleted and moved, in that order, filtered by `query`. */
export interface RunNamesPage {
  run: number;
  /** Entries named in the run (sent + deleted + moved), as counted by rsync. */
  total: number;
  /** Of them, names the host still has (the rest were past the per-run bound or dropped since). */
  kept: number;
  /** Names that match the query (all kept when none). */
  matched: number;
  offset: number;
  items: FileChange[];
}

/** A change in the recent changes feed: one name, with its run. */
export interface RecentChange extends FileChange {
  at: number;
  run: number;
  profile: string;
  target: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

/** What a transport gives the UI: call a method, listen to engine events. */
export interface ApiClient {
  call<M extends Method>(method: M, input: MethodInput<M>): Promise<Result<MethodOutputs[M]>>;
  onEvent(listener: (event: EngineEvent) => void): () => void;
}

/** The host side: one handler per method, receiving validated input. */
export type ApiHandlers = { [M in Method]: (input: z.output<(typeof METHOD_INPUTS)[M]>) => Promise<MethodOutputs[M]> };

export { ProfileSchema, TargetSchema };
