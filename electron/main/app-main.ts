/**
 * The tray app's composition root: app lifecycle and single-instance lock, the app service (the
 * engine and the API) over electron-store and safeStorage, the window, IPC, tray, notifications,
 * log and login item — each made in its own file; this one only wires them together and owns the
 * order of start and shutdown. Electron arrives as a parameter (see electron-api.ts).
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Method, MethodInput } from '../shared/contract.ts';
import type { ProfileStatus } from '../shared/status.ts';
import { dispatch } from '../core/service/api-dispatch.ts';
import { formatError, toErrorInfo } from '../shared/errors.ts';
import { serveAppRequest } from './app-protocol.ts';
import { createWindowManager, hardenWebContents, type WindowManager } from './app-window.ts';
import type { DocumentStore } from './config-store.ts';
import type { ElectronApi } from './electron-api.ts';
import { registerIpc } from './ipc-bridge.ts';
import { EVENT_CHANNEL } from '../shared/ipc-channels.ts';
import { APP_BASE_URL, APP_SCHEME } from './ipc-security.ts';
import { createHostPreferences, type HostPreferencesService } from './host-preferences.ts';
import { createLogFile, type LogFile } from './log-file.ts';
import { HIDDEN_ARG } from './login-item.ts';
import { createLoginItem, type LoginItem } from './login-item-service.ts';
import { createNotifier, type Notifier } from './notifier.ts';
import { createPreferencesStore, type PreferencesStore } from './preferences.ts';
import { createTrayController, type TrayController } from './tray-controller.ts';
import { attachSocket, hostOrAttach, ownSocket, type EngineHost } from './engine-attach.ts';
import { startOwnEngine } from './own-engine.ts';
import { panelTheme } from './tray-images.ts';
import type { TrayAction } from './tray-model.ts';
import { contentSecurityPolicy, permissionAllowed } from './window-security.ts';
import {
  APP_ID,
  PRODUCT_NAME,
  SHUTDOWN_TIMEOUT_MS,
  type StoreName,
  type TrayApp,
  type TrayAppOptions,
  type TrayAppPaths,
} from './app-types.ts';

export {
  APP_ID,
  PRODUCT_NAME,
  SHUTDOWN_TIMEOUT_MS,
  type StoreName,
  type TrayApp,
  type TrayAppOptions,
  type TrayAppPaths,
};

/**
 * Preferences are cheap to lose: a file electron-store cannot even open (broken JSON) is set aside
 * in memory with the defaults — the app starts, says so in the log, and the file stays as it was.
 */
function openPreferences(open: TrayAppOptions['openStore'], warn: (message: string) => void): DocumentStore {
  try {
    return open('preferences');
  } catch (error) {
    warn(
      `The preferences file cannot be read (${(error as Error).message}); ` +
        `using the defaults until it is fixed or deleted.`,
    );
    return { store: {}, path: '(defaults in memory)' };
  }
}

/** Show the window at start only for a first run by hand: not at login, not once profiles exist. */
export function shouldShowWindowAtStart(argv: readonly string[], profileCount: number): boolean {
  return !argv.includes(HIDDEN_ARG) && profileCount === 0;
}

export async function startTrayApp(options: TrayAppOptions): Promise<TrayApp | null> {
  const e = options.electron;
  const { app } = e;
  const platform = options.platform ?? process.platform;
  const argv = options.argv ?? process.argv;
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;

  app.setName(PRODUCT_NAME);
  // One stable folder in development and when installed (the CLI docs point at it), and it must
  // be set before the single-instance lock, which lives in it.
  app.setPath('userData', path.join(app.getPath('appData'), PRODUCT_NAME));
  if (!app.requestSingleInstanceLock()) {
    // Another instance runs: it gets 'second-instance' and shows its window.
    app.quit();
    return null;
  }
  e.protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
  if (platform === 'win32') app.setAppUserModelId(APP_ID);

  let windows: WindowManager | null = null;
  let stopping: Promise<void> | null = null;
  let stopped = false;
  let resolveStopped!: () => void;
  const whenStopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  let log: LogFile | null = null;
  const writeLog = (level: 'info' | 'warn' | 'error', message: string): void => log?.write(level, message);

  app.on('second-instance', () => windows?.show());
  app.on('activate', () => windows?.show());
  // The app lives in the tray: closing the window must not quit it.
  app.on('window-all-closed', () => {});
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, (m) => writeLog('warn', m)));

  let shutdown: () => Promise<void> = async () => {};
  app.on('before-quit', (event) => {
    if (stopped) return;
    event.preventDefault();
    stopping ??= (async () => {
      try {
        await Promise.race([shutdown(), new Promise((resolve) => setTimeout(resolve, SHUTDOWN_TIMEOUT_MS).unref())]);
      } catch (error) {
        writeLog('error', `Shutdown: ${formatError(toErrorInfo(error))}`);
      }
      stopped = true;
      resolveStopped();
      app.quit();
    })();
  });

  await app.whenReady();
  if (platform === 'darwin') app.dock?.hide();

  // The page's security, before any page exists.
  const csp = contentSecurityPolicy(options.devServerUrl);
  const ses = e.session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback) => callback(permissionAllowed(permission)));
  ses.setPermissionCheckHandler((_contents, permission) => permissionAllowed(permission));
  // The dev server's responses get the CSP as a header; app:// responses carry it themselves.
  ses.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } }),
  );
  e.protocol.handle(APP_SCHEME, (request) =>
    serveAppRequest(request.url, options.paths.rendererDir, csp, (file) => readFile(file)),
  );

  const userData = app.getPath('userData');
  log = createLogFile(path.join(userData, 'logs', 'rsync-tray.log'));
  const logFile = log;
  logFile.write(
    'info',
    `Rsync Tray ${app.getVersion()} starting (Electron ${process.versions.electron ?? '?'}, ${platform})`,
  );
  const preferences = createPreferencesStore(
    openPreferences(options.openStore, (m) => logFile.write('warn', m)),
    (m) => logFile.write('warn', m),
  );
  const loginItem = createLoginItem(e, {
    platform,
    execPath: process.execPath,
    isPackaged: app.isPackaged,
    appPath: app.getAppPath(),
    env,
    homeDir: options.homeDir ?? os.homedir(),
  });
  // The tray is made further down; until then there is no menu to redraw.
  let redrawTray = (): void => {};
  const hostPreferences = await createHostPreferences({ store: preferences, loginItem, onChange: () => redrawTray() });

  let engineHost: EngineHost;
  try {
    const host = {
      async openFolder(folder: string) {
        const problem = await e.shell.openPath(folder);
        if (problem) throw new Error(`Cannot open ${folder}: ${problem}`);
      },
      // The window's Settings page edits what the tray menu edits.
      preferences: hostPreferences,
    };
    const { openStore, startService } = options;
    const log = (m: string) => logFile.write('info', m);
    // A service already running for the config is attached to, not doubled (engine-attach.ts).
    engineHost = await hostOrAttach({
      socket: attachSocket(env, userData),
      serve: ownSocket(userData),
      start: () => startOwnEngine({ electron: e, openStore, startService, userData, platform, host, log }),
      local: host,
      log: (level, message) => logFile.write(level, message),
    });
  } catch (error) {
    const info = toErrorInfo(error);
    logFile.write('error', `Cannot start: ${formatError(info)}`);
    const configFile = path.join(userData, 'config.json');
    const choice = await e.dialog.showMessageBox({
      type: 'error',
      title: PRODUCT_NAME,
      message: 'Rsync Tray cannot start its backups.',
      detail: `${info.message}\n\n${info.hint}`,
      buttons: ['Show the file', 'Quit'],
      defaultId: 1,
    });
    if (choice.response === 0) e.shell.showItemInFolder(configFile);
    stopped = true;
    resolveStopped();
    app.quit();
    return null;
  }
  const service = engineHost.service;

  const call = async <M extends Method>(method: M, input: MethodInput<M>): Promise<boolean> => {
    const result = await dispatch(service.handlers, method, input);
    if (result.ok) return true;
    logFile.write('warn', `${method}: ${formatError(result.error)}`);
    notifier.plain('Rsync Tray', `${result.error.message} ${result.error.hint}`);
    return false;
  };

  const isMac = platform === 'darwin';
  const win = createWindowManager(e, {
    preload: options.paths.preload,
    pageUrl: options.devServerUrl ?? `${APP_BASE_URL}index.html`,
    icon: options.paths.appIcon,
    focusApp: isMac ? () => app.focus({ steal: true }) : undefined,
  });
  windows = win;

  const notifier = createNotifier(e, { icon: options.paths.appIcon, onClick: (profile) => win.show(profile) });

  if (loginItem.supported && app.isPackaged && !preferences.get().loginItemDefaultApplied) {
    // A backup that silently stops after a reboot is the worst default; the menu turns it off.
    try {
      await hostPreferences.set({ startAtLogin: true });
      logFile.write('info', 'Start at login switched on (first run); turn it off in the tray menu or the settings.');
    } catch (error) {
      logFile.write('warn', `Could not switch on start at login: ${(error as Error).message}`);
    }
    preferences.update((p) => ({ ...p, loginItemDefaultApplied: true }));
  }

  const statuses = (): ProfileStatus[] => engineHost.statuses();
  const tray = createTrayController(e, {
    imagesDir: options.paths.trayImagesDir,
    platform,
    throttleMs: options.trayThrottleMs,
    input: () => ({
      statuses: statuses(),
      now: now(),
      notifications: preferences.get().notifications,
      openAtLogin: hostPreferences.openAtLogin(),
      engine: engineHost.state(),
    }),
    theme: () =>
      panelTheme({
        preference: preferences.get().trayTheme,
        platform,
        darkMode: e.nativeTheme.shouldUseDarkColors,
        desktop: env.XDG_CURRENT_DESKTOP,
      }),
    onAction: (action) => void act(action),
    onClick: () => {
      // Linux and macOS open the menu on click; Windows users expect the window.
      if (platform === 'win32') win.show();
    },
  });

  const act = async (action: TrayAction): Promise<void> => {
    switch (action.type) {
      case 'sync-now':
        await call('sync.now', action.profile ? { profile: action.profile } : {});
        break;
      case 'pause':
        await call('sync.pause', {
          ...(action.profile ? { profile: action.profile } : {}),
          ...(action.minutes ? { minutes: action.minutes } : {}),
        });
        break;
      case 'resume':
        await call('sync.resume', action.profile ? { profile: action.profile } : {});
        break;
      case 'show-window':
        win.show(action.profile);
        break;
      case 'open-folder':
        await call('folder.open', { profile: action.profile });
        break;
      case 'open-log': {
        const problem = await e.shell.openPath(logFile.path);
        if (problem) notifier.plain('Rsync Tray', `Cannot open the log (${problem}). It is at ${logFile.path}`);
        break;
      }
      case 'set-login-item':
        try {
          await hostPreferences.set({ startAtLogin: action.enabled });
        } catch (error) {
          const info = toErrorInfo(error);
          notifier.plain('Rsync Tray', `${info.message} ${info.hint}`);
        }
        break;
      case 'set-notification':
        await hostPreferences.set({ notifications: { [action.key]: action.value } });
        break;
      case 'start-engine':
        await engineHost.startOwn().catch((error) => notifier.plain('Rsync Tray', formatError(toErrorInfo(error))));
        break;
      case 'quit':
        app.quit();
        return;
    }
    tray.render();
  };

  const onStatusChange = (): void => {
    notifier.update(statuses(), preferences.get().notifications, now());
    tray.refresh();
  };
  const unsubscribe = service.subscribe((event) => {
    win.send(EVENT_CHANNEL, event);
    logFile.event(event);
    if (event.type === 'status') onStatusChange();
  });
  const themeChanged = (): void => tray.refresh();
  e.nativeTheme.on('updated', themeChanged);

  const unregisterIpc = registerIpc(e, {
    handlers: service.handlers,
    policy: () => ({ trustedIds: win.trustedIds(), appUrl: options.devServerUrl ?? APP_BASE_URL }),
    log: (level, message) => logFile.write(level, message),
    // Saving, deleting or importing profiles changes the list without a status event for the removed ones.
    afterCall: () => tray.refresh(),
    async pickFolder(sender) {
      const owner = e.BrowserWindow.fromWebContents(sender);
      const options = {
        title: 'Choose the folder to back up',
        properties: ['openDirectory', 'createDirectory'] as Array<'openDirectory' | 'createDirectory'>,
      };
      const picked = owner ? await e.dialog.showOpenDialog(owner, options) : await e.dialog.showOpenDialog(options);
      return picked.canceled ? null : (picked.filePaths[0] ?? null);
    },
  });

  redrawTray = () => tray.render();
  tray.render();
  notifier.update(statuses(), preferences.get().notifications, now());

  shutdown = async () => {
    logFile.write('info', 'Quitting: stopping the engine');
    unsubscribe();
    unregisterIpc();
    e.nativeTheme.removeListener('updated', themeChanged);
    win.close();
    tray.dispose();
    // Stops every profile (rsyncs end, pending work is journalled); an attached service runs on.
    await service.dispose();
    logFile.write('info', 'Stopped');
  };

  if (shouldShowWindowAtStart(argv, statuses().length)) win.show();
  return {
    service,
    windows: win,
    tray,
    notifier,
    log: logFile,
    preferences,
    loginItem,
    hostPreferences,
    act,
    whenStopped,
  };
}
