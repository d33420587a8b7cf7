/**
 * The tray's ConfigStore: electron-store keeps the file (in the app's user-data folder, written
 * atomically), and its content is exactly the Config JSON the headless CLI reads — so the file can
 * be handed to `rsync-tray --config`, and an export can become the tray's config. The zod
 * ConfigSchema is the schema; migrations are keyed by the file's `version`
 * (core/config/migrations.ts, shared with the CLI).
 *
 * A file that does not parse is never overwritten: reading fails with every problem and its place,
 * and the app says so rather than starting with an empty config over the user's profiles.
 */
import type { ConfigStore } from '../core/service/app-service.ts';
import { serializeConfig, validateConfig } from '../core/config/config-file.ts';
import { RsyncTrayError } from '../shared/errors.ts';
import { CONFIG_VERSION, type Config } from '../shared/profile-schema.ts';
import { CONFIG_MIGRATIONS, migrateConfig } from '../core/config/migrations.ts';

/** The part of an electron-store (conf) used here: the whole document at once. */
export interface DocumentStore {
  store: Record<string, unknown>;
  readonly path: string;
}

export { CONFIG_MIGRATIONS };

/** conf's default is tab-indented; match serializeConfig so the tray and the CLI write the same bytes. */
export const serializeStoreDocument = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

function readDocument(doc: DocumentStore, what: string): Record<string, unknown> {
  try {
    return doc.store;
  } catch (error) {
    throw new RsyncTrayError(
      'INVALID_CONFIG',
      `${what} cannot be read: ${(error as Error).message}`,
      `Fix the file (it is JSON) or move it aside to start afresh; it was left untouched: ${doc.path}`,
      { cause: error },
    );
  }
}

/**
 * `log` gets what a format migration changed. The migrated file is written back at once, so that
 * is said once; without a log of the caller's, the process's console is the one at hand.
 */
export function createElectronConfigStore(
  doc: DocumentStore,
  log: (line: string) => void = (line) => console.info(line),
): ConfigStore {
  const what = `The config file ${doc.path}`;
  return {
    async read(): Promise<Config> {
      const raw = readDocument(doc, what);
      if (Object.keys(raw).length === 0) return validateConfig({ version: CONFIG_VERSION }, what);
      const notes: string[] = [];
      const migrated = migrateConfig(raw, what, (line) => notes.push(line));
      const config = validateConfig(migrated.data, what);
      // Write the new format back only once it is known to be valid, and only then say what changed.
      if (migrated.from !== migrated.to) {
        doc.store = JSON.parse(serializeConfig(config)) as Record<string, unknown>;
        for (const line of notes) log(line);
      }
      return config;
    },
    async write(config: Config): Promise<void> {
      doc.store = JSON.parse(serializeConfig(config)) as Record<string, unknown>;
    },
  };
}
