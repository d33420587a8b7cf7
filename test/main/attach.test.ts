/**
 * The tray attaches to a running headless engine (issue 18): with `rsync-tray run` already up for
 * the app's config, the tray (Electron test double) shows that engine's status, its Sync now runs
 * a sync there, a held deletion confirmed through the window's API deletes on the backup — and no
 * second engine is started. When the service stops, the menu says so and offers to run one here.
 * Real parts: an rsync daemon on 127.0.0.1, real folders and watching, the real headless host.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile, chown } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startHeadless, type HeadlessHost } from '../../electron/headless/bootstrap.ts';
import { startAppService, type AppServiceOptions } from '../../electron/core/service/app-service.ts';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { callControlSocket, controlSocketFor } from '../../electron/core/service/control-client.ts';
import { startTrayApp, type StoreName, type TrayApp } from '../../electron/main/app-main.ts';
import { CALL_CHANNEL, EVENT_CHANNEL } from '../../electron/shared/ipc-channels.ts';
import type { EngineEvent } from '../../electron/shared/status.ts';
import { poll } from '../support/sync-fixture.ts';
import { clickMenu, fakeElectron, FakeBrowserWindow, FakeNotification, FakeTray } from './fake-electron.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

class MemoryDoc {
  store: Record<string, unknown> = {};
  readonly path: string;
  constructor(file: string) {
    this.path = file;
  }
  get(key: string): unknown {
    return this.store[key];
  }
  set(key: string, value: string): void {
    this.store = { ...this.store, [key]: value };
  }
  delete(key: string): void {
    delete this.store[key];
  }
}

/** A real daemon, a source with 20 files, and the app's config file (`<userData>/config.json`). */
async function setup() {
  const work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-attach-'));
  const daemon: LocalDaemon = await startLocalDaemon({
    rootDir: path.join(work, 'daemon'),
    modules: [{ name: 'backup' }],
  });
  cleanups.push(async () => {
    await daemon.dispose();
    await rm(work, { recursive: true, force: true });
  });
  const source = path.join(work, 'source');
  await mkdir(source);
  for (let i = 0; i < 20; i++) await writeFile(path.join(source, `f${i}`), 'x');
  const appData = path.join(work, 'appData');
  const userData = path.join(appData, 'Rsync Tray');
  await mkdir(userData, { recursive: true, mode: 0o700 });
  const configFile = path.join(userData, 'config.json');
  const target = { host: '127.0.0.1', port: daemon.port, module: 'backup', user: daemon.user };
  const profile = {
    name: 'docs',
    source,
    targets: [{ ...target, auth: { type: 'passwordFile', path: daemon.passwordFile } }],
  };
  await writeFile(configFile, JSON.stringify({ version: 2, profiles: [profile] }), { mode: 0o600 });
  return { work, daemon, source, backup: daemon.modules.backup!, appData, userData, configFile };
}

/** `rsync-tray run --config FILE`, in this process: the service the tray attaches to. */
async function runService(configFile: string): Promise<HeadlessHost> {
  const host = await startHeadless({ configFile, print: () => {} });
  let stopped = false;
  cleanups.push(async () => {
    if (!stopped) await host.dispose();
  });
  const dispose = host.dispose.bind(host);
  return Object.assign(host, { dispose: () => ((stopped = true), dispose()) });
}

async function startTray(appData: string, env: Record<string, string> = {}) {
  const fake = fakeElectron();
  fake.app.paths.appData = appData;
  const docs = new Map<StoreName, MemoryDoc>();
  // The app's own engine, started for real when it hosts one: the double the attach must avoid.
  const startService = vi.fn((o: AppServiceOptions) => startAppService(o));
  const tray = (await startTrayApp({
    electron: fake.electron,
    paths: { preload: '/out/preload/index.cjs', rendererDir: '/out/renderer', trayImagesDir: '/res/tray' },
    openStore: (name) => {
      const doc = docs.get(name) ?? new MemoryDoc(`/mem/${name}.json`);
      // electron-store's `config` is <userData>/config.json, the very file the service runs.
      if (name === 'config')
        doc.store = JSON.parse(readFileSync(path.join(appData, 'Rsync Tray', 'config.json'), 'utf8'));
      docs.set(name, doc);
      return doc;
    },
    startService,
    platform: 'linux',
    argv: ['electron', '.'],
    env,
    homeDir: appData,
    trayThrottleMs: 0,
  })) as TrayApp | null;
  if (tray) cleanups.push(() => tray.service.dispose());
  const menu = () => FakeTray.instances[0]!.menus.at(-1)!.template as Array<{ label?: string; submenu?: unknown[] }>;
  const labels = () => menu().map((i) => i.label ?? '—');
  return { ...fake, tray, startService, menu, labels };
}

const until = <T>(fn: () => T | undefined | Promise<T | undefined>, what: () => string, ms = 20_000) =>
  poll(fn, ms, what);

describe('the tray attaches to a running service', () => {
  it('shows its status, Sync now runs there, a held deletion is confirmed through the window, no second engine', async () => {
    const s = await setup();
    const service = await runService(s.configFile);
    const serviceEvents: EngineEvent[] = [];
    service.service.subscribe((e) => serviceEvents.push(e));
    await until(
      () => (service.service.engine().status()[0]?.state === 'idle' ? true : undefined),
      () => JSON.stringify(service.service.engine().status()),
    );

    const t = await startTray(s.appData);
    const tray = t.tray!;
    // The service's engine, not one of the app's: nothing started here.
    expect(t.startService).not.toHaveBeenCalled();
    expect(() => tray.service.engine()).toThrow(/runs in the service/);
    expect(t.labels()).toContain(`Attached to the service (pid ${process.pid})`);
    expect(t.labels()).not.toContain('Engine in this app');
    expect(t.labels()[0]).toBe('The backup is current');
    expect(t.labels().some((l) => l.startsWith('docs — '))).toBe(true);

    // Sync now from the menu: the service runs a full sync, and the window hears of it.
    await tray.act({ type: 'show-window' });
    const win = FakeBrowserWindow.instances[0]!;
    const fulls = () => serviceEvents.filter((e) => e.type === 'run' && e.run.kind === 'full').length;
    const before = fulls();
    clickMenu(t.menu(), ['Sync all now']);
    await until(
      () => (fulls() > before ? true : undefined),
      () => `no full run after Sync now: ${JSON.stringify(serviceEvents.map((e) => e.type))}`,
    );
    await until(
      () =>
        win.webContents.sent.some(([channel, e]) => channel === EVENT_CHANNEL && (e as EngineEvent).type === 'run')
          ? true
          : undefined,
      () => 'the window got no run event',
    );

    // A mass deletion is held by the service; the tray sees it and the window confirms it.
    for (let i = 0; i < 20; i++) await rm(path.join(s.source, `f${i}`));
    await until(
      () => (t.labels()[0]?.includes('waiting for your confirmation') ? true : undefined),
      () => t.labels().join(' | '),
    );
    expect(await readdir(s.backup)).toContain('f0');
    const call = (method: string, input: unknown) =>
      t.ipcMain.handlers.get(CALL_CHANNEL)!(
        { sender: win.webContents, senderFrame: win.webContents.mainFrame },
        method,
        input,
      );
    const review = (await call('deletions.list', { profile: 'docs' })) as {
      ok: boolean;
      value: Array<{ total: number }>;
    };
    expect(review.ok).toBe(true);
    expect(review.value[0]!.total).toBe(20);
    expect(await call('deletions.confirm', { profile: 'docs' })).toEqual({ ok: true, value: null });
    await until(
      async () => ((await readdir(s.backup)).some((n) => /^f\d+$/.test(n)) ? undefined : true),
      () => 'the backup still has the deleted files',
    );
    await until(
      () => (t.labels()[0] === 'The backup is current' ? true : undefined),
      () => t.labels().join(' | '),
    );
    // The app's own preferences are still the app's, attached or not.
    expect(await call('preferences.get', {})).toMatchObject({ ok: true, value: { startAtLogin: false } });
    // A profile edit from the window is the service's: written to its config, applied by its engine.
    const listed = (await call('profiles.list', {})) as { value: Array<Record<string, unknown>> };
    const edited = { ...listed.value[0], debounceMs: 1234 };
    expect(await call('profiles.save', { profile: edited })).toMatchObject({ ok: true, value: { debounceMs: 1234 } });
    expect(JSON.parse(readFileSync(s.configFile, 'utf8')).profiles[0].debounceMs).toBe(1234);
    // Browsing the backup for a restore goes through the service too (its passwords, its rsync).
    await writeFile(path.join(s.source, 'kept.txt'), 'kept');
    await until(
      async () => ((await readdir(s.backup)).includes('kept.txt') ? true : undefined),
      () => 'kept.txt never reached the backup',
    );
    const browse = (await call('restore.list', { profile: 'docs' })) as {
      ok: boolean;
      value: { items: Array<{ name: string }> };
    };
    expect(browse.ok).toBe(true);
    expect(browse.value.items.map((i) => i.name)).toContain('kept.txt');
    expect(t.startService).not.toHaveBeenCalled();

    // The service stops: the tray says so (never a stale "current") and offers to run the engine here.
    await service.dispose();
    await until(
      () => (t.labels().includes(`The service (pid ${process.pid}) stopped: nothing is syncing`) ? true : undefined),
      () => t.labels().join(' | '),
    );
    expect(t.labels()[0]).toBe('The backup is failing');
    expect(FakeNotification.instances.some((n) => /stopped; nothing is syncing/.test(n.options.body))).toBe(true);
    expect(t.startService).not.toHaveBeenCalled(); // not silently
    expect(await call('sync.now', {})).toMatchObject({ ok: false, error: { code: 'NOT_RUNNING' } });

    // Clicked twice before the first start is done: still one engine.
    clickMenu(t.menu(), ['Start the engine in this app']);
    clickMenu(t.menu(), ['Start the engine in this app']);
    await until(
      () => (t.labels().includes('Engine in this app') ? true : undefined),
      () => t.labels().join(' | '),
    );
    expect(t.startService).toHaveBeenCalledTimes(1);
    expect(
      tray.service
        .engine()
        .status()
        .map((p) => p.name),
    ).toEqual(['docs']);
    // The engine now here answers on the config's socket, as the service did.
    expect(await callControlSocket(controlSocketFor(s.configFile), 'status.get', {})).toMatchObject({ ok: true });
  }, 60_000);

  it('when the service is back, the offer attaches to it again instead of starting a second engine', async () => {
    const s = await setup();
    const first = await runService(s.configFile);
    const t = await startTray(s.appData);
    expect(t.labels()).toContain(`Attached to the service (pid ${process.pid})`);
    await first.dispose();
    await until(
      () => (t.labels().includes('Start the engine in this app') ? true : undefined),
      () => t.labels().join(' | '),
    );
    await runService(s.configFile);
    clickMenu(t.menu(), ['Start the engine in this app']);
    await until(
      () => (t.labels().includes(`Attached to the service (pid ${process.pid})`) ? true : undefined),
      () => t.labels().join(' | '),
    );
    expect(t.startService).not.toHaveBeenCalled();
    await until(
      () => (t.labels()[0] === 'The backup is current' ? true : undefined),
      () => t.labels().join(' | '),
    );
  }, 30_000);

  it('with RSYNC_TRAY_ATTACH=off it starts its own engine: the second one attaching avoids', async () => {
    const s = await setup();
    await runService(s.configFile);
    const t = await startTray(s.appData, { RSYNC_TRAY_ATTACH: 'off' });
    expect(t.startService).toHaveBeenCalledTimes(1);
    expect(t.labels()).toContain('Engine in this app');
  }, 30_000);

  it('with no service running it hosts the engine, which answers the CLI and keeps a service from doubling it', async () => {
    const s = await setup();
    const t = await startTray(s.appData);
    expect(t.startService).toHaveBeenCalledTimes(1);
    expect(t.labels()).toContain('Engine in this app');
    // `rsync-tray status --config <userData>/config.json` reaches the app's engine…
    const answer = await callControlSocket(controlSocketFor(s.configFile), 'status.get', {});
    expect(answer.ok && answer.value.map((p) => p.name)).toEqual(['docs']);
    // …and `rsync-tray run` on the same config refuses instead of syncing the same folders twice.
    await expect(startHeadless({ configFile: s.configFile, print: () => {} })).rejects.toThrow(/already running/);
  }, 30_000);

  it.runIf(process.getuid?.() === 0)(
    "another user's service socket is refused with what to do, and no engine is started beside it",
    async () => {
      const s = await setup();
      const config = path.join(s.work, 'system', 'config.json');
      const socket = controlSocketFor(config);
      await mkdir(path.dirname(socket), { recursive: true, mode: 0o700 });
      const server = net.createServer((c) => c.end());
      await new Promise<void>((resolve) => server.listen(socket, resolve));
      cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
      await chown(path.dirname(socket), 65534, 65534);
      await chown(socket, 65534, 65534);
      const t = await startTray(s.appData, { RSYNC_TRAY_ATTACH: config });
      expect(t.tray).toBeNull();
      expect(t.startService).not.toHaveBeenCalled();
      const box = t.dialogCalls.boxes[0] as { detail: string };
      expect(box.detail).toContain(`${socket} belongs to another user (uid 65534)`);
      expect(box.detail).toContain('rsync-tray service install --user');
    },
  );
});
