/**
 * A test double of the parts of `electron` the main process uses (electron-api.ts): enough
 * behaviour to drive the glue — events, the quit sequence, windows, tray, notifications — and
 * records of every call for assertions. The real Electron binary is not available here.
 */
import { EventEmitter } from 'node:events';
import type { ElectronApi } from '../../electron/main/electron-api.ts';

type Listener = (...args: any[]) => unknown;

export class FakeWebContents extends EventEmitter {
  static nextId = 1;
  id = FakeWebContents.nextId++;
  mainFrame = { url: '' };
  sent: Array<[string, unknown]> = [];
  windowOpenHandler: ((details: { url: string }) => unknown) | null = null;
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload]);
  }
  setWindowOpenHandler(handler: (details: { url: string }) => unknown): void {
    this.windowOpenHandler = handler;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  static fromWebContents(contents: unknown): FakeBrowserWindow | null {
    return FakeBrowserWindow.instances.find((w) => w.webContents === contents) ?? null;
  }
  webContents = new FakeWebContents();
  urls: string[] = [];
  visible = false;
  destroyed = false;
  minimized = false;
  focused = 0;
  options: Record<string, any>;
  constructor(options: Record<string, any>) {
    super();
    this.options = options;
    FakeBrowserWindow.instances.push(this);
  }
  async loadURL(url: string): Promise<void> {
    this.urls.push(url);
    this.webContents.mainFrame.url = url;
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    this.focused++;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('closed');
  }
}

export class FakeTray extends EventEmitter {
  static instances: FakeTray[] = [];
  images: string[] = [];
  tooltips: string[] = [];
  menus: Array<{ template: any[] }> = [];
  destroyed = false;
  constructor(image: { path: string }) {
    super();
    this.images.push(image.path);
    FakeTray.instances.push(this);
  }
  setImage(image: { path: string }): void {
    this.images.push(image.path);
  }
  setToolTip(text: string): void {
    this.tooltips.push(text);
  }
  setContextMenu(menu: { template: any[] }): void {
    this.menus.push(menu);
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export class FakeNotification extends EventEmitter {
  static instances: FakeNotification[] = [];
  static supported = true;
  static isSupported(): boolean {
    return FakeNotification.supported;
  }
  shown = false;
  options: { title: string; body: string; urgency?: string; icon?: string };
  constructor(options: { title: string; body: string; urgency?: string; icon?: string }) {
    super();
    this.options = options;
    FakeNotification.instances.push(this);
  }
  show(): void {
    this.shown = true;
  }
}

export class FakeApp extends EventEmitter {
  paths: Record<string, string> = { appData: '/fake/appData', userData: '/fake/appData/Electron' };
  name = 'Electron';
  gotLock = true;
  isPackaged = false;
  quitRequests = 0;
  quitted = false;
  exitCode: number | null = null;
  loginItem: { openAtLogin: boolean; settings: unknown[] } = { openAtLogin: false, settings: [] };
  userModelId: string | null = null;
  dock = { hidden: false, hide: () => void (this.dock.hidden = true) };
  setName(name: string): void {
    this.name = name;
  }
  getPath(name: string): string {
    return this.paths[name] ?? `/fake/${name}`;
  }
  setPath(name: string, value: string): void {
    this.paths[name] = value;
  }
  getVersion(): string {
    return '0.1.0';
  }
  getAppPath(): string {
    return '/fake/app';
  }
  requestSingleInstanceLock(): boolean {
    return this.gotLock;
  }
  setAppUserModelId(id: string): void {
    this.userModelId = id;
  }
  async whenReady(): Promise<void> {}
  focus(): void {}
  /** Like Electron: 'before-quit' can be prevented; otherwise the app is gone. */
  quit(): void {
    this.quitRequests++;
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) this.quitted = true;
  }
  exit(code: number): void {
    this.exitCode = code;
    this.quitted = true;
  }
  getLoginItemSettings(): { openAtLogin: boolean } {
    return { openAtLogin: this.loginItem.openAtLogin };
  }
  setLoginItemSettings(settings: { openAtLogin: boolean }): void {
    this.loginItem.settings.push(settings);
    this.loginItem.openAtLogin = settings.openAtLogin;
  }
}

export class FakeIpcMain {
  handlers = new Map<string, Listener>();
  handle(channel: string, fn: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, fn);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}

export class FakeSafeStorage {
  backend = 'gnome_libsecret';
  available = true;
  rotate = false;
  async isAsyncEncryptionAvailable(): Promise<boolean> {
    return this.available;
  }
  getSelectedStorageBackend(): string {
    return this.backend;
  }
  async encryptStringAsync(text: string): Promise<Buffer> {
    return Buffer.from(`enc:${[...text].reverse().join('')}`);
  }
  async decryptStringAsync(data: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }> {
    const s = data.toString();
    if (!s.startsWith('enc:'))
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return { result: [...s.slice(4)].reverse().join(''), shouldReEncrypt: this.rotate };
  }
}

export function fakeElectron() {
  FakeBrowserWindow.instances = [];
  FakeTray.instances = [];
  FakeNotification.instances = [];
  FakeNotification.supported = true;
  const app = new FakeApp();
  const ipcMain = new FakeIpcMain();
  const safeStorage = new FakeSafeStorage();
  const sessionCalls = {
    permissionRequest: null as null | Listener,
    permissionCheck: null as null | Listener,
    headers: null as null | Listener,
  };
  const protocolCalls = { privileged: [] as unknown[], handlers: new Map<string, Listener>() };
  const shellCalls = { opened: [] as string[], shown: [] as string[], openResult: '' };
  const dialogCalls = { boxes: [] as unknown[], response: 1, opened: [] as unknown[][], picked: null as string | null };
  const nativeTheme = Object.assign(new EventEmitter(), { shouldUseDarkColors: false });
  const electron = {
    app,
    BrowserWindow: FakeBrowserWindow,
    Tray: FakeTray,
    Notification: FakeNotification,
    Menu: { buildFromTemplate: (template: any[]) => ({ template }) },
    nativeImage: { createFromPath: (p: string) => ({ path: p }) },
    nativeTheme,
    ipcMain,
    safeStorage,
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: Listener) => void (sessionCalls.permissionRequest = fn),
        setPermissionCheckHandler: (fn: Listener) => void (sessionCalls.permissionCheck = fn),
        webRequest: { onHeadersReceived: (fn: Listener) => void (sessionCalls.headers = fn) },
      },
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => void protocolCalls.privileged.push(...schemes),
      handle: (scheme: string, fn: Listener) => void protocolCalls.handlers.set(scheme, fn),
    },
    shell: {
      openPath: async (p: string) => (shellCalls.opened.push(p), shellCalls.openResult),
      showItemInFolder: (p: string) => void shellCalls.shown.push(p),
    },
    dialog: {
      showMessageBox: async (options: unknown) => (dialogCalls.boxes.push(options), { response: dialogCalls.response }),
      showOpenDialog: async (...args: unknown[]) => (
        dialogCalls.opened.push(args),
        { canceled: dialogCalls.picked === null, filePaths: dialogCalls.picked ? [dialogCalls.picked] : [] }
      ),
    },
  };
  return {
    electron: electron as unknown as ElectronApi,
    app,
    ipcMain,
    safeStorage,
    nativeTheme,
    sessionCalls,
    protocolCalls,
    shellCalls,
    dialogCalls,
  };
}

/** Clicks a menu item found by its label path, e.g. ['Notifications', 'Mute all']. */
export function clickMenu(template: any[], labels: string[]): void {
  let items = template;
  let item: any;
  for (const label of labels) {
    item = items.find((i) => typeof i.label === 'string' && i.label.startsWith(label));
    if (!item) throw new Error(`no menu item "${label}" in ${items.map((i) => i.label).join(', ')}`);
    items = item.submenu ?? [];
  }
  item.click();
}
