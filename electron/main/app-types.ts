/**
 * What the tray app's composition root (app-main.ts) takes and gives back: its options, paths and
 * the handle of a started app. Types and constants only.
 */
import type { AppService, AppServiceOptions } from '../core/service/app-service.ts';
import type { WindowManager } from './app-window.ts';
import type { DocumentStore } from './config-store.ts';
import type { ElectronApi } from './electron-api.ts';
import type { HostPreferencesService } from './host-preferences.ts';
import type { LogFile } from './log-file.ts';
import type { LoginItem } from './login-item-service.ts';
import type { Notifier } from './notifier.ts';
import type { PreferencesStore } from './preferences.ts';
import type { KeyValueStore } from './secret-store.ts';
import type { TrayController } from './tray-controller.ts';
import type { TrayAction } from './tray-model.ts';

export const PRODUCT_NAME = 'Rsync Tray';
/** Must equal electron-builder.yml's appId: Windows ties notifications to it. */
export const APP_ID = 'org.rsynctray.app';
/** A hung rsync must not keep the app from quitting. */
export const SHUTDOWN_TIMEOUT_MS = 10_000;

export type StoreName = 'config' | 'preferences' | 'safe-storage-secrets';

export interface TrayAppPaths {
  preload: string;
  /** The renderer's build output (served as app://rsync-tray/). */
  rendererDir: string;
  trayImagesDir: string;
  /** Window and notification icon. */
  appIcon?: string;
}

export interface TrayAppOptions {
  electron: ElectronApi;
  paths: TrayAppPaths;
  /** The electron-store files; each must be created after userData is set (after this starts). */
  openStore(name: StoreName): DocumentStore & KeyValueStore;
  /** The Vite dev server URL in development (ELECTRON_RENDERER_URL). */
  devServerUrl?: string;
  startService?: (options: AppServiceOptions) => Promise<AppService>;
  platform?: NodeJS.Platform;
  argv?: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
  homeDir?: string;
  now?: () => number;
  trayThrottleMs?: number;
}

export interface TrayApp {
  service: AppService;
  windows: WindowManager;
  tray: TrayController;
  notifier: Notifier;
  log: LogFile;
  preferences: PreferencesStore;
  loginItem: LoginItem;
  /** Start at login and notifications, as both the tray menu and the window change them. */
  hostPreferences: HostPreferencesService;
  /** Runs a tray menu action (what a click does). */
  act(action: TrayAction): Promise<void>;
  /** Resolves when the app has shut down (after quit). */
  whenStopped: Promise<void>;
}
