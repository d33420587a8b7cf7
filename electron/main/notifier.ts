/**
 * Shows what the notification policy decides. A click opens the window on the profile. The
 * Notification objects are kept until closed: on Windows a collected one loses its click handler.
 */
import type { Notification as NotificationType } from 'electron';
import type { ProfileStatus } from '../shared/status.ts';
import type { ElectronApi } from './electron-api.ts';
import { decideNotifications, type NotificationSpec, type PolicyMemory } from './notification-policy.ts';
import type { NotificationPrefs } from './tray-model.ts';

export interface Notifier {
  /** Feeds the latest statuses; shows what is due. Returns what was decided (for the log). */
  update(statuses: readonly ProfileStatus[], prefs: NotificationPrefs, now: number): NotificationSpec[];
  /** A one-off message (an action from the tray menu failed). */
  plain(title: string, body: string): void;
}

export interface NotifierOptions {
  icon?: string;
  onClick(profile?: string): void;
  graceMs?: number;
}

export function createNotifier(electron: Pick<ElectronApi, 'Notification'>, options: NotifierOptions): Notifier {
  let memory: PolicyMemory = new Map();
  const live = new Set<NotificationType>();

  const show = (title: string, body: string, urgent: boolean, profile?: string): void => {
    if (!electron.Notification.isSupported()) return;
    const n = new electron.Notification({
      title,
      body,
      urgency: urgent ? 'critical' : 'normal',
      ...(options.icon ? { icon: options.icon } : {}),
    });
    live.add(n);
    n.on('click', () => {
      live.delete(n);
      options.onClick(profile);
    });
    n.on('close', () => live.delete(n));
    n.show();
  };

  return {
    update(statuses, prefs, now) {
      const decided = decideNotifications(memory, statuses, prefs, now, options.graceMs);
      memory = decided.memory;
      for (const spec of decided.notifications) show(spec.title, spec.body, spec.urgent, spec.profile);
      return decided.notifications;
    },
    plain(title, body) {
      show(title, body, false);
    },
  };
}
