/**
 * The Settings page's model: the config's settings (every host has them) and the host's own
 * preferences (the tray app only), as the form holds them, validated by the schemas the host
 * checks them with. Pure (no DOM, no Vue): tested under Node.
 */
import {
  HostPreferencesPatchSchema,
  type HostPreferences,
  type HostPreferencesPatch,
  type NotificationPrefs,
} from '@shared/host-preferences.ts';
import { SettingsPatchSchema, type SettingsPatch } from '@shared/contract.ts';
import type { Settings } from '@shared/profile-schema.ts';
import { FIELD_WORDS, issueSentence } from '@shared/validation-messages.ts';

export interface SettingsForm {
  rsyncPath: string;
  /** As typed. */
  defaultDebounceMs: string;
}

export function settingsFormFrom(s: Settings): SettingsForm {
  return { rsyncPath: s.rsyncPath, defaultDebounceMs: String(s.defaultDebounceMs) };
}

export type SettingsErrors = Partial<Record<keyof SettingsForm, string>>;

export interface SettingsValidation {
  /** What settings.set is sent, or null while a field is wrong. */
  patch: SettingsPatch | null;
  errors: SettingsErrors;
}

export function validateSettings(f: SettingsForm): SettingsValidation {
  const errors: SettingsErrors = {};
  const debounce = f.defaultDebounceMs.trim();
  const n = Number(debounce);
  // A blank or non-numeric field is not a number the schema could judge: say what to type.
  const input = { rsyncPath: f.rsyncPath, defaultDebounceMs: debounce === '' || !Number.isFinite(n) ? undefined : n };
  if (input.defaultDebounceMs === undefined) errors.defaultDebounceMs = FIELD_WORDS.defaultDebounceMs!.empty!;
  const parsed = SettingsPatchSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path[0] as keyof SettingsForm;
      errors[key] ??= issueSentence(issue);
    }
  }
  return { patch: parsed.success && Object.keys(errors).length === 0 ? parsed.data : null, errors };
}

export const NOTIFICATION_KINDS: ReadonlyArray<{ key: Exclude<keyof NotificationPrefs, 'muted'>; label: string }> = [
  { key: 'failures', label: 'When a backup fails (once, not at every retry)' },
  { key: 'recoveries', label: 'When it works again' },
  { key: 'confirmations', label: 'When a mass deletion waits for confirmation' },
];

/** Only what differs from what the host has, so an unchanged start-at-login is not rewritten. */
export function preferencesPatch(before: HostPreferences, after: HostPreferences): HostPreferencesPatch | null {
  const patch: HostPreferencesPatch = {};
  if (after.startAtLogin !== null && after.startAtLogin !== before.startAtLogin)
    patch.startAtLogin = after.startAtLogin;
  const changed = (Object.keys(after.notifications) as Array<keyof NotificationPrefs>).filter(
    (k) => after.notifications[k] !== before.notifications[k],
  );
  if (changed.length) patch.notifications = Object.fromEntries(changed.map((k) => [k, after.notifications[k]]));
  if (Object.keys(patch).length === 0) return null;
  // The host validates it again; this keeps the window from ever sending what it would refuse.
  return HostPreferencesPatchSchema.parse(patch);
}
