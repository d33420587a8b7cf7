// @vitest-environment happy-dom
/**
 * The presenter (electron/shared/presenter.ts) as tables: every number, time and state word the
 * tray, the CLI and the window show. Then the three side by side on the same status: they must
 * agree on the retry's attempt number and on how a count is written.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  capitalize,
  firstSentence,
  formatAgo,
  formatBytes,
  formatClock,
  formatCount,
  formatDuration,
  formatEta,
  formatPercent,
  formatRate,
  formatWait,
  heldDeletions,
  lastSyncedPhrase,
  plural,
  retryAttemptNumber,
  retryPhrase,
  shorten,
  stateTitle,
  stateWord,
  statusLine,
  transferPhrase,
  upcomingRetry,
  type StatusLineStyle,
} from '../../electron/shared/presenter.ts';
import {
  STATE_LABEL,
  SYNC_STATES,
  type ErrorInfo,
  type ProfileStatus,
  type SyncState,
  type TargetStatus,
} from '../../electron/shared/status.ts';
import { describeTarget, formatStatusTable } from '../../electron/headless/log-format.ts';
import { describeProfile, trayModel } from '../../electron/main/tray-model.ts';
import { fakeClient, loadComponents, type ComponentBundle } from '../ui/support/components.ts';
import { aHold } from '../support/holds.ts';

const NOW = new Date(2025, 5, 12, 15, 30, 0).getTime();
const REFUSED: ErrorInfo = {
  code: 'CONNECTION_REFUSED',
  message: 'The backup server backup.example.com refused the connection on port 873. Is rsyncd running?',
  hint: 'Start the rsync daemon on the server, or check the port.',
};

function target(state: SyncState, patch: Partial<TargetStatus> = {}): TargetStatus {
  return {
    key: 'ann@nas.lan:873/backup',
    state,
    pending: 0,
    lastSuccessAt: null,
    lastFullSyncAt: null,
    lastError: state === 'retrying' || state === 'error' ? REFUSED : null,
    retry: null,
    unreachableSince: null,
    hold: null,
    progress: null,
    totals: { runs: 0, files: 0, bytes: 0, failures: 0 },
    ...patch,
  };
}

function profile(t: TargetStatus, patch: Partial<ProfileStatus> = {}): ProfileStatus {
  return {
    name: 'documents',
    state: t.state,
    pending: t.pending,
    lastSuccessAt: t.lastSuccessAt,
    lastError: t.lastError,
    watch: { mode: 'watching', note: null },
    targets: [t],
    ...patch,
  };
}

describe('numbers', () => {
  it.each([
    [0, '0'],
    [7, '7'],
    [999, '999'],
    [1_642, '1,642'],
    [1_234_567, '1,234,567'],
    [12.6, '13'],
  ])('formatCount(%d) = %s', (n, text) => expect(formatCount(n)).toBe(text));

  it.each([
    [1, 'change', undefined, '1 change'],
    [0, 'change', undefined, '0 changes'],
    [1_642, 'change', undefined, '1,642 changes'],
    [2, 'entry', 'entries', '2 entries'],
  ])('plural(%d, %s) = %s', (n, one, many, text) => expect(plural(n, one, many)).toBe(text));

  it.each([
    [0, '0 %'],
    [41.6, '42 %'],
    [99.4, '99 %'],
    [100, '100 %'],
  ])('formatPercent(%d) = %s', (p, text) => expect(formatPercent(p)).toBe(text));

  it.each([
    [0, '0 B'],
    [1_023, '1,023 B'],
    [1_024, '1.0 KiB'],
    [1_536, '1.5 KiB'],
    [9.96 * 1024, '10 KiB'],
    [1_023.6 * 1024, '1.0 MiB'], // not "1024 KiB"
    [123 * 1024 ** 2, '123 MiB'],
    [5 * 1024 ** 3, '5.0 GiB'],
    [2_048 * 1024 ** 4, '2,048 TiB'],
  ])('formatBytes(%d) = %s', (n, text) => expect(formatBytes(n)).toBe(text));

  it('formatRate is bytes per second', () => {
    expect(formatRate(1024 ** 2)).toBe('1.0 MiB/s');
  });
});

describe('times', () => {
  it.each([
    [0, '0 ms'],
    [120, '120 ms'],
    [999.7, '1.0 s'],
    [2_500, '2.5 s'],
    [59_960, '1 min 0 s'],
    [119_700, '2 min 0 s'], // not "1 min 60 s"
    [125_000, '2 min 5 s'],
    [3_900_000, '1 h 5 min'],
    [1_000 * 3_600_000, '1,000 h 0 min'],
  ])('formatDuration(%d) = %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it.each([
    [-5_000, 'now'],
    [300, 'now'],
    [12_000, 'in 12 s'],
    [12_400, 'in 12 s'],
    [270_000, 'in 4 min 30 s'],
  ])('formatWait(%d) = %s', (ms, text) => expect(formatWait(ms)).toBe(text));

  it.each([
    [null, ''],
    [Number.POSITIVE_INFINITY, ''],
    [0.2, '1 s left'],
    [42, '42 s left'],
    [95, 'about 2 min left'],
    [7_200, 'about 2.0 h left'],
  ])('formatEta(%s) = %s', (s, text) => expect(formatEta(s)).toBe(text));

  it.each([
    [new Date(2025, 5, 12, 14, 2, 9).getTime(), {}, '14:02'],
    [new Date(2025, 5, 12, 14, 2, 9).getTime(), { seconds: true }, '14:02:09'],
    [new Date(2025, 2, 3, 8, 0).getTime(), {}, '3 Mar 08:00'],
    [new Date(2024, 11, 31, 23, 59).getTime(), {}, '31 Dec 2024 23:59'],
  ])('formatClock(%d, %j) = %s', (at, opts, text) => expect(formatClock(at, NOW, opts)).toBe(text));

  it.each([
    [null, 'never'],
    [NOW - 2_000, 'just now'],
    [NOW - 42_000, '42 s ago'],
    [NOW - 5 * 60_000, '5 min ago'],
    [NOW - 3 * 3_600_000, '3 h ago'],
    [new Date(2025, 5, 10, 9, 5).getTime(), '10 Jun 09:05'],
  ])('formatAgo(%s) = %s', (at, text) => expect(formatAgo(at, NOW)).toBe(text));

  it.each([
    [null, {}, 'never synced'],
    [NOW - 120_000, {}, 'synced 2 min ago'],
    [new Date(2025, 5, 12, 14, 2).getTime(), { clock: true }, 'synced 14:02'],
    [null, { clock: true }, 'never synced'],
  ])('lastSyncedPhrase(%s, %j) = %s', (at, opts, text) => expect(lastSyncedPhrase(at, NOW, opts)).toBe(text));
});

describe('text', () => {
  it('shortens on one line, takes the first sentence, capitalizes', () => {
    expect(shorten('a  b\nc', 10)).toBe('a b c');
    expect(shorten('abcdefghijk', 5)).toBe('abcd…');
    expect(firstSentence('The server refused. Is it running?\nmore')).toBe('The server refused');
    expect(capitalize('needs confirmation')).toBe('Needs confirmation');
  });
});

describe('states', () => {
  it.each(SYNC_STATES)('%s: the one word, and its capitalized title', (state) => {
    expect(stateWord(state)).toBe(STATE_LABEL[state]);
    expect(stateTitle(state)).toBe(capitalize(STATE_LABEL[state]));
  });

  it('the retry is numbered by the attempt that comes next', () => {
    // The engine's RetryInfo.attempt counts failed attempts: 2 failed, the upcoming one is the 3rd.
    const retry = { attempt: 2, nextAt: NOW + 12_000 };
    expect(retryAttemptNumber(retry)).toBe(3);
    expect(retryPhrase(retry, NOW)).toBe('attempt 3 in 12 s');
    expect(retryPhrase(retry, NOW, { clock: true })).toBe('attempt 3 at 15:30');
    expect(retryPhrase({ attempt: 1, nextAt: NOW - 1 }, NOW)).toBe('attempt 2 now');
    expect(retryPhrase({ attempt: 1, nextAt: NOW - 1 }, NOW, { clock: true })).toBe('attempt 2 now');
    expect(retryPhrase({ attempt: 4, nextAt: new Date(2025, 5, 12, 15, 34).getTime() }, NOW, { clock: true })).toBe(
      'attempt 5 at 15:34',
    );
  });

  it('a profile’s upcoming retry is its soonest retrying or failing target’s', () => {
    const a = target('retrying', { key: 'a', retry: { attempt: 4, nextAt: NOW + 60_000 } });
    const b = target('error', { key: 'b', retry: { attempt: 1, nextAt: NOW + 5_000 } });
    const c = target('syncing', { key: 'c', retry: { attempt: 9, nextAt: NOW + 1_000 } }); // the retry is running now
    expect(upcomingRetry(profile(a, { targets: [a, b, c], state: 'error' }))).toEqual(b.retry);
    expect(upcomingRetry(c)).toBeNull();
    expect(upcomingRetry(target('retrying'))).toBeNull();
  });

  it('held deletions add up over the targets', () => {
    const hold = (deletions: number) => aHold({ deletions, backupEntries: 10_000, reason: 'r' });
    const a = target('needs-confirmation', { hold: hold(1_000) });
    const b = target('needs-confirmation', { hold: hold(642) });
    expect(heldDeletions(profile(a, { targets: [a, b] }))).toBe(1_642);
  });

  it('a transfer in words', () => {
    expect(
      transferPhrase({ kind: 'batch', bytes: 3 * 1024 ** 2, percent: 42.4, bytesPerSecond: 1024 ** 2, etaSeconds: 95 }),
    ).toBe('Sending changes · 42 % · 3.0 MiB · 1.0 MiB/s · about 2 min left');
    expect(
      transferPhrase({ kind: 'full', bytes: 5 * 1024 ** 2, percent: null, bytesPerSecond: 0, etaSeconds: null }),
    ).toBe('Full sync · 5.0 MiB sent');
  });
});

describe('status line', () => {
  const retry = { attempt: 2, nextAt: NOW + 12_000 };
  const hold = aHold({ deletions: 1_234, backupEntries: 1_500, reason: 'the source folder is empty' });
  const progress = { kind: 'batch' as const, bytes: 1, percent: 41.6, bytesPerSecond: 1, etaSeconds: 1 };
  const at1402 = new Date(2025, 5, 12, 14, 2).getTime();
  it.each<[string, TargetStatus, StatusLineStyle, string]>([
    ['idle', target('idle'), {}, 'current'],
    [
      'idle, synced (clock)',
      target('idle', { lastSuccessAt: at1402 }),
      { synced: true, clock: true },
      'current · synced 14:02',
    ],
    [
      'idle, synced (relative)',
      target('idle', { lastSuccessAt: NOW - 120_000 }),
      { synced: true },
      'current · synced 2 min ago',
    ],
    ['never synced', target('scanning'), { synced: true }, 'checking · never synced'],
    ['disabled: no sync time', target('stopped'), { synced: true }, 'disabled'],
    ['percent', target('syncing', { progress, pending: 3 }), { pending: true }, 'syncing 42 % — 3 changes pending'],
    [
      'full sync without a percentage',
      target('scanning', { progress: { ...progress, kind: 'full', percent: null } }),
      {},
      'checking',
    ],
    ['pending, counted once', target('syncing', { pending: 1_642 }), { pending: true }, 'syncing 1,642 changes'],
    ['pending while paused', target('paused', { pending: 1_642 }), { pending: true }, 'paused — 1,642 changes pending'],
    ['pending while paused, said without asking', target('paused', { pending: 1 }), {}, 'paused — 1 change pending'],
    [
      'retrying, no retry known',
      target('retrying'),
      { error: 'short' },
      'retrying: The backup server backup.example.com refused th…',
    ],
    [
      'retrying, relative',
      target('retrying', { retry }),
      { error: 'full' },
      `retrying (attempt 3 in 12 s): ${REFUSED.message} — ${REFUSED.hint}`,
    ],
    ['retrying, clock', target('retrying', { retry }), { clock: true }, 'retrying (attempt 3 at 15:30)'],
    [
      'error retried slowly',
      target('error', { retry: { attempt: 5, nextAt: NOW + 270_000 } }),
      {},
      'error (attempt 6 in 4 min 30 s)',
    ],
    ['held', target('needs-confirmation', { hold }), {}, 'needs confirmation: 1,234 deletions held'],
    [
      'held, with detail',
      target('needs-confirmation', { hold }),
      { detail: 'why' },
      'needs confirmation: 1,234 deletions held — why',
    ],
  ])('%s', (_name, t, style, text) => {
    expect(statusLine(t, NOW, style)).toBe(text);
  });
});

describe('the tray, the CLI and the window say the same', () => {
  let ui: ComponentBundle;
  beforeAll(async () => {
    ui = await loadComponents();
  }, 60_000);

  async function windowText(s: ProfileStatus): Promise<string> {
    const store = ui.createStore(fakeClient());
    const w = ui.mount(ui.ProfileCard, {
      props: { status: s, profile: undefined },
      global: { provide: { [ui.STORE]: store } },
    });
    await ui.flushPromises();
    const text = w.text();
    w.unmount();
    return text;
  }

  const attempts = (text: string): number[] => [...text.matchAll(/\battempt (\d+)/gi)].map((m) => Number(m[1]));

  it.each([
    ['retrying', 1],
    ['retrying', 2],
    ['error', 7],
  ] as Array<[SyncState, number]>)(
    '%s after %d failed attempts: every place names the same upcoming attempt',
    async (state, failed) => {
      const now = Date.now();
      const t = target(state, { retry: { attempt: failed, nextAt: now + 30_000 } });
      const s = profile(t);
      const expected = failed + 1;

      const cli = describeTarget(t, s.name, now);
      const cliStatus = formatStatusTable([s], now);
      const tray = describeProfile(s, now);
      const menu = trayModel({
        statuses: [s],
        now,
        notifications: { muted: false, failures: true, recoveries: true, confirmations: true },
        openAtLogin: null,
      }).menu;
      const window = await windowText(s);

      expect(attempts(cli)).toEqual([expected]);
      expect(attempts(cliStatus)).toEqual([expected]);
      expect(attempts(tray)).toEqual([expected]);
      expect(attempts(menu.find((m) => m.label?.startsWith('documents'))!.label!)).toEqual([expected]);
      expect(attempts(window)).toEqual([expected]);

      // The same phrase, relative where the text is fresh (CLI, window), a clock in the tray menu.
      expect(cli).toContain(`${stateWord(state)} (attempt ${expected} in 30 s): `);
      expect(window).toMatch(new RegExp(`Attempt ${expected} in (29|30) s\\.`));
      expect(tray).toContain(`${stateWord(state)} (attempt ${expected} at ${formatClock(now + 30_000, now)})`);
    },
  );

  it('a count is written with thousands separators everywhere', async () => {
    const now = Date.now();
    const t = target('syncing', { pending: 1_642 });
    const s = profile(t);
    expect(describeTarget(t, s.name, now)).toBe('syncing 1,642 changes');
    expect(describeProfile(s, now)).toBe('syncing 1,642 changes · never synced');
    expect(await windowText(s)).toContain('1,642 changes');
  });
});

describe('deletedPhrase and whereDeletionsGo', () => {
  it('counts what a run deleted and moved, and says nothing when it did neither', async () => {
    const { deletedPhrase } = await import('../../electron/shared/presenter.ts');
    expect(deletedPhrase({ deleted: 1_642, moved: 2 })).toBe('1,642 deleted, 2 moved');
    expect(deletedPhrase({ deleted: 0, moved: 1 })).toBe('1 moved');
    expect(deletedPhrase({ deleted: 0, moved: 0 })).toBe('');
  });

  it('says where deleted files went, or that they are gone for good', async () => {
    const { whereDeletionsGo, holdPhrase } = await import('../../electron/shared/presenter.ts');
    const net = { folder: '.rsync-tray-deleted/2026-12-02', days: 7 };
    expect(whereDeletionsGo(net)).toBe(
      'moved to .rsync-tray-deleted/2026-12-02 on the backup and kept 7 days (restore from there)',
    );
    expect(whereDeletionsGo(null)).toMatch(/destroyed for good .*keepDeletedDays is 0/);
    const phrase = holdPhrase(aHold({ deletions: 300, alreadyDeleted: 6_000, reason: 'r', safetyNet: net }));
    expect(phrase).toBe(
      'Held: r. 6,000 entries were already deleted in the last 10 minutes: moved to .rsync-tray-deleted/2026-12-02 ' +
        'on the backup and kept 7 days (restore from there). Confirming deletes the 300 held entries: moved to ' +
        '.rsync-tray-deleted/2026-12-02 on the backup and kept 7 days (restore from there). Refusing keeps them on ' +
        'the backup and pauses syncing.',
    );
  });
});
