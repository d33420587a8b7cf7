/**
 * What the installed rsync can do. Checked once at start, so that a missing or too old rsync
 * (macOS ships 2.6.9 or openrsync) is explained up front instead of failing every batch.
 */
import { execFile } from 'node:child_process';
import { RsyncTrayError } from '../../shared/errors.ts';

export interface RsyncCapabilities {
  path: string;
  version: string;
  protocol: number;
  /** --delete-missing-args; with -R fixed in 3.2.3 */
  deleteMissingArgs: boolean;
  /** --mkpath: create the destination sub-path on the daemon */
  mkpath: boolean;
  /** --info=progress2,stats2 */
  infoProgress2: boolean;
}

/** Feature → first rsync version that has it. A table, so adding a feature is one line. */
const FEATURES: ReadonlyArray<[keyof Omit<RsyncCapabilities, 'path' | 'version' | 'protocol'>, string]> = [
  ['deleteMissingArgs', '3.2.3'],
  ['mkpath', '3.2.3'],
  ['infoProgress2', '3.1.0'],
];
export const MINIMUM_VERSION = '3.1.0';

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

const INSTALL_HINT: Record<string, string> = {
  linux: 'Install rsync 3.2.3 or newer (Debian/Ubuntu: sudo apt-get install rsync; Fedora: sudo dnf install rsync).',
  darwin:
    'macOS ships rsync 2.6.9 or openrsync; ' +
    'install a current one with `brew install rsync` and set its path (/opt/homebrew/bin/rsync) in the settings.',
  win32: 'Install cwRsync or use rsync from WSL, and set its path in the settings.',
};
const installHint = (): string => INSTALL_HINT[process.platform] ?? INSTALL_HINT.linux!;

export function parseRsyncVersion(text: string): { version: string; protocol: number } | null {
  const m = /rsync\s+version\s+v?(\d+\.\d+\.\d+)\S*\s+protocol version\s+(\d+)/i.exec(text);
  return m ? { version: m[1]!, protocol: Number(m[2]) } : null;
}

/**
 * A path that names a program (not the default `rsync` looked up on the PATH) was typed by
 * someone: the fix is that setting, which each host keeps in its own place.
 */
const isCustom = (path: string): boolean => path !== 'rsync';
const fixSettingHint = (path: string): string =>
  `Correct the rsync program in Settings (in the window), or settings.rsyncPath in the config file for ` +
  `rsync-tray; it is now "${path}". Set it to rsync to use the one on the PATH.`;
const hintFor = (path: string): string =>
  isCustom(path)
    ? fixSettingHint(path)
    : `${installHint()} If it is installed elsewhere, give its full path in Settings ` +
      `(settings.rsyncPath in the config file for rsync-tray).`;

export function capabilitiesFrom(path: string, versionText: string): RsyncCapabilities {
  const parsed = parseRsyncVersion(versionText);
  if (!parsed) {
    const first = versionText.split('\n')[0]?.trim() ?? '';
    throw new RsyncTrayError(
      'RSYNC_TOO_OLD',
      `${path} is not a supported rsync (${first || 'it printed no version'}); ` +
        `openrsync and other reimplementations lack options Rsync Tray needs.`,
      isCustom(path) ? `${fixSettingHint(path)} ${installHint()}` : installHint(),
    );
  }
  if (compareVersions(parsed.version, MINIMUM_VERSION) < 0) {
    throw new RsyncTrayError(
      'RSYNC_TOO_OLD',
      `rsync ${parsed.version} at ${path} is too old; ` +
        `Rsync Tray needs ${MINIMUM_VERSION} or newer (3.2.3+ recommended).`,
      installHint(),
    );
  }
  const caps: RsyncCapabilities = { path, ...parsed, deleteMissingArgs: false, mkpath: false, infoProgress2: false };
  for (const [feature, since] of FEATURES) caps[feature] = compareVersions(parsed.version, since) >= 0;
  return caps;
}

/** Why `path` could not be started at all, or null when it started (and then said something). */
export function notStartedError(path: string, errno: string | undefined): RsyncTrayError | null {
  const where = /[\\/]/.test(path) ? `at ${path}` : path === 'rsync' ? 'on the PATH' : `on the PATH as "${path}"`;
  if (errno === 'ENOENT' || errno === 'ENOTDIR')
    return new RsyncTrayError('RSYNC_MISSING', `rsync was not found ${where}.`, hintFor(path));
  if (errno === 'EACCES' || errno === 'ENOEXEC')
    return new RsyncTrayError(
      'RSYNC_MISSING',
      `The rsync program ${where} cannot be run: it is a folder, or not an executable program.`,
      hintFor(path),
    );
  return null;
}

export function probeRsync(path = 'rsync'): Promise<RsyncCapabilities> {
  return new Promise((resolve, reject) => {
    execFile(path, ['--version'], { env: { ...process.env, LC_ALL: 'C' }, timeout: 10_000 }, (error, stdout) => {
      const notStarted = notStartedError(path, (error as NodeJS.ErrnoException | null)?.code?.toString());
      if (notStarted) {
        reject(notStarted);
        return;
      }
      try {
        resolve(capabilitiesFrom(path, String(stdout)));
      } catch (e) {
        reject(e);
      }
    });
  });
}
