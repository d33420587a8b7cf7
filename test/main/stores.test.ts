import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Conf from 'conf';
import { describe, expect, it, vi } from 'vitest';
import { loadConfig, serializeConfig } from '../../electron/core/config/config-file.ts';
import { RsyncTrayError } from '../../electron/shared/errors.ts';
import type { Config } from '../../electron/shared/profile-schema.ts';
import { createElectronConfigStore, serializeStoreDocument } from '../../electron/main/config-store.ts';
import { createPreferencesStore, defaultPreferences } from '../../electron/main/preferences.ts';
import { createSafeSecretStore, NO_KEYRING_HINT, type KeyValueStore } from '../../electron/main/secret-store.ts';
import { migrate } from '../../electron/core/config/migrations.ts';
import { FakeSafeStorage } from './fake-electron.ts';

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'rsync-tray-store-'));
}

/**
 * The store as index.ts opens it, in a temp folder. electron-store is `conf` plus Electron's
 * user-data path (it imports `electron`, which cannot load here), so the test uses conf itself
 * with the same options.
 */
function openStore(cwd: string, name: string) {
  return new Conf<Record<string, unknown>>({
    cwd,
    configName: name,
    accessPropertiesByDotNotation: false,
    clearInvalidConfig: false,
    serialize: serializeStoreDocument,
    configFileMode: 0o600,
  });
}

const profile = {
  name: 'Documents',
  source: '/home/ada/Documents',
  targets: [{ host: 'backup.lan', module: 'docs', user: 'ada', auth: { type: 'secret' } }],
  bandwidthLimit: '5M',
};

describe('config store over electron-store', () => {
  it('starts empty, and writes the very Config JSON the CLI reads', async () => {
    const dir = await tempDir();
    const store = createElectronConfigStore(openStore(dir, 'config'));
    const empty = await store.read();
    expect(empty).toEqual({ version: 2, settings: { rsyncPath: 'rsync', defaultDebounceMs: 5 }, profiles: [] });

    const config = { ...empty, profiles: [profile] } as unknown as Config;
    const validated = (await import('../../electron/core/config/config-file.ts')).validateConfig(config);
    await store.write(validated);
    const file = path.join(dir, 'config.json');
    // Byte for byte what an export of the same config looks like, and loadable by the CLI.
    expect(await readFile(file, 'utf8')).toBe(serializeConfig(validated));
    expect(await loadConfig(file)).toEqual(validated);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await createElectronConfigStore(openStore(dir, 'config')).read()).toEqual(validated);
  });

  it('reads an export (or a CLI config) dropped in as the tray’s config, migrating a version-less one', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'config.json');
    await writeFile(file, JSON.stringify({ profiles: [profile] }));
    const config = await createElectronConfigStore(openStore(dir, 'config')).read();
    expect(config.profiles[0]).toMatchObject({ name: 'Documents', bandwidthLimit: '5M', deletions: true });
    // Migrated and valid: written back in the current format.
    expect(JSON.parse(await readFile(file, 'utf8')).version).toBe(2);
  });

  it('refuses an invalid or unreadable file, names the problems, and leaves it untouched', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'config.json');
    const bad = JSON.stringify({ version: 1, profiles: [{ ...profile, bandwidthLimit: 'fast' }] });
    await writeFile(file, bad);
    const err = await createElectronConfigStore(openStore(dir, 'config'))
      .read()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RsyncTrayError);
    expect((err as RsyncTrayError).message).toMatch(/profiles\[0\]\.bandwidthLimit \(profile "Documents"\)/);
    expect(await readFile(file, 'utf8')).toBe(bad);

    await writeFile(file, '{ "version": 1, ');
    // electron-store reads on open; the tray's startup turns this into a dialog.
    let thrown: unknown;
    try {
      await createElectronConfigStore(openStore(dir, 'config')).read();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(await readFile(file, 'utf8')).toBe('{ "version": 1, ');
  });

  it('refuses a file from a newer version instead of downgrading it', async () => {
    const doc = { store: { version: 9, profiles: [] } as Record<string, unknown>, path: '/x/config.json' };
    await expect(createElectronConfigStore(doc).read()).rejects.toThrow(/written by a newer Rsync Tray \(format 9/);
  });
});

describe('migrations', () => {
  it('runs each step from the file’s version up, and stamps the version', () => {
    const steps = {
      0: (d: Record<string, unknown>) => ({ ...d, a: 1 }),
      1: (d: Record<string, unknown>) => ({ ...d, b: (d.a as number) + 1 }),
    };
    expect(migrate({}, steps, 2, 'f')).toEqual({ data: { a: 1, b: 2, version: 2 }, from: 0, to: 2 });
    expect(migrate({ version: 1, a: 5 }, steps, 2, 'f').data).toEqual({ version: 2, a: 5, b: 6 });
    expect(migrate({ version: 2 }, steps, 2, 'f')).toEqual({ data: { version: 2 }, from: 2, to: 2 });
    expect(() => migrate({ version: 'x' }, steps, 2, 'f')).toThrow(/not a whole number/);
    expect(() => migrate({ version: 0 }, {}, 1, 'f')).toThrow(/No migration from format 0/);
  });
});

describe('preferences', () => {
  it('defaults, updates, persists', async () => {
    const dir = await tempDir();
    const prefs = createPreferencesStore(openStore(dir, 'preferences'));
    expect(prefs.get()).toEqual(defaultPreferences());
    expect(prefs.get().notifications).toEqual({ muted: false, failures: true, recoveries: true, confirmations: true });
    prefs.update((p) => ({ ...p, notifications: { ...p.notifications, muted: true } }));
    expect(createPreferencesStore(openStore(dir, 'preferences')).get().notifications.muted).toBe(true);
  });

  it('falls back to the defaults, with a warning, for a broken file', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'preferences.json'), JSON.stringify({ version: 1, trayTheme: 'purple' }));
    const warnings: string[] = [];
    expect(createPreferencesStore(openStore(dir, 'preferences'), (m) => warnings.push(m)).get()).toEqual(
      defaultPreferences(),
    );
    expect(warnings[0]).toMatch(/trayTheme/);
  });
});

describe('secret store over safeStorage', () => {
  const memoryStore = (): KeyValueStore & { data: Map<string, string> } => {
    const data = new Map<string, string>();
    return { data, get: (k) => data.get(k), set: (k, v) => void data.set(k, v), delete: (k) => void data.delete(k) };
  };
  const KEY = 'ada@backup.lan:873/docs';

  it('stores only ciphertext, returns the password, deletes it', async () => {
    const kv = memoryStore();
    const secrets = createSafeSecretStore(new FakeSafeStorage(), kv, 'linux');
    await secrets.set(KEY, 's3cret pass');
    expect([...kv.data.values()].join()).not.toContain('s3cret');
    expect(await secrets.get(KEY)).toBe('s3cret pass');
    expect(await secrets.get('other')).toBeUndefined();
    await secrets.delete(KEY);
    expect(await secrets.get(KEY)).toBeUndefined();
  });

  it('works through a real electron-store file (target keys contain dots)', async () => {
    const dir = await tempDir();
    const secrets = createSafeSecretStore(new FakeSafeStorage(), openStore(dir, 'safe-storage-secrets'), 'linux');
    await secrets.set(KEY, 'pw');
    const text = await readFile(path.join(dir, 'safe-storage-secrets.json'), 'utf8');
    expect(Object.keys(JSON.parse(text))).toEqual([KEY]);
    expect(text).not.toContain('"pw"');
    expect(
      await createSafeSecretStore(new FakeSafeStorage(), openStore(dir, 'safe-storage-secrets'), 'linux').get(KEY),
    ).toBe('pw');
  });

  it('refuses to store in clear on Linux with only the basic_text backend, and says why and what to do', async () => {
    const enc = new FakeSafeStorage();
    enc.backend = 'basic_text';
    const kv = memoryStore();
    const err = await createSafeSecretStore(enc, kv, 'linux')
      .set(KEY, 'pw')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RsyncTrayError);
    expect((err as RsyncTrayError).message).toMatch(/no system keyring.*basic_text/);
    expect((err as RsyncTrayError).hint).toBe(NO_KEYRING_HINT);
    expect((err as RsyncTrayError).hint).toMatch(/password file/);
    expect(kv.data.size).toBe(0);
  });

  it('refuses when encryption is unavailable at all', async () => {
    const enc = new FakeSafeStorage();
    enc.available = false;
    await expect(createSafeSecretStore(enc, memoryStore(), 'darwin').set(KEY, 'pw')).rejects.toThrow(/not available/);
  });

  it('says so when a stored value cannot be decrypted, and re-encrypts after a key rotation', async () => {
    const kv = memoryStore();
    kv.data.set(KEY, Buffer.from('garbage').toString('base64'));
    await expect(createSafeSecretStore(new FakeSafeStorage(), kv, 'win32').get(KEY)).rejects.toThrow(
      /cannot be decrypted/,
    );
    const enc = new FakeSafeStorage();
    const secrets = createSafeSecretStore(enc, kv, 'win32');
    await secrets.set(KEY, 'pw');
    enc.rotate = true;
    const spy = vi.spyOn(enc, 'encryptStringAsync');
    expect(await secrets.get(KEY)).toBe('pw');
    expect(spy).toHaveBeenCalledWith('pw');
  });
});
