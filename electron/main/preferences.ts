/**
 * The tray's own preferences — things the headless CLI has no use for (notifications, the tray
 * image's panel colour, first-run bookkeeping) — in their own electron-store file beside the
 * config. Whether the app starts at login is not stored here: the OS is the truth for that
 * (login-item-service.ts), so a change made in the system settings shows in the menu.
 */
import { z } from 'zod';
import type { DocumentStore } from './config-store.ts';
import { DEFAULT_NOTIFICATION_PREFS } from './notification-policy.ts';
import { issueSentence } from '../shared/validation-messages.ts';
import { migrate, type Migration } from '../core/config/migrations.ts';

export const PREFERENCES_VERSION = 1;

export const PreferencesSchema = z.object({
  version: z.literal(PREFERENCES_VERSION),
  notifications: z
    .object({
      muted: z.boolean().default(DEFAULT_NOTIFICATION_PREFS.muted),
      failures: z.boolean().default(DEFAULT_NOTIFICATION_PREFS.failures),
      recoveries: z.boolean().default(DEFAULT_NOTIFICATION_PREFS.recoveries),
      confirmations: z.boolean().default(DEFAULT_NOTIFICATION_PREFS.confirmations),
    })
    .default(DEFAULT_NOTIFICATION_PREFS),
  trayTheme: z.enum(['auto', 'light', 'dark']).default('auto'),
  /** Start-at-login is switched on once, at the first run; after that it is the user's choice. */
  loginItemDefaultApplied: z.boolean().default(false),
});

export type Preferences = z.infer<typeof PreferencesSchema>;

export const PREFERENCES_MIGRATIONS: Readonly<Record<number, Migration>> = {
  0: (data) => data,
};

export interface PreferencesStore {
  get(): Preferences;
  update(change: (current: Preferences) => Preferences): Preferences;
}

export const defaultPreferences = (): Preferences => PreferencesSchema.parse({ version: PREFERENCES_VERSION });

/**
 * Unlike the config, preferences are cheap to lose: a file that cannot be read or validated is
 * replaced by the defaults (reported through `warn`), never a reason to refuse to start.
 */
export function createPreferencesStore(
  doc: DocumentStore,
  warn: (message: string) => void = () => {},
): PreferencesStore {
  const read = (): Preferences => {
    try {
      const raw = doc.store;
      if (Object.keys(raw).length === 0) return defaultPreferences();
      const { data } = migrate(raw, PREFERENCES_MIGRATIONS, PREFERENCES_VERSION, `The preferences file ${doc.path}`);
      const parsed = PreferencesSchema.safeParse(data);
      if (parsed.success) return parsed.data;
      warn(
        `The preferences file ${doc.path} is invalid ` +
          `(${parsed.error.issues.map((i) => `${i.path.join('.')}: ${issueSentence(i)}`).join(' ')}) Using the defaults.`,
      );
    } catch (error) {
      warn(`The preferences file ${doc.path} cannot be read (${(error as Error).message}); using the defaults.`);
    }
    return defaultPreferences();
  };
  return {
    get: read,
    update(change) {
      const next = PreferencesSchema.parse(change(read()));
      doc.store = next as unknown as Record<string, unknown>;
      return next;
    },
  };
}
