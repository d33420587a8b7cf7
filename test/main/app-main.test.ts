import { mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { METHODS, type ApiHandlers } from '../../electron/shared/contract.ts';
import type { EngineEvent, ProfileStatus } from '../../electron/shared/status.ts';
import { startAppService, type AppService, type AppServiceOptions } from '../../electron/core/service/app-service.ts';
import { RsyncTrayError } from '../../electron/shared/errors.ts';
import {
  shouldShowWindowAtStart,
  startTrayApp,
  type StoreName,
  type TrayAppOptions,
} from '../../electron/main/app-main.ts';
import { CALL_CHANNEL, EVENT_CHANNEL, PICK_FOLDER_CHANNEL } from '../../electron/shared/ipc-channels.ts';
import { clickMenu, fakeElectron, FakeBrowserWindow, FakeNotification, FakeTray } from './fake-electron.ts';
import { status } from './statuses.ts';

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
    const { [key]: _gone, ...rest } = this.store;
    this.store = rest;
  }
}

function fakeService(initial: ProfileStatus[]) {
  let statuses = initial;
  let seq = 0;
  const listeners = new Set<(e: EngineEvent) => void>();
  const handlers = Object.fromEntries(
    METHODS.map((m) => [m, vi.fn(async () => (m === 'status.get' ? statuses : null))]),
  ) as unknown as ApiHandlers;
  const order: string[] = [];
  const service: AppService = {
    handlers,
    engine: () => ({ status: () => statuses }) as never,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose: vi.fn(async () => {
      await new Promise((r) => setTimeout(r, 20));
      order.push('disposed');
    }),
  };
  const emit = (event: Record<string, unknown>) => {
    for (const l of listeners) l({ ...event, seq: ++seq, at: Date.now() } as EngineEvent);
  };
  const setStatuses = (next: ProfileStatus[]) => {
    statuses = next;
    for (const s of next) emit({ type: 'status', status: s });
  };
  return { service, handlers, emit, setStatuses, order, listeners };
}

async function start(
  opts: {
    statuses?: ProfileStatus[];
    argv?: string[];
    packaged?: boolean;
    gotLock?: boolean;
    startService?: TrayAppOptions['startService'];
    broken?: StoreName[];
  } = {},
) {
  const fake = fakeElectron();
  const appData = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-appdata-'));
  const home = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-home-'));
  fake.app.paths.appData = appData;
  fake.app.isPackaged = opts.packaged ?? false;
  fake.app.gotLock = opts.gotLock ?? true;
  const svc = fakeService(opts.statuses ?? []);
  const docs = new Map<StoreName, MemoryDoc>();
  let serviceOptions: AppServiceOptions | null = null;
  const app = await startTrayApp({
    electron: fake.electron,
    paths: {
      preload: '/out/preload/index.cjs',
      rendererDir: '/out/renderer',
      trayImagesDir: '/res/tray',
      appIcon: '/res/icon.png',
    },
    openStore: (name) => {
      // As electron-store does for a file that is not JSON (clearInvalidConfig: false).
      if (opts.broken?.includes(name)) throw new SyntaxError(`Unexpected end of JSON input in /mem/${name}.json`);
      const doc = docs.get(name) ?? new MemoryDoc(`/mem/${name}.json`);
      docs.set(name, doc);
      return doc;
    },
    startService:
      opts.startService ??
      (async (o) => {
        serviceOptions = o;
        return svc.service;
      }),
    platform: 'linux',
    argv: opts.argv ?? ['electron', '.'],
    env: { XDG_CURRENT_DESKTOP: 'KDE' },
    homeDir: home,
    trayThrottleMs: 0,
  });
  return { ...fake, app: fake.app, tray: app, svc, docs, appData, home, serviceOptions: () => serviceOptions };
}

const tick = () => new Promise((r) => setTimeout(r, 5));
const lastMenu = () => FakeTray.instances[0]!.menus.at(-1)!.template;

describe('tray app lifecycle', () => {
  it('a second launch quits at once and leaves the first instance to show its window', async () => {
    const { tray, app } = await start({ gotLock: false });
    expect(tray).toBeNull();
    expect(app.quitted).toBe(true);
    expect(FakeTray.instances).toHaveLength(0);
  });

  it('starts: stable user-data folder, privileged app:// scheme, permissions denied, tray, IPC', async () => {
    const { app, appData, protocolCalls, sessionCalls, ipcMain, serviceOptions } = await start({
      statuses: [status('Docs', 'idle')],
    });
    expect(app.name).toBe('Rsync Tray');
    expect(app.getPath('userData')).toBe(path.join(appData, 'Rsync Tray'));
    expect(protocolCalls.privileged).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    expect(protocolCalls.handlers.has('app')).toBe(true);
    let granted: boolean | null = null;
    sessionCalls.permissionRequest!(null, 'notifications', (ok: boolean) => (granted = ok));
    expect(granted).toBe(false);
    expect(sessionCalls.permissionCheck!(null, 'clipboard-read')).toBe(false);
    const headers = await new Promise<Record<string, string[]>>((resolve) =>
      sessionCalls.headers!({ responseHeaders: {} }, (r: { responseHeaders: Record<string, string[]> }) =>
        resolve(r.responseHeaders),
      ),
    );
    expect(headers['Content-Security-Policy']![0]).toMatch(/^default-src 'none'; script-src 'self'/);
    expect(ipcMain.handlers.has(CALL_CHANNEL)).toBe(true);
    const tray = FakeTray.instances[0]!;
    expect(tray.images).toEqual(['/res/tray/tray-current-light.png']);
    expect(tray.tooltips).toEqual(['Rsync Tray: The backup is current']);
    // Profiles exist: the app starts quietly in the tray.
    expect(FakeBrowserWindow.instances).toHaveLength(0);
    // The host can open folders through the shell, and the engine journals pending work in user data.
    await serviceOptions()!.host!.openFolder!('/home/ada/Documents');
    expect(serviceOptions()!.engine).toEqual({ stateDir: path.join(appData, 'Rsync Tray', 'state', 'config') });
    expect(Object.keys(serviceOptions()!.importers!)).toEqual(['sersync']);
  });

  it('opens the window at a first run by hand, not at login', async () => {
    await start();
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    expect(FakeBrowserWindow.instances[0]!.urls).toEqual(['app://rsync-tray/index.html']);
    await start({ argv: ['rsync-tray', '--hidden'] });
    expect(FakeBrowserWindow.instances).toHaveLength(0);
    expect(shouldShowWindowAtStart(['x'], 0)).toBe(true);
    expect(shouldShowWindowAtStart(['x', '--hidden'], 0)).toBe(false);
    expect(shouldShowWindowAtStart(['x'], 2)).toBe(false);
  });

  it('shows the folder chooser over the app window to its page', async () => {
    const { tray, ipcMain, dialogCalls } = await start({ statuses: [status('Docs', 'idle')] });
    tray!.windows.show();
    const win = FakeBrowserWindow.instances[0]!;
    const event = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    dialogCalls.picked = '/srv/www';
    expect(await ipcMain.handlers.get(PICK_FOLDER_CHANNEL)!(event)).toBe('/srv/www');
    expect(dialogCalls.opened[0]![0]).toBe(win);
    expect(dialogCalls.opened[0]![1]).toMatchObject({ properties: ['openDirectory', 'createDirectory'] });
    dialogCalls.picked = null;
    expect(await ipcMain.handlers.get(PICK_FOLDER_CHANNEL)!(event)).toBeNull();
  });

  it('a second launch focuses the window', async () => {
    const { app } = await start({ statuses: [status('Docs', 'idle')] });
    app.emit('second-instance', {}, ['rsync-tray'], '/');
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    const win = FakeBrowserWindow.instances[0]!;
    app.emit('second-instance', {}, ['rsync-tray'], '/');
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    expect(win.focused).toBe(1);
  });

  it('quits cleanly: the engine is disposed before the app exits', async () => {
    const { app, tray, svc } = await start({ statuses: [status('Docs', 'syncing')] });
    app.quit();
    expect(app.quitted).toBe(false);
    await tray!.whenStopped;
    expect(svc.order).toEqual(['disposed']);
    expect(app.quitted).toBe(true);
    expect(FakeTray.instances[0]!.destroyed).toBe(true);
    const log = await readFile(tray!.log.path, 'utf8');
    expect(log).toMatch(/INFO {2}Quitting: stopping the engine\n.*INFO {2}Stopped\n$/);
  });

  it('an unreadable config stops the start with a dialog that says what is wrong', async () => {
    const { tray, app, dialogCalls, shellCalls } = await start({
      startService: async () => {
        throw new RsyncTrayError(
          'INVALID_CONFIG',
          'The config file has 1 problem: profiles[0].port: too big',
          'Correct the fields listed above; nothing was changed.',
        );
      },
    });
    expect(tray).toBeNull();
    expect(dialogCalls.boxes[0]).toMatchObject({
      type: 'error',
      detail: expect.stringContaining('profiles[0].port: too big'),
    });
    expect(shellCalls.shown).toEqual([]);
    expect(app.quitted).toBe(true);
  });
});

describe('damaged files', () => {
  it('a secrets file that cannot be read stops the start with its problem, untouched', async () => {
    const { tray, dialogCalls, docs } = await start({
      broken: ['safe-storage-secrets'],
      statuses: [status('Docs', 'idle')],
    });
    expect(tray).toBeNull();
    expect(dialogCalls.boxes[0]).toMatchObject({
      detail: expect.stringMatching(
        /Rsync Tray\/safe-storage-secrets\.json cannot be read: Unexpected end of JSON input[\s\S]*Move the file aside/,
      ),
    });
    expect(docs.has('safe-storage-secrets')).toBe(false);
  });

  it('a preferences file that cannot be read means defaults, and a line in the log', async () => {
    const { tray } = await start({ broken: ['preferences'], statuses: [status('Docs', 'idle')] });
    expect(tray!.preferences.get().notifications.muted).toBe(false);
    expect(await readFile(tray!.log.path, 'utf8')).toMatch(
      /WARN {2}The preferences file cannot be read \(Unexpected end of JSON input/,
    );
  });
});

describe('tray, notifications and events', () => {
  it('rebuilds image, tooltip and menu when a status changes, and notifies a failure once', async () => {
    const { svc } = await start({ statuses: [status('Docs', 'idle'), status('Web', 'idle')] });
    const tray = FakeTray.instances[0]!;
    svc.setStatuses([status('Docs', 'idle'), status('Web', 'error')]);
    await tick();
    expect(tray.images.at(-1)).toBe('/res/tray/tray-error-light.png');
    expect(tray.tooltips.at(-1)).toBe('Rsync Tray: 1 of 2 backups is failing\nWeb: error');
    expect(lastMenu()[0].label).toBe('1 of 2 backups is failing');
    expect(FakeNotification.instances.map((n) => n.options.title)).toEqual(['Backup “Web” has stopped']);
    const menus = tray.menus.length;
    svc.setStatuses([status('Docs', 'idle'), status('Web', 'error')]);
    await tick();
    // Nothing visible changed: no new menu (Linux would flicker), no second notification.
    expect(tray.menus.length).toBe(menus);
    expect(FakeNotification.instances).toHaveLength(1);

    // A click on the notification opens the window on that profile.
    FakeNotification.instances[0]!.emit('click');
    expect(FakeBrowserWindow.instances[0]!.urls).toEqual(['app://rsync-tray/index.html#/activity/Web']);
  });

  it('forwards engine events to the window and writes runs and logs to the log file', async () => {
    const { svc, tray } = await start({ statuses: [status('Docs', 'idle')] });
    tray!.windows.show();
    svc.emit({ type: 'log', level: 'warn', message: 'inotify watch limit reached; polling', profile: 'Docs' });
    svc.emit({
      type: 'run',
      run: {
        profile: 'Docs',
        target: 'ada@b:873/docs',
        kind: 'batch',
        startedAt: 0,
        durationMs: 1234,
        paths: 3,
        files: 2,
        bytes: 2048,
        latencyMs: 40,
        outcome: 'ok',
        error: null,
      },
    });
    const sent = FakeBrowserWindow.instances[0]!.webContents.sent;
    expect(sent.map(([channel, e]) => [channel, (e as EngineEvent).type])).toEqual([
      [EVENT_CHANNEL, 'log'],
      [EVENT_CHANNEL, 'run'],
    ]);
    const log = await readFile(tray!.log.path, 'utf8');
    expect(log).toContain('WARN  [Docs] inotify watch limit reached; polling');
    expect(log).toContain('INFO  [Docs] 3 changes to ada@b:873/docs: 2 files sent, 2.0 KiB in 1.2 s');
  });

  it('menu actions go through the API: sync, pause for an hour, resume, open folder', async () => {
    const { svc } = await start({ statuses: [status('Docs', 'idle'), status('Web', 'paused')] });
    clickMenu(lastMenu(), ['Pause all', 'For 1 hour']);
    clickMenu(lastMenu(), ['Docs', 'Sync now']);
    clickMenu(lastMenu(), ['Web', 'Resume']);
    clickMenu(lastMenu(), ['Docs', 'Open source folder']);
    clickMenu(lastMenu(), ['Sync all now']);
    await tick();
    expect(svc.handlers['sync.pause']).toHaveBeenCalledWith({ minutes: 60 });
    expect(svc.handlers['sync.now']).toHaveBeenCalledWith({ profile: 'Docs' });
    expect(svc.handlers['sync.now']).toHaveBeenCalledWith({});
    expect(svc.handlers['sync.resume']).toHaveBeenCalledWith({ profile: 'Web' });
    expect(svc.handlers['folder.open']).toHaveBeenCalledWith({ profile: 'Docs' });
  });

  it('a failed action is reported in a notification and the log', async () => {
    const { svc, tray } = await start({ statuses: [status('Docs', 'idle')] });
    vi.mocked(svc.handlers['folder.open']).mockRejectedValueOnce(
      new RsyncTrayError('SOURCE_MISSING', 'The folder /x is missing.', 'Mount it.'),
    );
    await tray!.act({ type: 'open-folder', profile: 'Docs' });
    expect(FakeNotification.instances.at(-1)!.options.body).toBe('The folder /x is missing. Mount it.');
    expect(await readFile(tray!.log.path, 'utf8')).toContain('folder.open: The folder /x is missing. — Mount it.');
  });

  it('mutes notifications from the menu and remembers it', async () => {
    const { svc, docs } = await start({ statuses: [status('Docs', 'idle')] });
    clickMenu(lastMenu(), ['Notifications', 'Mute all']);
    await tick();
    expect((docs.get('preferences')!.store.notifications as { muted: boolean }).muted).toBe(true);
    expect(lastMenu().find((i: { label: string }) => i.label === 'Notifications').submenu[0].checked).toBe(true);
    svc.setStatuses([status('Docs', 'error')]);
    await tick();
    expect(FakeNotification.instances).toHaveLength(0);
  });

  it('opens the log and quits from the menu', async () => {
    const { shellCalls, tray, app } = await start({ statuses: [status('Docs', 'idle')] });
    clickMenu(lastMenu(), ['Open the log']);
    await tick();
    expect(shellCalls.opened).toEqual([tray!.log.path]);
    clickMenu(lastMenu(), ['Quit Rsync Tray']);
    await tray!.whenStopped;
    expect(app.quitted).toBe(true);
  });

  it('follows the panel colour when the system theme changes', async () => {
    const { nativeTheme } = await start({ statuses: [status('Docs', 'idle')] });
    nativeTheme.shouldUseDarkColors = true;
    nativeTheme.emit('updated');
    await tick();
    expect(FakeTray.instances[0]!.images.at(-1)).toBe('/res/tray/tray-current-dark.png');
  });
});

describe('start at login', () => {
  it('is switched on at the first run of the installed app, once; the menu switches it off', async () => {
    const { home, tray, docs } = await start({ packaged: true, statuses: [status('Docs', 'idle')] });
    const file = path.join(home, '.config', 'autostart', 'rsync-tray.desktop');
    expect((await stat(file)).isFile()).toBe(true);
    expect(docs.get('preferences')!.store.loginItemDefaultApplied).toBe(true);
    expect(lastMenu().find((i: { label: string }) => i.label === 'Start at login').checked).toBe(true);
    await tray!.act({ type: 'set-login-item', enabled: false });
    await expect(stat(file)).rejects.toThrow();
    expect(lastMenu().find((i: { label: string }) => i.label === 'Start at login').checked).toBe(false);
  });

  it('is left alone when running from source', async () => {
    const { home } = await start({ statuses: [status('Docs', 'idle')] });
    await expect(stat(path.join(home, '.config', 'autostart', 'rsync-tray.desktop'))).rejects.toThrow();
  });
});

describe('the window’s Settings and the tray menu', () => {
  it('change the same start at login and notifications, each showing what the other did', async () => {
    // The real app service, so the window's calls go through IPC, dispatch and the host's hook.
    const { tray, ipcMain, home, docs } = await start({ startService: startAppService });
    try {
      const win = FakeBrowserWindow.instances[0]!;
      const event = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
      const call = (method: string, input: unknown) => ipcMain.handlers.get(CALL_CHANNEL)!(event, method, input);
      const menuItem = (label: string) => lastMenu().find((i: { label: string }) => i.label === label);
      const autostart = path.join(home, '.config', 'autostart', 'rsync-tray.desktop');

      expect(await call('preferences.get', {})).toEqual({
        ok: true,
        value: {
          startAtLogin: false,
          notifications: { muted: false, failures: true, recoveries: true, confirmations: true },
        },
      });

      // Window → tray: the menu is redrawn with the new state, and it is kept.
      expect(
        await call('preferences.set', { preferences: { startAtLogin: true, notifications: { muted: true } } }),
      ).toMatchObject({ ok: true, value: { startAtLogin: true, notifications: { muted: true } } });
      expect((await stat(autostart)).isFile()).toBe(true);
      expect(menuItem('Start at login').checked).toBe(true);
      expect(menuItem('Notifications').submenu[0]).toMatchObject({ label: 'Mute all', checked: true });
      expect((docs.get('preferences')!.store.notifications as { muted: boolean }).muted).toBe(true);

      // Tray → window: the next preferences.get says what the menu did.
      clickMenu(lastMenu(), ['Notifications', 'Mute all']);
      clickMenu(lastMenu(), ['Start at login']);
      await tick();
      expect(await call('preferences.get', {})).toEqual({
        ok: true,
        value: {
          startAtLogin: false,
          notifications: { muted: false, failures: true, recoveries: true, confirmations: true },
        },
      });
      await expect(stat(autostart)).rejects.toThrow();

      // A bad payload from the page is refused before it reaches the host.
      const bad = await call('preferences.set', { preferences: { startAtLogin: 'yes' } });
      expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    } finally {
      await tray!.service.dispose();
    }
  });
});
