/**
 * The window's security settings in one place, as data, so a test can assert them and nothing
 * in the glue can quietly loosen them. Follows Electron's security checklist: isolated, sandboxed
 * renderer without Node; a strict CSP; no navigation, no new windows, no webviews, no permissions.
 */
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    // Middle-click would try to open links in a new window; window.open is denied anyway.
    disableBlinkFeatures: 'Auxclick',
  };
}

export function windowOptions(preload: string, icon?: string): BrowserWindowConstructorOptions {
  return {
    width: 1040,
    height: 720,
    minWidth: 720,
    minHeight: 480,
    title: 'Rsync Tray',
    // Shown on 'ready-to-show', so the user never sees an empty white frame.
    show: false,
    autoHideMenuBar: true,
    ...(icon ? { icon } : {}),
    webPreferences: secureWebPreferences(preload),
  };
}

/**
 * The page's Content-Security-Policy. Production: only the app's own scripts and styles. The Vite
 * dev server injects styles inline and talks to its HMR websocket, so development allows exactly
 * that origin and inline styles, never inline scripts or eval.
 */
export function contentSecurityPolicy(devServerUrl?: string): string {
  const dev = devServerUrl ? new URL(devServerUrl) : null;
  const ws = dev ? ` ${dev.protocol === 'https:' ? 'wss' : 'ws'}://${dev.host}` : '';
  const directives = [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self'${dev ? " 'unsafe-inline'" : ''}`,
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${ws}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "worker-src 'none'",
    "manifest-src 'none'",
    "media-src 'none'",
  ];
  return directives.join('; ');
}

/** Every permission a page can ask for (notifications, media, geolocation, …) is refused. */
export function permissionAllowed(_permission: string): boolean {
  return false;
}

/** window.open and target=_blank never open anything. */
export const WINDOW_OPEN_RESPONSE = { action: 'deny' } as const;
