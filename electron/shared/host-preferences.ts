/**
 * Preferences that belong to a host rather than to the config file: whether the tray app starts at
 * login and which notifications it shows. The tray app has them (its menu and the window edit the
 * same ones); the headless `serve` has none and says so. Pure zod: the renderer imports this too.
 */
import { z } from 'zod';

export const NotificationPrefsSchema = z
  .object({
    /** Silences every kind below, without forgetting which kinds were on. */
    muted: z.boolean(),
    /** A backup that fails (once per incident, not per retry). */
    failures: z.boolean(),
    /** A backup that works again after a failure that was shown. */
    recoveries: z.boolean(),
    /** A mass deletion held back until someone confirms it. */
    confirmations: z.boolean(),
  })
  .strict();

export const HostPreferencesSchema = z
  .object({
    /** null: this host cannot manage it (e.g. macOS when not run as the installed app). */
    startAtLogin: z.boolean().nullable(),
    notifications: NotificationPrefsSchema,
  })
  .strict();

/** What `preferences.set` takes: any subset; what is left out stays as it is. */
export const HostPreferencesPatchSchema = z
  .object({
    startAtLogin: z.boolean().optional(),
    notifications: NotificationPrefsSchema.partial().optional(),
  })
  .strict();

export type NotificationPrefs = z.infer<typeof NotificationPrefsSchema>;
export type HostPreferences = z.infer<typeof HostPreferencesSchema>;
export type HostPreferencesPatch = z.infer<typeof HostPreferencesPatchSchema>;
