import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLoginItem } from '../../electron/main/login-item-service.ts';
import {
  autostartEnabled,
  autostartFile,
  desktopEntry,
  HIDDEN_ARG,
  loginItemPlan,
  quoteExecArg,
  type LoginItemContext,
} from '../../electron/main/login-item.ts';
import { fakeElectron } from './fake-electron.ts';

const ctx = (over: Partial<LoginItemContext>): LoginItemContext => ({
  platform: 'linux',
  execPath: '/opt/Rsync Tray/rsync-tray',
  isPackaged: true,
  appPath: '/opt/Rsync Tray/resources/app.asar',
  env: {},
  homeDir: '/home/ada',
  ...over,
});

describe('login item plan', () => {
  it('macOS: app.setLoginItemSettings when installed', () => {
    expect(loginItemPlan(ctx({ platform: 'darwin' }), true)).toEqual({
      kind: 'electron',
      settings: { openAtLogin: true },
      query: {},
    });
    expect(loginItemPlan(ctx({ platform: 'darwin' }), false)).toEqual({
      kind: 'electron',
      settings: { openAtLogin: false },
      query: {},
    });
  });

  it('macOS: unsupported when not packaged (it would register the bare Electron.app)', () => {
    expect(loginItemPlan(ctx({ platform: 'darwin', isPackaged: false }), true)).toMatchObject({ kind: 'unsupported' });
  });

  it('Windows: the executable with --hidden, and the same path and args to query it', () => {
    const exe = 'C:\\Program Files\\Rsync Tray\\Rsync Tray.exe';
    expect(loginItemPlan(ctx({ platform: 'win32', execPath: exe }), true)).toEqual({
      kind: 'electron',
      settings: { openAtLogin: true, path: exe, args: [HIDDEN_ARG] },
      query: { path: exe, args: [HIDDEN_ARG] },
    });
    // Unpackaged: electron.exe needs the app folder.
    expect(
      loginItemPlan(
        ctx({ platform: 'win32', execPath: 'C:\\dev\\electron.exe', isPackaged: false, appPath: 'C:\\dev\\app' }),
        false,
      ),
    ).toMatchObject({
      settings: { openAtLogin: false, path: 'C:\\dev\\electron.exe', args: ['C:\\dev\\app', HIDDEN_ARG] },
    });
  });

  it('Linux: an XDG autostart file starting the installed binary', () => {
    expect(loginItemPlan(ctx({}), true)).toEqual({
      kind: 'autostart-file',
      file: '/home/ada/.config/autostart/rsync-tray.desktop',
      exec: ['/opt/Rsync Tray/rsync-tray', HIDDEN_ARG],
    });
  });

  it('Linux: the AppImage file itself, not its temporary mount', () => {
    const plan = loginItemPlan(
      ctx({ execPath: '/tmp/.mount_RsyncTXYZ/rsync-tray', env: { APPIMAGE: '/home/ada/Apps/Rsync-Tray.AppImage' } }),
      true,
    );
    expect(plan).toMatchObject({ exec: ['/home/ada/Apps/Rsync-Tray.AppImage', HIDDEN_ARG] });
  });

  it('Linux: honours XDG_CONFIG_HOME when absolute', () => {
    expect(autostartFile({ env: { XDG_CONFIG_HOME: '/cfg' }, homeDir: '/home/ada' })).toBe(
      '/cfg/autostart/rsync-tray.desktop',
    );
    expect(autostartFile({ env: { XDG_CONFIG_HOME: 'relative' }, homeDir: '/home/ada' })).toBe(
      '/home/ada/.config/autostart/rsync-tray.desktop',
    );
  });

  it('elsewhere: unsupported, with a reason', () => {
    expect(loginItemPlan(ctx({ platform: 'aix' }), true)).toMatchObject({
      kind: 'unsupported',
      reason: expect.stringContaining('aix'),
    });
  });
});

describe('desktop entry', () => {
  it.each([
    ['/usr/bin/rsync-tray', '/usr/bin/rsync-tray'],
    ['--hidden', '--hidden'],
    ['/opt/Rsync Tray/rsync-tray', '"/opt/Rsync Tray/rsync-tray"'],
    ['/a/100%', '/a/100%%'],
    ['/a/$HOME', '"/a/\\\\$HOME"'],
    ['/a/"q"', '"/a/\\\\"q\\\\""'],
    ['/a/back\\slash', '"/a/back\\\\\\\\slash"'],
    ['', '""'],
  ])('quotes %s as %s', (arg, quoted) => {
    expect(quoteExecArg(arg)).toBe(quoted);
  });

  it('is a valid autostart entry', () => {
    const text = desktopEntry(['/opt/Rsync Tray/rsync-tray', HIDDEN_ARG]);
    expect(text).toContain('[Desktop Entry]\nType=Application\n');
    expect(text).toContain('Exec="/opt/Rsync Tray/rsync-tray" --hidden\n');
    expect(text).toContain('X-GNOME-Autostart-enabled=true');
    expect(autostartEnabled(text)).toBe(true);
  });

  it('reads the ways a desktop switches an entry off', () => {
    expect(autostartEnabled(null)).toBe(false);
    expect(autostartEnabled('[Desktop Entry]\nHidden=true\n')).toBe(false);
    expect(autostartEnabled('[Desktop Entry]\nX-GNOME-Autostart-enabled=false\n')).toBe(false);
    expect(autostartEnabled('[Desktop Entry]\nExec=x\n')).toBe(true);
  });
});

describe('login item service', () => {
  it('Linux: writes, reads and removes the autostart file', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-home-'));
    const { electron } = fakeElectron();
    const item = createLoginItem(electron, ctx({ homeDir: home }));
    const file = path.join(home, '.config', 'autostart', 'rsync-tray.desktop');
    expect(item.supported).toBe(true);
    expect(await item.isEnabled()).toBe(false);
    await item.setEnabled(true);
    expect(await item.isEnabled()).toBe(true);
    expect(await readFile(file, 'utf8')).toBe(desktopEntry(['/opt/Rsync Tray/rsync-tray', HIDDEN_ARG]));
    expect((await stat(file)).mode & 0o777).toBe(0o644);
    // Switched off in the desktop's settings: reported as off.
    await writeFile(file, `${await readFile(file, 'utf8')}Hidden=true\n`);
    expect(await item.isEnabled()).toBe(false);
    await item.setEnabled(false);
    await expect(stat(file)).rejects.toThrow();
    await item.setEnabled(false);
  });

  it('macOS/Windows: goes through app.setLoginItemSettings', async () => {
    const { electron, app } = fakeElectron();
    const item = createLoginItem(electron, ctx({ platform: 'win32', execPath: 'C:\\RT\\rt.exe' }));
    await item.setEnabled(true);
    expect(app.loginItem.settings).toEqual([{ openAtLogin: true, path: 'C:\\RT\\rt.exe', args: [HIDDEN_ARG] }]);
    expect(await item.isEnabled()).toBe(true);
    const mac = createLoginItem(electron, ctx({ platform: 'darwin', isPackaged: false }));
    expect(mac.supported).toBe(false);
    expect(await mac.isEnabled()).toBe(false);
  });
});
