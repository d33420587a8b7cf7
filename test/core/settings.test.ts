/**
 * The shared settings (config file) and the host's preferences (API): old config files still
 * validate and get the new setting's default; settings.set changes only what it names; a host
 * without preferences says so with a typed error, and one with them gets validated input only.
 */
import { execa } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SettingsPatchSchema } from '../../electron/shared/contract.ts';
import {
  HostPreferencesPatchSchema,
  HostPreferencesSchema,
  type HostPreferences,
  type HostPreferencesPatch,
} from '../../electron/shared/host-preferences.ts';
import { dispatch } from '../../electron/core/service/api-dispatch.ts';
import { startAppService, type AppService, type HostActions } from '../../electron/core/service/app-service.ts';
import { parseConfig, serializeConfig, validateConfig } from '../../electron/core/config/config-file.ts';
import { ConfigSchema, ProfileSchema, SettingsSchema, type Config } from '../../electron/shared/profile-schema.ts';

const profile = { name: 'docs', source: '/srv/docs', targets: [{ host: 'backup.lan', module: 'docs' }] };

describe('settings in the config file', () => {
  it('defaultDebounceMs defaults to the profile’s own default, and shares its limits', () => {
    expect(SettingsSchema.parse({})).toEqual({
      rsyncPath: 'rsync',
      defaultDebounceMs: ProfileSchema.parse(profile).debounceMs,
    });
    expect(SettingsSchema.parse({ defaultDebounceMs: 250 }).defaultDebounceMs).toBe(250);
    for (const bad of [-1, 1.5, 60_001, '5'])
      expect(SettingsSchema.safeParse({ defaultDebounceMs: bad }).success, String(bad)).toBe(false);
    expect(SettingsSchema.safeParse({ rsyncPath: '  ' }).error?.issues[0]?.message).toBe(
      'give the rsync program, e.g. rsync or /usr/local/bin/rsync',
    );
  });

  it('files written before the setting existed still validate, and get its default', () => {
    const withoutSettings = parseConfig(JSON.stringify({ version: 1, profiles: [profile] }));
    expect(withoutSettings.settings).toEqual({ rsyncPath: 'rsync', defaultDebounceMs: 5 });
    const oldSettings = validateConfig({ version: 1, settings: { rsyncPath: '/opt/rsync/bin/rsync' }, profiles: [] });
    expect(oldSettings.settings).toEqual({ rsyncPath: '/opt/rsync/bin/rsync', defaultDebounceMs: 5 });
    // Written back, the file says it explicitly, and reads the same.
    const again = parseConfig(serializeConfig(oldSettings));
    expect(again.settings).toEqual(oldSettings.settings);
    expect(() => validateConfig({ version: 1, settings: { defaultDebounceMs: 70_000 }, profiles: [] })).toThrow(
      /settings\.defaultDebounceMs: The default quiet time must be a whole number of milliseconds between 0 and 60,000\./,
    );
  });

  it('the CLI validates an old file, and a bad setting with its place', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-settings-'));
    try {
      const file = path.join(dir, 'config.json');
      // A source that exists: validate also reports what the machine lacks.
      await writeFile(
        file,
        JSON.stringify({ version: 1, settings: { rsyncPath: 'rsync' }, profiles: [{ ...profile, source: dir }] }),
      );
      const cli = (args: string[]) =>
        execa(process.execPath, [path.resolve('bin/rsync-tray.mjs'), ...args], {
          reject: false,
          env: { RSYNC_TRAY_HOME: dir },
        });
      const good = await cli(['validate', '--config', file]);
      expect(good.exitCode, good.stderr).toBe(0);
      expect(good.stdout).toContain(`${file} is valid: 1 profile.`);
      await writeFile(
        file,
        JSON.stringify({ version: 1, settings: { defaultDebounceMs: 'soon' }, profiles: [profile] }),
      );
      const bad = await cli(['validate', '--config', file]);
      expect(bad.exitCode).not.toBe(0);
      expect(bad.stderr + bad.stdout).toMatch(
        /settings\.defaultDebounceMs: The default quiet time must be a whole number/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a settings patch names only what changes: nothing left out is reset to a default', () => {
    expect(SettingsPatchSchema.parse({ rsyncPath: '/usr/bin/rsync' })).toEqual({ rsyncPath: '/usr/bin/rsync' });
    expect(SettingsPatchSchema.parse({})).toEqual({});
    expect(SettingsPatchSchema.safeParse({ startAtLogin: true }).success).toBe(false);
    // Every setting can be patched.
    expect(Object.keys(SettingsPatchSchema.shape).sort()).toEqual(Object.keys(SettingsSchema.shape).sort());
  });
});

describe('host preferences schemas', () => {
  it('start at login may be unknown to a host (null); notifications have all four switches', () => {
    const prefs: HostPreferences = {
      startAtLogin: null,
      notifications: { muted: false, failures: true, recoveries: true, confirmations: false },
    };
    expect(HostPreferencesSchema.parse(prefs)).toEqual(prefs);
    expect(HostPreferencesSchema.safeParse({ ...prefs, notifications: { muted: false } }).success).toBe(false);
    expect(HostPreferencesPatchSchema.parse({ notifications: { muted: true } })).toEqual({
      notifications: { muted: true },
    });
    expect(HostPreferencesPatchSchema.safeParse({ startAtLogin: null }).success).toBe(false);
    expect(HostPreferencesPatchSchema.safeParse({ notifications: { loud: true } }).success).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------

let service: AppService | undefined;
afterEach(async () => {
  await service?.dispose();
  service = undefined;
});

async function start(host?: HostActions, initial: unknown = { version: 2, profiles: [] }) {
  let stored: Config = ConfigSchema.parse(initial);
  const writes: Config[] = [];
  const secrets = new Map<string, string>();
  service = await startAppService({
    configStore: {
      read: async () => stored,
      write: async (c) => {
        stored = c;
        writes.push(c);
      },
    },
    secrets: {
      get: async (k) => secrets.get(k),
      set: async (k, v) => void secrets.set(k, v),
      delete: async (k) => void secrets.delete(k),
    },
    host,
  });
  const call = (method: string, input: unknown) => dispatch(service!.handlers, method, input);
  return { call, writes, stored: () => stored };
}

describe('settings.set and settings.get', () => {
  it('changes what it names and keeps the rest', async () => {
    const { call, stored } = await start(undefined, {
      version: 2,
      settings: { rsyncPath: 'rsync', defaultDebounceMs: 40 },
      profiles: [],
    });
    expect(await call('settings.get', {})).toEqual({ ok: true, value: { rsyncPath: 'rsync', defaultDebounceMs: 40 } });
    expect(await call('settings.set', { settings: { defaultDebounceMs: 120 } })).toEqual({
      ok: true,
      value: { rsyncPath: 'rsync', defaultDebounceMs: 120 },
    });
    // Only the rsync path: the quiet time stays 120, not the default.
    expect(await call('settings.set', { settings: { rsyncPath: ' rsync ' } })).toEqual({
      ok: true,
      value: { rsyncPath: 'rsync', defaultDebounceMs: 120 },
    });
    expect(stored().settings).toEqual({ rsyncPath: 'rsync', defaultDebounceMs: 120 });
  });

  it('refuses a bad value with the schema’s message and stores nothing', async () => {
    const { call, writes } = await start();
    const bad = await call('settings.set', { settings: { defaultDebounceMs: -5 } });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/settings\.defaultDebounceMs: The default quiet time must be a whole number/),
    });
    expect(writes).toEqual([]);
  });
});

describe('preferences.get and preferences.set', () => {
  it('a host without preferences (serve) answers a typed error that says why', async () => {
    const { call } = await start();
    for (const [method, input] of [
      ['preferences.get', {}],
      ['preferences.set', { preferences: { notifications: { muted: true } } }],
    ] as const) {
      const result = await call(method, input);
      expect(result.ok, method).toBe(false);
      expect(!result.ok && result.error).toEqual({
        code: 'UNSUPPORTED',
        message:
          'Start at login and notifications are settings of the Rsync Tray desktop app, which does not run here.',
        hint: expect.stringContaining('tray app'),
      });
    }
  });

  it('a host with preferences gets validated patches only', async () => {
    let prefs: HostPreferences = {
      startAtLogin: false,
      notifications: { muted: false, failures: true, recoveries: true, confirmations: true },
    };
    const patches: HostPreferencesPatch[] = [];
    const { call } = await start({
      preferences: {
        get: async () => prefs,
        set: async (patch) => {
          patches.push(patch);
          prefs = {
            startAtLogin: patch.startAtLogin ?? prefs.startAtLogin,
            notifications: { ...prefs.notifications, ...patch.notifications },
          };
          return prefs;
        },
      },
    });
    expect(await call('preferences.get', {})).toEqual({ ok: true, value: prefs });
    const set = await call('preferences.set', {
      preferences: { startAtLogin: true, notifications: { recoveries: false } },
    });
    expect(set).toEqual({
      ok: true,
      value: {
        startAtLogin: true,
        notifications: { muted: false, failures: true, recoveries: false, confirmations: true },
      },
    });
    for (const bad of [
      { preferences: { startAtLogin: 'yes' } },
      { preferences: { notifications: { loud: true } } },
      { preferences: {}, extra: 1 },
      {},
    ]) {
      const r = await call('preferences.set', bad);
      expect(r.ok, JSON.stringify(bad)).toBe(false);
      expect(!r.ok && r.error.code).toBe('BAD_REQUEST');
    }
    expect(patches).toEqual([{ startAtLogin: true, notifications: { recoveries: false } }]);
  });
});
