/**
 * Start at login, decided per platform as data: macOS and Windows through
 * `app.setLoginItemSettings`, Linux through an XDG autostart `.desktop` file (Electron has no
 * login-item API there). A backup that silently stops after a reboot is the failure this guards
 * against, so the app turns it on at first run (see app-main.ts).
 */
import path from 'node:path';
import type { LoginItemSettingsOptions, Settings } from 'electron';

/** Passed at login so the app starts in the tray without opening its window. */
export const HIDDEN_ARG = '--hidden';
export const AUTOSTART_FILE_NAME = 'rsync-tray.desktop';

export interface LoginItemContext {
  platform: NodeJS.Platform;
  /** process.execPath */
  execPath: string;
  /** app.isPackaged */
  isPackaged: boolean;
  /** app.getAppPath(): what `electron` must be given to run the unpackaged app. */
  appPath: string;
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string;
}

export type LoginItemPlan =
  | { kind: 'electron'; settings: Settings; query: LoginItemSettingsOptions }
  | { kind: 'autostart-file'; file: string; exec: string[] }
  | { kind: 'unsupported'; reason: string };

/** The command that starts this very app again (the AppImage, not its temporary mount). */
export function launchCommand(ctx: LoginItemContext): string[] {
  const exe = ctx.platform === 'linux' && ctx.env.APPIMAGE ? ctx.env.APPIMAGE : ctx.execPath;
  return ctx.isPackaged ? [exe] : [exe, ctx.appPath];
}

export function autostartFile(ctx: Pick<LoginItemContext, 'env' | 'homeDir'>): string {
  const base =
    ctx.env.XDG_CONFIG_HOME && path.isAbsolute(ctx.env.XDG_CONFIG_HOME)
      ? ctx.env.XDG_CONFIG_HOME
      : path.join(ctx.homeDir, '.config');
  return path.join(base, 'autostart', AUTOSTART_FILE_NAME);
}

export function loginItemPlan(ctx: LoginItemContext, openAtLogin: boolean): LoginItemPlan {
  switch (ctx.platform) {
    case 'darwin':
      // Unpackaged, the login item would be the bare Electron.app, which opens Electron's
      // default app rather than this one.
      if (!ctx.isPackaged)
        return { kind: 'unsupported', reason: 'Only the installed app can start at login on macOS.' };
      return { kind: 'electron', settings: { openAtLogin }, query: {} };
    case 'win32': {
      const [exe, ...rest] = launchCommand(ctx);
      const args = [...rest, HIDDEN_ARG];
      // Windows looks the entry up by path and arguments, so the query must repeat them.
      return { kind: 'electron', settings: { openAtLogin, path: exe, args }, query: { path: exe, args } };
    }
    case 'linux':
    case 'freebsd':
    case 'openbsd':
      return { kind: 'autostart-file', file: autostartFile(ctx), exec: [...launchCommand(ctx), HIDDEN_ARG] };
    default:
      return { kind: 'unsupported', reason: `Starting at login is not supported on ${ctx.platform}.` };
  }
}

/**
 * One argument of a desktop entry's Exec key. The spec: quote arguments with reserved characters
 * in double quotes, escape `"`, `` ` ``, `$` and `\` inside them with a backslash — and the
 * key's value is itself a string in which `\` must be escaped again — and write `%` as `%%`.
 */
export function quoteExecArg(arg: string): string {
  const percent = arg.replace(/%/g, '%%');
  if (!/[\s"'\\><~|&;$*?#()`]/.test(percent) && percent !== '') return percent;
  const inner = percent.replace(/(["`$\\])/g, '\\$1');
  return `"${inner.replace(/\\/g, '\\\\')}"`;
}

export function desktopEntry(exec: readonly string[], icon = 'rsync-tray'): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=Rsync Tray',
    'Comment=Keeps folders mirrored onto rsync daemons',
    `Exec=${exec.map(quoteExecArg).join(' ')}`,
    `Icon=${icon}`,
    'Terminal=false',
    'Categories=Utility;',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Whether an existing autostart file is switched on (desktops disable one with Hidden=true). */
export function autostartEnabled(content: string | null): boolean {
  if (content === null) return false;
  const value = (key: string): string | undefined =>
    new RegExp(`^${key}\\s*=\\s*(.*)$`, 'm').exec(content)?.[1]?.trim();
  if (value('Hidden')?.toLowerCase() === 'true') return false;
  if (value('X-GNOME-Autostart-enabled')?.toLowerCase() === 'false') return false;
  return true;
}
