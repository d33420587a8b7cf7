/**
 * The systemd unit `rsync-tray service install` writes, as text (so it is tested and printed by
 * `--print` exactly as installed).
 *
 * Hardening, and why each line is what it is:
 * - NoNewPrivileges, PrivateTmp: the engine runs rsync and nothing setuid; it needs no shared /tmp.
 * - ProtectSystem=strict: the whole file system is read-only for it, except ReadWritePaths=:
 *   the config folder (the state, the control socket and serve's token live beside the config),
 *   and the profiles' source folders. The engine only READS sources to back them up, but a
 *   restore (from the window, `rsync-tray restore`) puts files back into them, and the service is
 *   what restores; a read-only source would make every restore fail with EROFS. A profile added
 *   after install is read-only until `service install` is run again (it re-reads the config).
 * - ProtectHome=read-only, not yes, when a source or the config lives under /home, /root or
 *   /run/user: `yes` hides those folders, which no ReadWritePaths= can undo. Otherwise yes.
 * - Type=notify + NotifyAccess=all: READY=1 and STATUS= come from systemd-notify, a child of the
 *   engine (sd-notify.ts says why). WatchdogSec=: a stalled engine stops pinging and is restarted.
 * A --user unit runs in the user's own manager: the mount-namespace options need privileges a
 * user manager may lack (they fail the unit where user namespaces are off), so it keeps only
 * NoNewPrivileges.
 */
import path from 'node:path';

export interface UnitOptions {
  /** The program line: node and the CLI script, absolute. */
  execStart: string[];
  configFile: string;
  /** The profiles' source folders (read-write, for restore). */
  sources: string[];
  user: boolean;
  /** Seconds; the engine pings at half. */
  watchdogSec?: number;
  /** The account a system unit runs as (User=); unset runs as root. */
  runAs?: string;
}

export const DEFAULT_WATCHDOG_SEC = 60;

/** Folders that ProtectHome=yes would hide. */
const HOME_ROOTS = ['/home', '/root', '/run/user'];

const TMP_ROOTS = ['/tmp', '/var/tmp'];

const under = (dir: string, root: string): boolean => dir === root || dir.startsWith(`${root}/`);

/**
 * A value as systemd reads one word: % doubled (it starts a specifier), quoted when it has
 * spaces or quotes, with \ and " escaped.
 */
export function unitWord(text: string): string {
  const word = text.replaceAll('%', '%%');
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `"${word.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

export function unitText(o: UnitOptions): string {
  const configDir = path.dirname(path.resolve(o.configFile));
  const writable = [...new Set([configDir, ...o.sources.map((s) => path.resolve(s))])].sort();
  const inHome = writable.some((p) => HOME_ROOTS.some((root) => under(p, root)));
  // PrivateTmp gives the service its own empty /tmp: a source or the config there would vanish.
  const inTmp = writable.some((p) => TMP_ROOTS.some((root) => under(p, root)));
  const lines = [
    '# Written by `rsync-tray service install`; run it again (not an edit here) to change this unit.',
    '[Unit]',
    'Description=Rsync Tray: live mirror of folders onto rsync daemons',
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=notify',
    'NotifyAccess=all',
    `ExecStart=${o.execStart.map(unitWord).join(' ')}`,
    `WatchdogSec=${o.watchdogSec ?? DEFAULT_WATCHDOG_SEC}`,
    'KillSignal=SIGTERM',
    'TimeoutStopSec=30',
    'Restart=on-failure',
    'RestartSec=5',
    `Environment=${unitWord(`RSYNC_TRAY_CONFIG=${path.resolve(o.configFile)}`)}`,
  ];
  if (!o.user && o.runAs) lines.push(`User=${o.runAs}`);
  lines.push('NoNewPrivileges=yes');
  if (!o.user) {
    lines.push(
      ...(inTmp ? ['# No PrivateTmp=: a source folder or the config is under /tmp.'] : ['PrivateTmp=yes']),
      'ProtectSystem=strict',
      `ProtectHome=${inHome ? 'read-only' : 'yes'}`,
      `ReadWritePaths=${writable.map((p) => unitWord(`-${p}`)).join(' ')}`,
    );
  }
  lines.push('', '[Install]', `WantedBy=${o.user ? 'default.target' : 'multi-user.target'}`, '');
  return lines.join('\n');
}
