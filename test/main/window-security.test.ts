import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mimeType, resolveAppRequest, serveAppRequest } from '../../electron/main/app-protocol.ts';
import { createWindowManager, hardenWebContents, profileRoute } from '../../electron/main/app-window.ts';
import {
  contentSecurityPolicy,
  permissionAllowed,
  secureWebPreferences,
  WINDOW_OPEN_RESPONSE,
  windowOptions,
} from '../../electron/main/window-security.ts';
import { FakeBrowserWindow, FakeWebContents, fakeElectron } from './fake-electron.ts';

describe('secure window options', () => {
  it('isolates and sandboxes the page, without Node', () => {
    const prefs = secureWebPreferences('/app/out/preload/index.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
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
      disableBlinkFeatures: 'Auxclick',
    });
    // Nothing that loosens them may ever be set.
    for (const risky of [
      'enableBlinkFeatures',
      'additionalArguments',
      'enableRemoteModule',
      'plugins',
      'v8CacheOptions',
    ])
      expect(prefs).not.toHaveProperty(risky);
  });

  it('the window uses exactly those preferences and stays hidden until painted', () => {
    const options = windowOptions('/p.cjs', '/icon.png');
    expect(options.webPreferences).toEqual(secureWebPreferences('/p.cjs'));
    expect(options).toMatchObject({ show: false, icon: '/icon.png', title: 'Rsync Tray' });
  });

  it('has a strict CSP: own scripts only, no inline script, no eval, nothing framed', () => {
    const csp = contentSecurityPolicy();
    const directives = Object.fromEntries(
      csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]),
    );
    expect(directives).toMatchObject({
      'default-src': "'none'",
      'script-src': "'self'",
      'style-src': "'self'",
      'connect-src': "'self'",
      'object-src': "'none'",
      'base-uri': "'none'",
      'form-action': "'none'",
      'frame-ancestors': "'none'",
    });
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });

  it('in development allows the dev server’s HMR socket and inline styles, never inline scripts', () => {
    const csp = contentSecurityPolicy('http://localhost:5173/');
    expect(csp).toContain("connect-src 'self' ws://localhost:5173");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain('unsafe-eval');
  });

  it('denies every permission and window.open', () => {
    for (const p of ['notifications', 'media', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen'])
      expect(permissionAllowed(p)).toBe(false);
    expect(WINDOW_OPEN_RESPONSE).toEqual({ action: 'deny' });
  });
});

describe('webContents hardening', () => {
  const harden = () => {
    const contents = new FakeWebContents();
    const log: string[] = [];
    hardenWebContents(contents as never, (m) => log.push(m));
    const fire = (name: string, extra: Record<string, unknown> = {}, ...args: unknown[]) => {
      let prevented = false;
      contents.emit(name, { preventDefault: () => (prevented = true), ...extra }, ...args);
      return prevented;
    };
    return { contents, log, fire };
  };

  it('blocks navigation, redirects, webviews and new windows', () => {
    const { contents, log, fire } = harden();
    expect(fire('will-navigate', {}, 'https://evil.example/')).toBe(true);
    expect(fire('will-redirect')).toBe(true);
    expect(fire('will-attach-webview')).toBe(true);
    expect(fire('will-frame-navigate', { isMainFrame: false })).toBe(true);
    expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(log).toEqual([
      'Blocked navigation to https://evil.example/',
      'Blocked a new window for https://evil.example/',
    ]);
  });
});

describe('window manager', () => {
  it('creates one secure window, reuses it, opens a profile by its route, and forgets it when closed', async () => {
    const { electron } = fakeElectron();
    const manager = createWindowManager(electron, { preload: '/p.cjs', pageUrl: 'app://rsync-tray/index.html' });
    manager.show();
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    const win = FakeBrowserWindow.instances[0]!;
    expect(win.options.webPreferences).toEqual(secureWebPreferences('/p.cjs'));
    expect(win.urls).toEqual(['app://rsync-tray/index.html']);
    expect(win.visible).toBe(false);
    win.emit('ready-to-show');
    expect(win.visible).toBe(true);
    expect(manager.trustedIds()).toEqual(new Set([win.webContents.id]));

    manager.show('Web & DB');
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    expect(win.urls[1]).toBe(`app://rsync-tray/index.html${profileRoute('Web & DB')}`);
    expect(profileRoute('Web & DB')).toBe('#/activity/Web%20%26%20DB');

    manager.send('ch', 1);
    expect(win.webContents.sent).toEqual([['ch', 1]]);
    win.destroy();
    expect(manager.trustedIds().size).toBe(0);
    manager.send('ch', 2);
    manager.show('Docs');
    expect(FakeBrowserWindow.instances).toHaveLength(2);
    expect(FakeBrowserWindow.instances[1]!.urls).toEqual(['app://rsync-tray/index.html#/activity/Docs']);
  });
});

describe('app:// protocol', () => {
  const root = '/srv/app/out/renderer';
  it.each([
    ['app://rsync-tray/', `${root}/index.html`],
    ['app://rsync-tray/index.html#/profiles/x', `${root}/index.html`],
    ['app://rsync-tray/assets/index-abc.js?v=1', `${root}/assets/index-abc.js`],
    ['app://rsync-tray/assets/a%20b.css', `${root}/assets/a b.css`],
  ])('%s → %s', (url, file) => {
    expect(resolveAppRequest(url, root)).toBe(file);
  });

  it.each(['app://rsync-tray/../../../etc/passwd', 'app://rsync-tray/%2e%2e/%2e%2e/etc/passwd'])(
    'keeps %s inside the root (URL parsing drops the dot segments)',
    (url) => {
      expect(resolveAppRequest(url, root)).toBe(`${root}/etc/passwd`);
    },
  );

  it.each([
    'app://rsync-tray/assets/..%2f..%2f..%2fetc/passwd',
    'app://rsync-tray/a%5c..%5c..%5csecret',
    'app://rsync-tray/x%00.js',
    'app://rsync-tray/%E0%A4%A',
    'app://other-host/index.html',
    'file:///etc/passwd',
    'https://rsync-tray/index.html',
  ])('refuses %s', (url) => {
    expect(resolveAppRequest(url, root)).toBeNull();
  });

  it('serves files with their type, the CSP and nosniff; 404 for the rest', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-protocol-'));
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html>');
    const read = (f: string) => readFile(f);
    const ok = await serveAppRequest('app://rsync-tray/', dir, 'default-src none', read);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('<!doctype html>');
    expect(ok.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(ok.headers.get('content-security-policy')).toBe('default-src none');
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await serveAppRequest('app://rsync-tray/assets/missing.js', dir, '', read)).status).toBe(404);
    expect((await serveAppRequest('app://rsync-tray/../secret', dir, '', read)).status).toBe(404);
    expect(mimeType('x.JS')).toBe('text/javascript; charset=utf-8');
    expect(mimeType('x.bin')).toBe('application/octet-stream');
  });
});
