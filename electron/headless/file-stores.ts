/**
 * The headless host's stores: the config as a JSON file (the export format), and secrets in a
 * mode-600 JSON file beside it — the same protection rsync expects of a password file.
 */
import { readFile, stat } from 'node:fs/promises';
import type { SecretStore } from '../core/rsync/auth.ts';
import type { ConfigStore } from '../core/service/app-service.ts';
import { writeFileAtomic } from '../core/files/atomic-write.ts';
import { serializeConfig } from '../core/config/config-file.ts';
import { type ConfDProfile, loadConfigWithConfD, splitConfD } from '../core/config/conf-d.ts';
import { RsyncTrayError } from '../shared/errors.ts';
import { CONFIG_VERSION, ConfigSchema, type Config } from '../shared/profile-schema.ts';

/**
 * `log` gets what a format migration changed, once per store: the file itself is rewritten only on
 * the next save, so until then every start says it again (stderr by default, beside the errors,
 * so `run --json` keeps stdout for events).
 */
export function fileConfigStore(
  file: string,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): ConfigStore {
  let told = false;
  /** The conf.d profiles last read: a save writes each back to its own file (core/config/conf-d.ts). */
  let confD: ConfDProfile[] = [];
  return {
    async read() {
      const notes: string[] = [];
      const loaded = await loadConfigWithConfD(file, (line) => notes.push(line));
      confD = loaded.confD;
      if (!told) for (const line of notes) log(line);
      told ||= notes.length > 0;
      return loaded.config;
    },
    async write(config: Config) {
      const main = await splitConfD(config, confD);
      await writeFileAtomic(file, serializeConfig(main), { uniqueTemp: true });
    },
  };
}

/** The same, but no file yet reads as no profiles (serve's first run); the first save writes it. */
export function fileConfigStoreStartingEmpty(file: string, log?: (line: string) => void): ConfigStore {
  const store = fileConfigStore(file, log);
  return {
    async read(): Promise<Config> {
      try {
        return await store.read();
      } catch (error) {
        if (error instanceof RsyncTrayError && error.code === 'CONFIG_NOT_FOUND')
          return ConfigSchema.parse({ version: CONFIG_VERSION });
        throw error;
      }
    },
    write: (config) => store.write(config),
  };
}

export function fileSecretStore(file: string): SecretStore {
  const read = async (): Promise<Record<string, string>> => {
    try {
      // Like rsync with a password file: a secrets file others can read is not trusted with them.
      const { mode } = await stat(file);
      if (process.platform !== 'win32' && (mode & 0o077) !== 0)
        throw new RsyncTrayError(
          'SECRETS_FILE_MODE',
          `The secrets file ${file} can be read by other users (mode ${(mode & 0o777).toString(8)}); its passwords are not used.`,
          `Run: chmod 600 ${JSON.stringify(file)} — and change those passwords if others may have read them.`,
        );
      const data: unknown = JSON.parse(await readFile(file, 'utf8'));
      return typeof data === 'object' && data !== null ? (data as Record<string, string>) : {};
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      if (error instanceof RsyncTrayError) throw error;
      throw new RsyncTrayError(
        'INVALID_CONFIG',
        `The secrets file ${file} cannot be read: ${(error as Error).message}`,
        'Fix or delete it, then store the passwords again.',
      );
    }
  };
  return {
    async get(key) {
      return (await read())[key];
    },
    async set(key, value) {
      await writeFileAtomic(file, `${JSON.stringify({ ...(await read()), [key]: value }, null, 2)}\n`, {
        uniqueTemp: true,
      });
    },
    async delete(key) {
      const all = await read();
      delete all[key];
      await writeFileAtomic(file, `${JSON.stringify(all, null, 2)}\n`, { uniqueTemp: true });
    },
  };
}
