/**
 * When to notify, as a pure function of the profiles' status over time.
 *
 * - A failure notifies once per incident, not per retry. An incident starts when a profile goes to
 *   `retrying` or `error`, and lasts through the re-runs in between (`syncing`, `scanning`) and a
 *   pause, until the profile is current again (`idle`, no error) or is disabled/removed.
 * - `error` (something a person must fix) notifies at once; `retrying` (network, daemon busy) only
 *   once the incident is older than a grace period, so a blip that heals itself stays quiet.
 * - Recovery notifies only for an incident whose failure the user was shown.
 * - Needs-confirmation (a mass deletion held back) notifies each time a profile enters that state.
 * - Muted or switched-off kinds are remembered as "seen", so unmuting never replays old news.
 */
import type { ProfileStatus } from '../shared/status.ts';
import { holdPhrase, plural } from '../shared/presenter.ts';
import type { NotificationPrefs } from './tray-model.ts';
import { formatSyncTime, shorten } from './tray-model.ts';

export const DEFAULT_NOTIFICATION_PREFS: NotificationPrefs = {
  muted: false,
  failures: true,
  recoveries: true,
  confirmations: true,
};

/** A retrying profile must stay failing this long before it is worth interrupting someone. */
export const DEFAULT_GRACE_MS = 60_000;

export interface ProfileMemory {
  incident: { since: number; shown: 'yes' | 'suppressed' | 'not-yet' } | null;
  confirming: boolean;
}

export type PolicyMemory = ReadonlyMap<string, ProfileMemory>;

export interface NotificationSpec {
  kind: 'failure' | 'recovery' | 'confirm';
  profile: string;
  title: string;
  body: string;
  /** A failure that needs a person stays on screen (where the platform allows). */
  urgent: boolean;
}

export interface PolicyResult {
  memory: Map<string, ProfileMemory>;
  notifications: NotificationSpec[];
}

const allowed = (prefs: NotificationPrefs, key: 'failures' | 'recoveries' | 'confirmations'): boolean =>
  !prefs.muted && prefs[key];

const minutes = (ms: number): string => {
  const m = Math.round(ms / 60_000);
  if (m < 1) return 'under a minute';
  if (m < 90) return `${m} minute${m === 1 ? '' : 's'}`;
  return `${Math.round(m / 60)} hours`;
};

export function decideNotifications(
  memory: PolicyMemory,
  statuses: readonly ProfileStatus[],
  prefs: NotificationPrefs,
  now: number,
  graceMs = DEFAULT_GRACE_MS,
): PolicyResult {
  const next = new Map<string, ProfileMemory>();
  const out: NotificationSpec[] = [];

  for (const s of statuses) {
    const before = memory.get(s.name) ?? { incident: null, confirming: false };
    let incident = before.incident ? { ...before.incident } : null;

    if (s.state === 'stopped') incident = null;
    else if (s.state === 'retrying' || s.state === 'error') {
      incident ??= { since: now, shown: 'not-yet' };
      const due = s.state === 'error' || now - incident.since >= graceMs;
      if (incident.shown === 'not-yet' && due && s.lastError) {
        if (allowed(prefs, 'failures')) {
          incident.shown = 'yes';
          out.push({
            kind: 'failure',
            profile: s.name,
            title:
              s.state === 'error'
                ? `Backup “${shorten(s.name, 40)}” has stopped`
                : `Backup “${shorten(s.name, 40)}” cannot sync, retrying`,
            body: shorten(`${s.lastError.message} ${s.lastError.hint}`, 240),
            urgent: s.state === 'error',
          });
        } else incident.shown = 'suppressed';
      }
    } else if (s.state === 'idle' && !s.lastError && incident) {
      if (incident.shown === 'yes' && allowed(prefs, 'recoveries')) {
        out.push({
          kind: 'recovery',
          profile: s.name,
          title: `Backup “${shorten(s.name, 40)}” is current again`,
          body:
            `Failing since ${formatSyncTime(incident.since, now)} (${minutes(now - incident.since)}); ` +
            `everything is copied now.`,
          urgent: false,
        });
      }
      incident = null;
    }

    const confirming = s.state === 'needs-confirmation';
    if (confirming && !before.confirming && allowed(prefs, 'confirmations')) {
      const hold = s.targets.find((t) => t.hold)?.hold;
      out.push({
        kind: 'confirm',
        profile: s.name,
        title:
          `Backup “${shorten(s.name, 40)}” wants to delete ` +
          `${hold ? plural(hold.deletions, 'entry', 'entries') : 'many files'}`,
        body: shorten(
          hold
            ? `Click to review: the source may be unmounted or emptied by mistake. ${holdPhrase(hold)}`
            : 'Nothing is deleted until you confirm. Click to review; the source may be unmounted or emptied by mistake.',
          300,
        ),
        urgent: true,
      });
    }
    next.set(s.name, { incident, confirming });
  }
  return { memory: next, notifications: out };
}
