/**
 * The tray app's side of `preferences.get` / `preferences.set`: start at login, as the OS has it
 * (login-item-service.ts), and the notification switches, from the preferences file. The tray
 * menu changes them through here too, so the menu and the window never disagree; `onChange` lets
 * the menu redraw after the window changed something.
 */
import type { HostPreferences, HostPreferencesPatch } from '../shared/host-preferences.ts';
import { RsyncTrayError } from '../shared/errors.ts';
import type { LoginItem } from './login-item-service.ts';
import type { PreferencesStore } from './preferences.ts';

export interface HostPreferencesService {
  get(): Promise<HostPreferences>;
  /** Start at login first (the step that can fail: then nothing changed), then notifications. */
  set(patch: HostPreferencesPatch): Promise<HostPreferences>;
  /** Start at login as last read: the tray menu is drawn synchronously. null: cannot be managed here. */
  openAtLogin(): boolean | null;
}

export interface HostPreferencesDeps {
  store: PreferencesStore;
  loginItem: LoginItem;
  /** After a change (or after the OS was found to say something new about start at login). */
  onChange(): void;
}

export async function createHostPreferences(deps: HostPreferencesDeps): Promise<HostPreferencesService> {
  const { store, loginItem } = deps;
  const readLoginItem = async (): Promise<boolean | null> =>
    loginItem.supported ? await loginItem.isEnabled().catch(() => false) : null;
  let openAtLogin = await readLoginItem();

  /** The OS is the truth for start at login: someone may have changed it in the system settings. */
  const refresh = async (): Promise<boolean> => {
    const fresh = await readLoginItem();
    const changed = fresh !== openAtLogin;
    openAtLogin = fresh;
    return changed;
  };
  const snapshot = (): HostPreferences => ({
    startAtLogin: openAtLogin,
    notifications: { ...store.get().notifications },
  });

  return {
    async get() {
      if (await refresh()) deps.onChange();
      return snapshot();
    },
    async set(patch) {
      if (patch.startAtLogin !== undefined) {
        if (!loginItem.supported) {
          throw new RsyncTrayError(
            'INVALID_CONFIG',
            'This copy of Rsync Tray cannot start at login.',
            'On macOS, start the installed app (in Applications) rather than a development build; nothing was changed.',
          );
        }
        try {
          await loginItem.setEnabled(patch.startAtLogin);
        } catch (error) {
          throw new RsyncTrayError(
            'INTERNAL',
            `Could not change start at login: ${(error as Error).message}`,
            'Nothing was changed; try again, or set it in the system settings.',
            { cause: error },
          );
        }
      }
      const notifications = patch.notifications;
      if (notifications) store.update((p) => ({ ...p, notifications: { ...p.notifications, ...notifications } }));
      await refresh();
      deps.onChange();
      return snapshot();
    },
    openAtLogin: () => openAtLogin,
  };
}
