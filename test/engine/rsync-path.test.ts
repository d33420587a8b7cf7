/**
 * A wrong setup is said as what it is, where it can be fixed. A wrong rsync program in the
 * settings makes every profile an error that names the path and the setting (it used to read
 * "Disabled"), through the engine, the API after a settings change, and the CLI; a source
 * folder that does not exist is refused when a profile is saved or imported, with nothing
 * changed — but a config read at start with a missing source still starts (a disk not mounted
 * yet is the engine's "source missing", not a refusal). Real rsync, a real daemon on 127.0.0.1.
 */
import { execa } from 'execa';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { startAppService, type AppService } from '../../electron/core/service/app-service.ts';
import { dispatch } from '../../electron/core/service/api-dispatch.ts';
import { startEngine } from '../../electron/core/sync/engine.ts';
import { noWatcher } from '../../electron/core/watch/watcher-backends.ts';
import { CONFIG_VERSION, ConfigSchema, type Config } from '../../electron/shared/profile-schema.ts';
import type { EngineEvent, ProfileStatus } from '../../electron/shared/status.ts';
import { startScriptedService } from '../support/scripted-service.ts';
import { poll } from '../support/sync-fixture.ts';
import { treesEqual } from '../support/trees.ts';

const BIN = path.resolve('bin/rsync-tray.mjs');
const NO_RSYNC = '/nonexistent/bin/rsync';

let work: string;
let daemon: LocalDaemon;
let source: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-rsync-path-'));
  daemon = await startLocalDaemon({ rootDir: path.join(work, 'daemon') });
  source = path.join(work, 'source');
  await mkdir(source);
  await writeFile(path.join(source, 'a.txt'), 'alpha');
});

afterAll(async () => {
  await daemon?.dispose();
  if (work) await rm(work, { recursive: true, force: true });
});

/** A profile backing up into its own folder of the module, named after it. */
const profile = ({ name = 'docs', ...over }: Record<string, unknown> = {}) => ({
  name,
  source,
  fullSyncIntervalMinutes: 0,
  targets: [
    {
      host: daemon.host,
      port: daemon.port,
      module: 'backup',
      path: name,
      user: daemon.user,
      auth: { type: 'passwordFile', path: daemon.passwordFile },
    },
  ],
  ...over,
});
const configOf = (rsyncPath: string, ...profiles: unknown[]) => ({
  version: CONFIG_VERSION,
  settings: { rsyncPath },
  profiles: profiles.length ? profiles : [profile()],
});

function expectRsyncError(status: ProfileStatus | undefined, rsyncPath: string): void {
  expect(status?.state).toBe('error');
  expect(status?.lastError?.code).toBe('RSYNC_MISSING');
  expect(status?.lastError?.message).toContain(rsyncPath);
  expect(status?.lastError?.hint).toContain('Correct the rsync program in Settings (in the window)');
  expect(status?.lastError?.hint).toContain('settings.rsyncPath in the config file');
}

describe('a wrong rsync program', () => {
  it('the engine says each profile is in error, naming the path and the setting — from its start', async () => {
    for (const [rsyncPath, message] of [
      [NO_RSYNC, `rsync was not found at ${NO_RSYNC}.`],
      [work, `The rsync program at ${work} cannot be run: it is a folder, or not an executable program.`],
    ] as const) {
      const events: EngineEvent[] = [];
      const config = ConfigSchema.parse(configOf(rsyncPath));
      const engine = await startEngine({ config, watcherFactory: noWatcher, onEvent: (e) => events.push(e) });
      try {
        expectRsyncError(engine.status()[0], rsyncPath);
        expect(engine.status()[0]?.lastError?.message).toBe(message);
        // Said as it happened, to a listener there from the start: the error, and the profile's state.
        expect(events.find((e) => e.type === 'log')).toMatchObject({ level: 'error' });
        const said = events.flatMap((e) => (e.type === 'status' ? [e.status] : []));
        expect(said.map((s) => s.state)).toEqual(['error']);
      } finally {
        await engine.dispose();
      }
    }
  });

  it('saved in the settings, the profiles turn to that error (not "disabled"), and back when fixed', async () => {
    let stored: Config = ConfigSchema.parse(configOf('rsync'));
    const service: AppService = await startAppService({
      configStore: { read: async () => stored, write: async (c) => void (stored = c) },
      secrets: { get: async () => undefined, set: async () => {}, delete: async () => {} },
      engine: { watcherFactory: noWatcher },
    });
    const call = (method: string, input: unknown) => dispatch(service.handlers, method, input);
    const idle = () =>
      poll(
        () => (service.engine().status()[0]?.state === 'idle' ? true : undefined),
        20_000,
        () => JSON.stringify(service.engine().status()),
      );
    try {
      await idle();
      const events: EngineEvent[] = [];
      service.subscribe((e) => events.push(e));

      expect(await call('settings.set', { settings: { rsyncPath: NO_RSYNC } })).toMatchObject({ ok: true });
      // The last word a window or the tray heard about the profile is the error.
      const statuses = events.flatMap((e) => (e.type === 'status' ? [e.status] : []));
      expectRsyncError(statuses.at(-1), NO_RSYNC);
      const now = await call('status.get', {});
      expectRsyncError(now.ok ? (now.value as ProfileStatus[])[0] : undefined, NO_RSYNC);
      expect(events.some((e) => e.type === 'log' && e.level === 'error' && e.message.includes(NO_RSYNC))).toBe(true);

      await call('settings.set', { settings: { rsyncPath: 'rsync' } });
      await idle();
      expect(await treesEqual(source, path.join(daemon.modules.backup!, 'docs'))).toEqual([]);
    } finally {
      await service.dispose();
    }
  });

  it('the CLI: a one-shot sync fails naming the path and settings.rsyncPath; a running engine’s status too', async () => {
    const home = await mkdtemp(path.join(work, 'cli-'));
    const configFile = path.join(home, 'config.json');
    await writeFile(configFile, JSON.stringify(configOf(NO_RSYNC)));
    const cli = (args: string[]) =>
      execa(process.execPath, [BIN, ...args, '--config', configFile], {
        reject: false,
        env: { RSYNC_TRAY_HOME: home },
      });

    const once = await cli(['sync']);
    expect(once.stdout).toContain(`FAILED [docs]: rsync was not found at ${NO_RSYNC}. — Correct the rsync program`);
    expect(once.stdout).toContain('settings.rsyncPath in the config file');
    expect(once.exitCode).toBe(1);

    const run = execa(process.execPath, [BIN, 'run', '--config', configFile], {
      reject: false,
      env: { RSYNC_TRAY_HOME: home },
    });
    try {
      const status = await poll(
        async () => {
          const r = await cli(['status']);
          return r.exitCode === 3 ? undefined : r;
        },
        20_000,
        () => 'the engine never answered status',
      );
      expect(status.stdout).toContain('docs: error (never synced)');
      expect(status.stdout).not.toMatch(/disabled/);
      expect(status.stdout).toContain(`rsync was not found at ${NO_RSYNC}.`);
      expect(status.exitCode).toBe(1);
    } finally {
      run.kill('SIGTERM');
      await run;
    }
  });
});

describe('a source folder that does not exist, at save', () => {
  const missing = () => path.join(work, 'not-mounted', 'Documents');
  const host = (...profiles: unknown[]) => startScriptedService({ config: configOf('rsync', ...profiles) });
  let h: Awaited<ReturnType<typeof host>> | null = null;
  afterEach(async () => {
    await h?.service.dispose();
    h = null;
  });

  it('saving a new profile with it is refused, saying so and what to do; nothing is written', async () => {
    h = await host(profile());
    const r = await h.call('profiles.save', { profile: profile({ name: 'new', source: missing() }) });
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'SOURCE_MISSING',
        message: `The source folder ${missing()} does not exist, so profile "new" was not saved.`,
        hint:
          'Create the folder, mount the disk it is on, or fix the path, then save again; nothing was changed. ' +
          'To keep a profile until its folder is there, save it switched off (Enabled unticked, "enabled": false).',
      },
    });
    const file = path.join(source, 'a.txt');
    const asFile = await h.call('profiles.save', { profile: profile({ name: 'new', source: file }) });
    expect(!asFile.ok && asFile.error.message).toBe(
      `The source folder ${file} is a file, not a folder, so profile "new" was not saved.`,
    );
    expect(h.writes()).toBe(0);
    expect(h.stored().profiles.map((p) => p.name)).toEqual(['docs']);
  });

  it('saved switched off it is kept; switching it on is refused', async () => {
    h = await host(profile());
    const off = profile({ name: 'later', source: missing(), enabled: false });
    expect(await h.call('profiles.save', { profile: off })).toMatchObject({ ok: true });
    const on = await h.call('profiles.save', { profile: { ...off, enabled: true }, previousName: 'later' });
    expect(on).toMatchObject({ ok: false, error: { code: 'SOURCE_MISSING' } });
    expect(h.stored().profiles.find((p) => p.name === 'later')?.enabled).toBe(false);
  });

  it('a config read at start with it starts; that profile can still be edited, but not moved to another missing one', async () => {
    h = await host(profile({ source: missing() }));
    const status = await poll(
      async () => {
        const r = await h!.call('status.get', {});
        const s = r.ok ? (r.value as ProfileStatus[])[0] : undefined;
        return s?.targets[0]?.lastError?.code === 'SOURCE_MISSING' ? s : undefined;
      },
      20_000,
      () => 'the profile never said its source is missing',
    );
    expect(status.targets[0]?.lastError?.message).toContain(missing());
    const edited = profile({ source: missing(), bandwidthLimit: '1M' });
    expect(await h.call('profiles.save', { profile: edited, previousName: 'docs' })).toMatchObject({ ok: true });
    const moved = await h.call('profiles.save', {
      profile: { ...edited, source: `${missing()}-2` },
      previousName: 'docs',
    });
    expect(moved).toMatchObject({ ok: false, error: { code: 'SOURCE_MISSING' } });
    expect(h.stored().profiles[0]?.source).toBe(missing());
  });

  it('an import with it is refused whole, through the API and the CLI', async () => {
    h = await host(profile());
    const text = JSON.stringify(
      configOf('rsync', profile({ name: 'here', source: work }), profile({ name: 'gone', source: missing() })),
    );
    const r = await h.call('config.importApply', { text, format: 'json', conflicts: {} });
    expect(r).toMatchObject({ ok: false, error: { code: 'SOURCE_MISSING' } });
    expect(!r.ok && r.error.message).toContain(`${missing()} does not exist, so profile "gone" was not saved`);
    expect(h.writes()).toBe(0);

    const home = await mkdtemp(path.join(work, 'cli-import-'));
    const configFile = path.join(home, 'config.json');
    const exported = path.join(home, 'export.json');
    await writeFile(configFile, JSON.stringify(configOf('rsync')));
    await writeFile(exported, text);
    const before = await readFile(configFile, 'utf8');
    const cli = await execa(process.execPath, [BIN, 'import', exported, '--config', configFile], {
      reject: false,
      env: { RSYNC_TRAY_HOME: home },
    });
    expect(cli.stderr).toContain(
      `Error: The source folder ${missing()} does not exist, so profile "gone" was not saved.`,
    );
    expect(cli.stderr).toContain('What to do: Create the folder, mount the disk it is on, or fix the path');
    expect(cli.exitCode).toBe(2);
    expect(await readFile(configFile, 'utf8')).toBe(before);
  });
});
