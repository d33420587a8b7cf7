/**
 * What the tray shows, as a pure function of the profiles' status: the icon, the tooltip and the
 * menu (as data; the Electron glue turns actions into clicks). Rebuilt on every status change, so
 * everything here must be cheap and must not depend on anything but its input.
 */
import type { NotificationPrefs } from '../shared/host-preferences.ts';
import { formatClock, formatCount, shorten, statusLine, stateWord } from '../shared/presenter.ts';
import { PAUSE_CHOICES, pauseChoiceLabel, pauseMinutes } from '../shared/pause-choices.ts';
import { STATE_LABEL, STATE_SEVERITY, worstState, type ProfileStatus, type SyncState } from '../shared/status.ts';

/** One tray image per overall condition (the files in build/tray are named after these). */
export const TRAY_ICONS = ['current', 'syncing', 'paused', 'retrying', 'error', 'confirm', 'inactive'] as const;
export type TrayIcon = (typeof TRAY_ICONS)[number];

/** The worst state across profiles → the image. `stopped` alone means nothing is enabled. */
export const ICON_FOR_STATE: Record<SyncState, TrayIcon> = {
  idle: 'current',
  scanning: 'syncing',
  syncing: 'syncing',
  paused: 'paused',
  retrying: 'retrying',
  'needs-confirmation': 'confirm',
  error: 'error',
  stopped: 'inactive',
};

/**
 * Words a person reads in the menu and tooltip come from the presenter (electron/shared/presenter.ts),
 * the same as the CLI's and the window's; STATE_LABEL is its table of state words.
 */
export { STATE_LABEL, shorten };

/** "14:02" today, "3 Mar 14:02" on another day: the presenter's clock (notifications use it too). */
export const formatSyncTime = (at: number, now: number): string => formatClock(at, now);

/** The notification switches, as the API defines them (the window edits the same ones). */
export type { NotificationPrefs };

export type TrayAction =
  | { type: 'sync-now'; profile?: string }
  /** `untilTomorrow`: the minutes are counted when clicked (resolveAction), not when the menu was built. */
  | { type: 'pause'; profile?: string; minutes?: number; untilTomorrow?: true }
  | { type: 'resume'; profile?: string }
  | { type: 'show-window'; profile?: string }
  | { type: 'open-folder'; profile: string }
  | { type: 'open-log' }
  | { type: 'set-login-item'; enabled: boolean }
  | { type: 'set-notification'; key: keyof NotificationPrefs; value: boolean }
  /** After the service the tray was attached to stopped: run the engine here (engine-attach.ts). */
  | { type: 'start-engine' }
  | { type: 'quit' };

/** A menu item as data, close to Electron's MenuItemConstructorOptions. */
export interface MenuEntry {
  type: 'normal' | 'separator' | 'checkbox' | 'submenu';
  label?: string;
  enabled?: boolean;
  checked?: boolean;
  action?: TrayAction;
  submenu?: MenuEntry[];
}

export interface TrayInput {
  statuses: readonly ProfileStatus[];
  now: number;
  notifications: NotificationPrefs;
  /** null when start-at-login cannot be managed here (e.g. macOS outside an installed app). */
  openAtLogin: boolean | null;
  /** Whose engine the menu controls: this app's, or a service's it attached to (engine-attach.ts). */
  engine?: EngineHostState;
}

/** The engine behind the tray: its own, a running service's (by pid), or a service that stopped. */
export type EngineHostState = { kind: 'own' } | { kind: 'attached' | 'lost'; pid: number };

/** The menu's line about whose engine it is; a stopped service comes with the offer to run one here. */
function engineEntries(engine: EngineHostState): MenuEntry[] {
  if (engine.kind === 'own') return [{ type: 'normal', label: 'Engine in this app', enabled: false }];
  if (engine.kind === 'attached')
    return [{ type: 'normal', label: `Attached to the service (pid ${engine.pid})`, enabled: false }];
  return [
    { type: 'normal', label: `The service (pid ${engine.pid}) stopped: nothing is syncing`, enabled: false },
    { type: 'normal', label: 'Start the engine in this app', action: { type: 'start-engine' } },
  ];
}

export interface TrayModel {
  icon: TrayIcon;
  tooltip: string;
  menu: MenuEntry[];
}

/** Windows cuts tray tooltips at 127 characters (NOTIFYICONDATA.szTip is 128 wide). */
export const TOOLTIP_MAX = 127;
const NAME_MAX = 40;
/** The pause choices as a submenu (the window's pause menu offers the same ones, in the same words). */
function pauseSubmenu(label: string, profile: string | undefined, now: number, enabled = true): MenuEntry {
  const who = profile === undefined ? {} : { profile };
  return {
    type: 'submenu',
    label,
    enabled,
    submenu: PAUSE_CHOICES.map((c) => ({
      type: 'normal' as const,
      label: pauseChoiceLabel(c.id, now),
      action:
        c.minutes === 'tomorrow'
          ? { type: 'pause' as const, ...who, untilTomorrow: true as const }
          : { type: 'pause' as const, ...who, ...(c.minutes === null ? {} : { minutes: c.minutes }) },
    })),
  };
}

/** An action as it is carried out at `now`: "until tomorrow" becomes the minutes left until then. */
export function resolveAction(action: TrayAction, now: number): TrayAction {
  if (action.type !== 'pause' || !action.untilTomorrow) return action;
  const { untilTomorrow: _, ...rest } = action;
  return { ...rest, minutes: pauseMinutes('tomorrow', now) };
}

export function trayIcon(statuses: readonly ProfileStatus[]): TrayIcon {
  return ICON_FOR_STATE[
    worstState(
      statuses.map((s) => s.state),
      'stopped',
    )
  ];
}

/** Menu labels treat '&' as a mnemonic marker on Windows and Linux; a profile named "R&D" must show as is. */
export function escapeMnemonic(text: string): string {
  return text.replace(/&/g, '&&');
}

/**
 * What a profile is doing, in a few words ("syncing 42 %", "retrying (attempt 3 at 14:05): connection
 * refused · synced 14:02"): the presenter's status line. Times as a clock, not "2 min ago": the
 * menu is rebuilt on status changes only, so a relative time would go stale while it is open.
 */
export function describeProfile(s: ProfileStatus, now: number): string {
  return statusLine(s, now, { clock: true, error: 'short', synced: true });
}

const needsAttention = (s: SyncState): boolean => STATE_SEVERITY[s] >= STATE_SEVERITY.retrying;
const isActive = (s: SyncState): boolean => s !== 'stopped';

/** One line for the whole set: the menu header and the tooltip's first line. */
export function summarize(statuses: readonly ProfileStatus[]): string {
  const active = statuses.filter((s) => isActive(s.state));
  if (statuses.length === 0) return 'No backups set up yet';
  const all = formatCount(active.length);
  if (active.length === 0)
    return statuses.length === 1
      ? 'The backup is disabled'
      : `All ${formatCount(statuses.length)} backups are disabled`;
  const count = (pred: (s: ProfileStatus) => boolean): number => active.filter(pred).length;
  const of = (n: number): string => (active.length === 1 ? 'The backup' : `${formatCount(n)} of ${all} backups`);
  const errors = count((s) => s.state === 'error');
  if (errors) return `${of(errors)} ${verb(errors, active.length)} failing`;
  const confirm = count((s) => s.state === 'needs-confirmation');
  if (confirm) return `${of(confirm)} ${verb(confirm, active.length)} waiting for your confirmation`;
  const retrying = count((s) => s.state === 'retrying');
  if (retrying) return `${of(retrying)} ${verb(retrying, active.length)} retrying`;
  const pausedOnes = active.filter((s) => s.state === 'paused');
  const paused = pausedOnes.length;
  const why = pauseNote(pausedOnes);
  if (paused === active.length) {
    const head = active.length === 1 ? 'The backup is paused' : `All ${all} backups are paused`;
    return why.uniform ? `${head}: ${why.text}` : why.text ? `${head} (${why.text})` : head;
  }
  const busy = count((s) => s.state === 'syncing' || s.state === 'scanning');
  if (busy)
    return `Syncing ${busy === 1 && active.length === 1 ? '' : `${formatCount(busy)} of ${all} backups`}`.trim();
  if (paused)
    return `${of(paused)} ${verb(paused, active.length)} paused${why.text ? ` (${why.text})` : ''}, the others are current`;
  return active.length === 1 ? 'The backup is current' : `All ${all} backups are current`;
}

/**
 * Why the paused profiles are paused, for the header: the one reason they share ("on battery"),
 * else each reason with how many it paused ("on battery: 2, metered network: 1"); a profile a
 * person paused has no reason to add. Empty when none has one.
 */
function pauseNote(paused: readonly ProfileStatus[]): { text: string; uniform: boolean } {
  const reasons = paused.map((s) => s.pauseReason);
  const first = reasons[0];
  if (first && reasons.every((r) => r === first)) return { text: first, uniform: true };
  const counts = new Map<string, number>();
  for (const r of reasons) if (r) counts.set(r, (counts.get(r) ?? 0) + 1);
  return {
    text: [...counts].map(([r, n]) => `${r}: ${formatCount(n)}`).join(', '),
    uniform: false,
  };
}

/**
 * The line in a profile's menu when a condition of the machine paused it, by reason
 * (core/sync/pause-conditions.ts names them); another reason gets the general words.
 */
export const PAUSE_REASON_LINES: Readonly<Record<string, string>> = {
  'on battery': 'Paused on battery power: it resumes by itself on mains power',
  'metered network': 'Paused on a metered network: it resumes by itself on another network',
};
export function pauseReasonLine(reason: string): string {
  return PAUSE_REASON_LINES[reason] ?? `Paused: ${reason}; it resumes by itself when that ends`;
}

function verb(n: number, total: number): string {
  return n === 1 || total === 1 ? 'is' : 'are';
}

export function tooltip(statuses: readonly ProfileStatus[], _now: number): string {
  const head = `Rsync Tray: ${summarize(statuses)}`;
  // Name the profiles that are not simply current, worst first: that is what the user hovers for.
  // Short lines (the menu has the details), as many as fit, then how many were left out.
  const notable = statuses
    .filter((s) => s.state !== 'idle' && s.state !== 'stopped')
    .sort((a, b) => STATE_SEVERITY[b.state] - STATE_SEVERITY[a.state]);
  let text = head.length > TOOLTIP_MAX ? `${head.slice(0, TOOLTIP_MAX - 1)}…` : head;
  for (let i = 0; i < notable.length; i++) {
    const s = notable[i]!;
    const word = s.state === 'paused' && s.pauseReason ? `paused (${s.pauseReason})` : stateWord(s.state);
    const line = `\n${shorten(s.name, 24)}: ${word}`;
    const rest = notable.length - i - 1;
    const more = rest > 0 ? `\n…and ${formatCount(rest)} more` : '';
    if (text.length + line.length + more.length <= TOOLTIP_MAX) {
      text += line;
      continue;
    }
    const all = `\n…and ${formatCount(rest + 1)} more`;
    if (text.length + all.length <= TOOLTIP_MAX) text += all;
    break;
  }
  return text;
}

function profileMenu(s: ProfileStatus, now: number): MenuEntry {
  const name = s.name;
  const items: MenuEntry[] = [];
  if (s.state === 'stopped') {
    items.push({ type: 'normal', label: 'Disabled: enable it in the window', enabled: false });
  } else {
    if (s.state === 'needs-confirmation')
      items.push({ type: 'normal', label: 'Review the deletions…', action: { type: 'show-window', profile: name } });
    if (s.state === 'paused' && s.pauseReason)
      items.push({ type: 'normal', label: escapeMnemonic(pauseReasonLine(s.pauseReason)), enabled: false });
    if (s.lastError && (s.state === 'error' || s.state === 'retrying'))
      items.push({ type: 'normal', label: shorten(s.lastError.hint, 80), enabled: false });
    items.push({
      type: 'normal',
      label: 'Sync now',
      enabled: s.state !== 'paused',
      action: { type: 'sync-now', profile: name },
    });
    if (s.state === 'paused')
      items.push({ type: 'normal', label: 'Resume', action: { type: 'resume', profile: name } });
    else items.push(pauseSubmenu('Pause', name, now));
  }
  items.push({ type: 'separator' });
  items.push({ type: 'normal', label: 'Show in Rsync Tray…', action: { type: 'show-window', profile: name } });
  items.push({ type: 'normal', label: 'Open source folder', action: { type: 'open-folder', profile: name } });
  return {
    type: 'submenu',
    label: `${escapeMnemonic(shorten(name, NAME_MAX))} — ${escapeMnemonic(describeProfile(s, now))}`,
    submenu: items,
  };
}

export function trayMenu(input: TrayInput): MenuEntry[] {
  const { statuses, now, notifications: n } = input;
  const active = statuses.filter((s) => isActive(s.state));
  const anyRunning = active.some((s) => s.state !== 'paused');
  const anyPaused = active.some((s) => s.state === 'paused');
  const menu: MenuEntry[] = [
    { type: 'normal', label: escapeMnemonic(summarize(statuses)), enabled: false },
    { type: 'separator' },
  ];
  if (statuses.length === 0) menu.push({ type: 'normal', label: 'Add a backup…', action: { type: 'show-window' } });
  // Attention first, then by name: the line a user looks for is at the top.
  const ordered = [...statuses].sort(
    (a, b) => Number(needsAttention(b.state)) - Number(needsAttention(a.state)) || a.name.localeCompare(b.name),
  );
  for (const s of ordered) menu.push(profileMenu(s, now));
  menu.push({ type: 'separator' });
  menu.push({ type: 'normal', label: 'Sync all now', enabled: anyRunning, action: { type: 'sync-now' } });
  menu.push(pauseSubmenu('Pause all', undefined, now, anyRunning));
  menu.push({ type: 'normal', label: 'Resume all', enabled: anyPaused, action: { type: 'resume' } });
  menu.push({ type: 'separator' });
  menu.push({ type: 'normal', label: 'Open Rsync Tray…', action: { type: 'show-window' } });
  menu.push({ type: 'normal', label: 'Open the log', action: { type: 'open-log' } });
  menu.push({
    type: 'submenu',
    label: 'Notifications',
    submenu: [
      {
        type: 'checkbox',
        label: 'Mute all',
        checked: n.muted,
        action: { type: 'set-notification', key: 'muted', value: !n.muted },
      },
      { type: 'separator' },
      {
        type: 'checkbox',
        label: 'When a backup fails',
        checked: n.failures,
        enabled: !n.muted,
        action: { type: 'set-notification', key: 'failures', value: !n.failures },
      },
      {
        type: 'checkbox',
        label: 'When it recovers',
        checked: n.recoveries,
        enabled: !n.muted,
        action: { type: 'set-notification', key: 'recoveries', value: !n.recoveries },
      },
      {
        type: 'checkbox',
        label: 'When deletions need confirmation',
        checked: n.confirmations,
        enabled: !n.muted,
        action: { type: 'set-notification', key: 'confirmations', value: !n.confirmations },
      },
    ],
  });
  if (input.openAtLogin !== null) {
    menu.push({
      type: 'checkbox',
      label: 'Start at login',
      checked: input.openAtLogin,
      action: { type: 'set-login-item', enabled: !input.openAtLogin },
    });
  }
  menu.push({ type: 'separator' });
  if (input.engine) menu.push(...engineEntries(input.engine));
  menu.push({ type: 'normal', label: 'Quit Rsync Tray', action: { type: 'quit' } });
  return menu;
}

export function trayModel(input: TrayInput): TrayModel {
  return { icon: trayIcon(input.statuses), tooltip: tooltip(input.statuses, input.now), menu: trayMenu(input) };
}
