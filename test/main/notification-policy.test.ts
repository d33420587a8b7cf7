import { describe, expect, it } from 'vitest';
import type { ProfileStatus, SyncState } from '../../electron/shared/status.ts';
import {
  decideNotifications,
  DEFAULT_GRACE_MS,
  DEFAULT_NOTIFICATION_PREFS,
  type NotificationSpec,
  type PolicyMemory,
} from '../../electron/main/notification-policy.ts';
import type { NotificationPrefs } from '../../electron/main/tray-model.ts';
import { AUTH, held, REFUSED, status } from './statuses.ts';

/** Plays a timeline of [ms, state] for one profile "Docs"; returns what was shown at each step. */
function play(
  steps: Array<[number, SyncState] | [number, SyncState, NotificationPrefs]>,
  base: NotificationPrefs = DEFAULT_NOTIFICATION_PREFS,
): NotificationSpec[][] {
  let memory: PolicyMemory = new Map();
  return steps.map(([at, state, prefs]) => {
    const r = decideNotifications(memory, [status('Docs', state)], prefs ?? base, at);
    memory = r.memory;
    return r.notifications;
  });
}
const kinds = (shown: NotificationSpec[][]): string[] => shown.flat().map((n) => n.kind);
const G = DEFAULT_GRACE_MS;

describe('notification policy', () => {
  it('notifies a failure once per incident, not per retry', () => {
    // retrying → re-run → retrying … for five minutes: one notification.
    const shown = play([
      [0, 'idle'],
      [1_000, 'retrying'],
      [3_000, 'syncing'],
      [4_000, 'retrying'],
      [G + 1_000, 'syncing'],
      [G + 2_000, 'retrying'],
      [G + 90_000, 'scanning'],
      [G + 91_000, 'retrying'],
      [300_000, 'retrying'],
    ]);
    expect(kinds(shown)).toEqual(['failure']);
    const failure = shown.flat()[0]!;
    expect(failure).toMatchObject({ profile: 'Docs', urgent: false, title: 'Backup “Docs” cannot sync, retrying' });
    expect(failure.body).toBe(`${REFUSED.message} ${REFUSED.hint}`);
  });

  it('stays quiet for a blip that heals within the grace period', () => {
    expect(
      kinds(
        play([
          [0, 'retrying'],
          [5_000, 'syncing'],
          [10_000, 'retrying'],
          [20_000, 'idle'],
        ]),
      ),
    ).toEqual([]);
  });

  it('notifies an error that needs a person at once, with what to do', () => {
    const shown = play([
      [0, 'idle'],
      [1, 'error'],
      [2, 'syncing'],
      [3, 'error'],
    ]);
    expect(kinds(shown)).toEqual(['failure']);
    expect(shown[1]![0]).toMatchObject({
      urgent: true,
      title: 'Backup “Docs” has stopped',
      body: `${AUTH.message} ${AUTH.hint}`,
    });
  });

  it('escalation from retrying to error within the grace period notifies once', () => {
    expect(
      kinds(
        play([
          [0, 'retrying'],
          [1_000, 'error'],
          [2_000, 'retrying'],
          [G * 2, 'error'],
        ]),
      ),
    ).toEqual(['failure']);
  });

  it('notifies recovery once the incident it reported is over', () => {
    const shown = play([
      [0, 'error'],
      [60_000, 'syncing'],
      [120_000, 'paused'],
      [180_000, 'syncing'],
      [240_000, 'idle'],
      [300_000, 'idle'],
    ]);
    expect(kinds(shown)).toEqual(['failure', 'recovery']);
    expect(shown[4]![0]).toMatchObject({ kind: 'recovery', title: 'Backup “Docs” is current again' });
    expect(shown[4]![0]!.body).toContain('(4 minutes)');
  });

  it('starts a new incident after a recovery', () => {
    expect(
      kinds(
        play([
          [0, 'error'],
          [10, 'idle'],
          [20, 'error'],
          [30, 'idle'],
        ]),
      ),
    ).toEqual(['failure', 'recovery', 'failure', 'recovery']);
  });

  it('a disabled profile ends its incident without a recovery notice', () => {
    expect(
      kinds(
        play([
          [0, 'error'],
          [10, 'stopped'],
          [20, 'idle'],
        ]),
      ),
    ).toEqual(['failure']);
  });

  it('notifies each time a mass deletion waits for confirmation', () => {
    const shown = play([
      [0, 'idle'],
      [1, 'needs-confirmation'],
      [2, 'needs-confirmation'],
      [3, 'idle'],
      [4, 'needs-confirmation'],
    ]);
    expect(kinds(shown)).toEqual(['confirm', 'confirm']);
    expect(shown[1]![0]).toMatchObject({ urgent: true, title: 'Backup “Docs” wants to delete many files' });
  });

  it('says how many deletions are held and why', () => {
    const [n] = decideNotifications(new Map(), [held('Docs', 1234, 2000)], DEFAULT_NOTIFICATION_PREFS, 0).notifications;
    expect(n).toMatchObject({ kind: 'confirm', title: 'Backup “Docs” wants to delete 1,234 entries' });
    expect(n!.body).toMatch(/^Click to review: .* Held: mirroring would delete 1234 of 2000 entries/);
    expect(n!.body, 'where confirmed deletions go').toMatch(/Confirming deletes the 1,234 held entries: /);
  });

  describe('muted', () => {
    const muted = { ...DEFAULT_NOTIFICATION_PREFS, muted: true };
    it('shows nothing while muted', () => {
      expect(
        kinds(
          play(
            [
              [0, 'error'],
              [10, 'idle'],
              [20, 'needs-confirmation'],
            ],
            muted,
          ),
        ),
      ).toEqual([]);
    });
    it('does not replay a failure after unmuting, nor announce its recovery', () => {
      const shown = play([
        [0, 'error', muted],
        [10, 'error'],
        [20, 'retrying'],
        [30, 'idle'],
      ]);
      expect(kinds(shown)).toEqual([]);
    });
    it('muting mid-incident hides the recovery', () => {
      expect(
        kinds(
          play([
            [0, 'error'],
            [10, 'idle', muted],
          ]),
        ),
      ).toEqual(['failure']);
    });
    it('each kind can be switched off on its own', () => {
      expect(
        kinds(
          play(
            [
              [0, 'error'],
              [10, 'idle'],
              [20, 'needs-confirmation'],
            ],
            { ...DEFAULT_NOTIFICATION_PREFS, recoveries: false },
          ),
        ),
      ).toEqual(['failure', 'confirm']);
      expect(
        kinds(
          play(
            [
              [0, 'error'],
              [10, 'idle'],
              [20, 'needs-confirmation'],
            ],
            { ...DEFAULT_NOTIFICATION_PREFS, failures: false },
          ),
        ),
      ).toEqual(['confirm']);
      expect(
        kinds(
          play(
            [
              [0, 'error'],
              [10, 'idle'],
              [20, 'needs-confirmation'],
            ],
            { ...DEFAULT_NOTIFICATION_PREFS, confirmations: false },
          ),
        ),
      ).toEqual(['failure', 'recovery']);
    });
  });

  it('keeps profiles apart and forgets removed ones', () => {
    let memory: PolicyMemory = new Map();
    const step = (statuses: ProfileStatus[], at: number) => {
      const r = decideNotifications(memory, statuses, DEFAULT_NOTIFICATION_PREFS, at);
      memory = r.memory;
      return r.notifications.map((n) => `${n.kind}:${n.profile}`);
    };
    expect(step([status('A', 'error'), status('B', 'idle')], 0)).toEqual(['failure:A']);
    expect(step([status('A', 'error'), status('B', 'error')], 1)).toEqual(['failure:B']);
    expect(step([status('B', 'idle')], 2)).toEqual(['recovery:B']);
    expect([...memory.keys()]).toEqual(['B']);
    // A comes back (re-created): a fresh incident.
    expect(step([status('A', 'error'), status('B', 'idle')], 3)).toEqual(['failure:A']);
  });
});
