import { describe, expect, it } from 'vitest';
import { STATE_SEVERITY, SYNC_STATES, type ProfileStatus, type SyncState } from '../../electron/shared/status.ts';
import {
  escapeMnemonic,
  formatSyncTime,
  ICON_FOR_STATE,
  resolveAction,
  STATE_LABEL,
  summarize,
  TOOLTIP_MAX,
  tooltip,
  trayModel,
  type MenuEntry,
  type NotificationPrefs,
  type TrayInput,
} from '../../electron/main/tray-model.ts';
import { held, status } from './statuses.ts';

const NOW = new Date(2025, 5, 12, 15, 30).getTime();
const AT_1402 = new Date(2025, 5, 12, 14, 2).getTime();
const prefs: NotificationPrefs = { muted: false, failures: true, recoveries: true, confirmations: true };
const input = (statuses: ProfileStatus[], extra: Partial<TrayInput> = {}): TrayInput => ({
  statuses,
  now: NOW,
  notifications: prefs,
  openAtLogin: true,
  ...extra,
});

const find = (menu: MenuEntry[], label: string): MenuEntry | undefined => menu.find((m) => m.label?.startsWith(label));
const labels = (menu: MenuEntry[] | undefined): string[] =>
  (menu ?? []).filter((m) => m.type !== 'separator').map((m) => m.label ?? '');

/** The menu contract every state must satisfy for one profile. */
function checkProfileEntry(entry: MenuEntry | undefined, s: ProfileStatus): void {
  expect(entry?.type).toBe('submenu');
  expect(entry?.label).toContain(s.name);
  expect(entry?.label).toContain(STATE_LABEL[s.state]);
  const items = entry!.submenu!;
  const byLabel = (l: string) => items.find((i) => i.label === l);
  expect(byLabel('Show in Rsync Tray…')?.action).toEqual({ type: 'show-window', profile: s.name });
  expect(byLabel('Open source folder')?.action).toEqual({ type: 'open-folder', profile: s.name });
  if (s.state === 'stopped') {
    expect(labels(items)).not.toContain('Sync now');
    expect(labels(items)[0]).toMatch(/Disabled/);
    return;
  }
  expect(byLabel('Sync now')?.action).toEqual({ type: 'sync-now', profile: s.name });
  expect(byLabel('Sync now')?.enabled).toBe(s.state !== 'paused');
  if (s.state === 'paused') {
    expect(byLabel('Resume')?.action).toEqual({ type: 'resume', profile: s.name });
    expect(byLabel('Pause')).toBeUndefined();
  } else {
    const pause = byLabel('Pause')?.submenu ?? [];
    expect(pause.find((i) => i.label === 'Until resumed')?.action).toEqual({ type: 'pause', profile: s.name });
    expect(pause.find((i) => i.label === 'For 1 hour')?.action).toEqual({
      type: 'pause',
      profile: s.name,
      minutes: 60,
    });
    expect(byLabel('Resume')).toBeUndefined();
  }
  if (s.state === 'needs-confirmation')
    expect(byLabel('Review the deletions…')?.action).toEqual({ type: 'show-window', profile: s.name });
  if (s.state === 'error' || s.state === 'retrying') expect(labels(items)).toContain(s.lastError!.hint);
}

describe('tray icon', () => {
  it('maps every state to its image', () => {
    expect(ICON_FOR_STATE).toEqual({
      idle: 'current',
      scanning: 'syncing',
      syncing: 'syncing',
      paused: 'paused',
      retrying: 'retrying',
      'needs-confirmation': 'confirm',
      error: 'error',
      stopped: 'inactive',
    });
  });

  it('shows "inactive" with no profiles at all', () => {
    const m = trayModel(input([]));
    expect(m.icon).toBe('inactive');
    expect(m.tooltip).toBe('Rsync Tray: No backups set up yet');
    expect(find(m.menu, 'Add a backup…')?.action).toEqual({ type: 'show-window' });
  });

  describe.each(SYNC_STATES)('one profile %s', (state) => {
    const s = status('Documents', state, { lastSuccessAt: AT_1402 });
    const m = trayModel(input([s]));
    it('image, tooltip and menu', () => {
      expect(m.icon).toBe(ICON_FOR_STATE[state]);
      expect(m.tooltip.startsWith('Rsync Tray: ')).toBe(true);
      expect(m.tooltip.length).toBeLessThanOrEqual(TOOLTIP_MAX);
      if (state !== 'idle' && state !== 'stopped') expect(m.tooltip).toContain(`Documents: ${STATE_LABEL[state]}`);
      checkProfileEntry(find(m.menu, 'Documents'), s);
      if (state !== 'stopped') expect(find(m.menu, 'Documents')?.label).toContain('synced 14:02');
    });
  });

  // Every ordered pair of states across two profiles: the worst one wins the image, both get a line.
  const pairs = SYNC_STATES.flatMap((a) => SYNC_STATES.map((b) => [a, b] as [SyncState, SyncState]));
  it.each(pairs)('profiles in %s and %s', (a, b) => {
    const statuses = [status('Alpha', a), status('Beta', b)];
    const m = trayModel(input(statuses));
    const worst = STATE_SEVERITY[a] >= STATE_SEVERITY[b] ? a : b;
    expect(m.icon).toBe(ICON_FOR_STATE[worst]);
    expect(m.tooltip.length).toBeLessThanOrEqual(TOOLTIP_MAX);
    checkProfileEntry(find(m.menu, 'Alpha'), statuses[0]!);
    checkProfileEntry(find(m.menu, 'Beta'), statuses[1]!);
    const active = statuses.filter((s) => s.state !== 'stopped');
    expect(find(m.menu, 'Sync all now')?.enabled).toBe(active.some((s) => s.state !== 'paused'));
    expect(find(m.menu, 'Pause all')?.enabled).toBe(active.some((s) => s.state !== 'paused'));
    expect(find(m.menu, 'Resume all')?.enabled).toBe(active.some((s) => s.state === 'paused'));
    // The header says the same thing as the tooltip's first line.
    expect(m.tooltip.split('\n')[0]).toBe(`Rsync Tray: ${m.menu[0]!.label!.replace(/&&/g, '&')}`);
  });
});

describe('summary line', () => {
  it.each([
    [['idle', 'idle', 'idle'], 'All 3 backups are current'],
    [['idle'], 'The backup is current'],
    [['syncing', 'idle'], 'Syncing 1 of 2 backups'],
    [['syncing'], 'Syncing'],
    [['retrying', 'idle', 'idle'], '1 of 3 backups is retrying'],
    [['error', 'error', 'idle'], '2 of 3 backups are failing'],
    [['error', 'retrying'], '1 of 2 backups is failing'],
    [['needs-confirmation', 'idle'], '1 of 2 backups is waiting for your confirmation'],
    [['paused', 'paused'], 'All 2 backups are paused'],
    [['paused', 'idle'], '1 of 2 backups is paused, the others are current'],
    [['stopped', 'stopped'], 'All 2 backups are disabled'],
    [['stopped', 'idle'], 'The backup is current'],
  ] as Array<[SyncState[], string]>)('%j → %s', (states, text) => {
    expect(summarize(states.map((s, i) => status(`P${i}`, s)))).toBe(text);
  });
});

describe('menu', () => {
  it('lists profiles needing attention first, then by name, and the global actions after', () => {
    const m = trayModel(input([status('b-current', 'idle'), status('a-current', 'idle'), status('z-broken', 'error')]));
    expect(
      labels(m.menu)
        .slice(1, 4)
        .map((l) => l.split(' — ')[0]),
    ).toEqual(['z-broken', 'a-current', 'b-current']);
    expect(labels(m.menu).slice(4)).toEqual([
      'Sync all now',
      'Pause all',
      'Resume all',
      'Open Rsync Tray…',
      'Open the log',
      'Notifications',
      'Start at login',
      'Quit Rsync Tray',
    ]);
    expect(find(find(m.menu, 'Pause all')?.submenu ?? [], 'For 1 hour')?.action).toEqual({
      type: 'pause',
      minutes: 60,
    });
    expect(find(m.menu, 'Quit Rsync Tray')?.action).toEqual({ type: 'quit' });
    expect(find(m.menu, 'Open the log')?.action).toEqual({ type: 'open-log' });
  });

  it('shows progress, pending changes and the error in the profile line', () => {
    const syncing = status('Web', 'syncing', { pending: 12 });
    expect(find(trayModel(input([syncing])).menu, 'Web')?.label).toBe('Web — syncing 12 changes · never synced');
    const moving = status('Web', 'syncing');
    moving.targets[0]!.progress = { kind: 'batch', bytes: 1, percent: 41.6, bytesPerSecond: 1, etaSeconds: 1 };
    // The presenter's percent, as the window writes it.
    expect(find(trayModel(input([moving])).menu, 'Web')?.label).toContain('syncing 42 %');
    const scanning = status('Web', 'scanning');
    scanning.targets[0]!.progress = { kind: 'full', bytes: 1, percent: null, bytesPerSecond: 1, etaSeconds: null };
    // No made-up percentage.
    expect(find(trayModel(input([scanning])).menu, 'Web')?.label).toBe('Web — checking · never synced');
    const failing = status('Web', 'retrying', { lastSuccessAt: new Date(2025, 5, 10, 9, 5).getTime() });
    expect(find(trayModel(input([failing])).menu, 'Web')?.label).toBe(
      'Web — retrying: The backup server backup.example.com refused th… · synced 10 Jun 09:05',
    );
  });

  it('counts the deletions a held profile waits on', () => {
    expect(find(trayModel(input([held('Web', 1234)])).menu, 'Web')?.label).toBe(
      'Web — needs confirmation: 1,234 deletions held · never synced',
    );
  });

  it('escapes & so a profile called R&D is not turned into a mnemonic', () => {
    expect(escapeMnemonic('R&D')).toBe('R&&D');
    expect(find(trayModel(input([status('R&D', 'idle')])).menu, 'R&&D')).toBeDefined();
  });

  it('reflects the notification settings and offers the toggles', () => {
    const m = trayModel(input([], { notifications: { ...prefs, recoveries: false } }));
    const sub = find(m.menu, 'Notifications')!.submenu!;
    expect(sub.find((i) => i.label === 'Mute all')).toMatchObject({
      type: 'checkbox',
      checked: false,
      action: { type: 'set-notification', key: 'muted', value: true },
    });
    expect(sub.find((i) => i.label === 'When it recovers')).toMatchObject({
      checked: false,
      enabled: true,
      action: { key: 'recoveries', value: true },
    });
    const muted = find(trayModel(input([], { notifications: { ...prefs, muted: true } })).menu, 'Notifications')!
      .submenu!;
    expect(muted.filter((i) => i.type === 'checkbox' && i.label !== 'Mute all').every((i) => i.enabled === false)).toBe(
      true,
    );
  });

  it('shows "Start at login" as the OS reports it, and hides it where unsupported', () => {
    expect(find(trayModel(input([], { openAtLogin: false })).menu, 'Start at login')).toMatchObject({
      checked: false,
      action: { type: 'set-login-item', enabled: true },
    });
    expect(find(trayModel(input([], { openAtLogin: true })).menu, 'Start at login')).toMatchObject({
      checked: true,
      action: { type: 'set-login-item', enabled: false },
    });
    expect(find(trayModel(input([], { openAtLogin: null })).menu, 'Start at login')).toBeUndefined();
  });
});

describe('tooltip', () => {
  it('names the profiles that are not current, worst first, within Windows’ 127 characters', () => {
    const statuses = [
      status('Current', 'idle'),
      status('Slow', 'retrying'),
      status('Broken', 'error'),
      ...Array.from({ length: 8 }, (_, i) => status(`Busy ${i}`, 'syncing')),
    ];
    const text = tooltip(statuses, NOW);
    expect(text.length).toBeLessThanOrEqual(TOOLTIP_MAX);
    const lines = text.split('\n');
    expect(lines.slice(1, 3)).toEqual(['Broken: error', 'Slow: retrying']);
    expect(text).not.toContain('Current:');
    const shown = lines.filter((l) => l.startsWith('Busy')).length;
    expect(lines.at(-1)).toBe(`…and ${8 - shown} more`);
  });
});

describe('formatSyncTime', () => {
  it('is the time today, the date otherwise, the year when it differs', () => {
    expect(formatSyncTime(AT_1402, NOW)).toBe('14:02');
    expect(formatSyncTime(new Date(2025, 2, 3, 8, 0).getTime(), NOW)).toBe('3 Mar 08:00');
    expect(formatSyncTime(new Date(2024, 11, 31, 23, 59).getTime(), NOW)).toBe('31 Dec 2024 23:59');
  });
});

describe('timed pause', () => {
  const pauseOf = (entry: MenuEntry | undefined) => entry?.submenu?.find((i) => i.label === 'Pause')?.submenu ?? [];

  it('offers 15 minutes, 1 hour, tomorrow 08:00 and until resumed, for a profile and for all', () => {
    const m = trayModel(input([status('Docs', 'idle')]));
    const mine = pauseOf(find(m.menu, 'Docs'));
    expect(labels(mine)).toEqual(['For 15 minutes', 'For 1 hour', 'Until tomorrow 08:00', 'Until resumed']);
    expect(mine.map((i) => i.action)).toEqual([
      { type: 'pause', profile: 'Docs', minutes: 15 },
      { type: 'pause', profile: 'Docs', minutes: 60 },
      { type: 'pause', profile: 'Docs', untilTomorrow: true },
      { type: 'pause', profile: 'Docs' },
    ]);
    const all = find(m.menu, 'Pause all');
    expect(all?.enabled).toBe(true);
    expect(all?.submenu?.map((i) => i.action)).toEqual([
      { type: 'pause', minutes: 15 },
      { type: 'pause', minutes: 60 },
      { type: 'pause', untilTomorrow: true },
      { type: 'pause' },
    ]);
  });

  it('counts "until tomorrow" when clicked, not when the menu was built', () => {
    const clicked = new Date(2025, 5, 12, 22, 0).getTime();
    expect(resolveAction({ type: 'pause', profile: 'Docs', untilTomorrow: true }, clicked)).toEqual({
      type: 'pause',
      profile: 'Docs',
      minutes: 10 * 60,
    });
    expect(resolveAction({ type: 'pause', minutes: 15 }, clicked)).toEqual({ type: 'pause', minutes: 15 });
  });

  it('says until when a profile is paused', () => {
    const paused = status('Docs', 'paused', { pausedUntil: new Date(2025, 5, 12, 15, 45).getTime() });
    const entry = find(trayModel(input([paused])).menu, 'Docs');
    expect(entry?.label).toBe('Docs — paused until 15:45 · never synced');
    expect(pauseOf(entry)).toEqual([]);
    expect(entry?.submenu?.find((i) => i.label === 'Resume')?.action).toEqual({ type: 'resume', profile: 'Docs' });
  });
});

describe('paused by a condition of the machine', () => {
  const onBattery = (name: string) => status(name, 'paused', { pauseReason: 'on battery' });

  it('says why in the header, the tooltip and the profile’s line and menu', () => {
    const m = trayModel(input([onBattery('Docs')]));
    expect(m.icon).toBe('paused');
    expect(m.menu[0]?.label).toBe('The backup is paused: on battery');
    expect(m.tooltip).toBe('Rsync Tray: The backup is paused: on battery\nDocs: paused (on battery)');
    const entry = find(m.menu, 'Docs');
    expect(entry?.label).toBe('Docs — paused: on battery · never synced');
    expect(labels(entry?.submenu)[0]).toBe('Paused on battery power: it resumes by itself on mains power');
    expect(entry?.submenu?.[0]?.enabled).toBe(false);
    checkProfileEntry(entry, onBattery('Docs'));
  });

  it('counts the reasons when the paused profiles have different ones, leaving out a person’s pause', () => {
    const metered = status('Web', 'paused', { pauseReason: 'metered network' });
    const byHand = status('Mail', 'paused', { pausedUntil: null });
    expect(summarize([onBattery('A'), onBattery('B')])).toBe('All 2 backups are paused: on battery');
    expect(summarize([onBattery('A'), onBattery('B'), metered])).toBe(
      'All 3 backups are paused (on battery: 2, metered network: 1)',
    );
    expect(summarize([onBattery('A'), byHand])).toBe('All 2 backups are paused (on battery: 1)');
    expect(summarize([byHand, status('B', 'paused')])).toBe('All 2 backups are paused');
    expect(summarize([metered, status('C', 'idle')])).toBe(
      '1 of 2 backups is paused (metered network), the others are current',
    );
    expect(labels(find(trayModel(input([metered])).menu, 'Web')?.submenu)[0]).toBe(
      'Paused on a metered network: it resumes by itself on another network',
    );
  });

  it('has words for a reason it has no line for', () => {
    const entry = find(trayModel(input([status('X', 'paused', { pauseReason: 'low disk' })])).menu, 'X');
    expect(labels(entry?.submenu)[0]).toBe('Paused: low disk; it resumes by itself when that ends');
  });
});
