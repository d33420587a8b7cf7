/**
 * The tray app's preferences.get/set: start at login from the OS, notifications from the
 * preferences file; a failing login item changes nothing; every change redraws the menu.
 */
import { describe, expect, it } from 'vitest';
import type { DocumentStore } from '../../electron/main/config-store.ts';
import { createHostPreferences } from '../../electron/main/host-preferences.ts';
import type { LoginItem } from '../../electron/main/login-item-service.ts';
import { createPreferencesStore } from '../../electron/main/preferences.ts';

function fakeLoginItem(supported = true): LoginItem & { enabled: boolean; fail: string | null; sets: boolean[] } {
  const item = {
    supported,
    enabled: false,
    fail: null as string | null,
    sets: [] as boolean[],
    async isEnabled() {
      return item.enabled;
    },
    async setEnabled(on: boolean) {
      if (item.fail) throw new Error(item.fail);
      item.sets.push(on);
      item.enabled = on;
    },
  };
  return item;
}

async function setup(supported = true) {
  const doc: DocumentStore = { store: {}, path: '/mem/preferences.json' };
  const store = createPreferencesStore(doc);
  const loginItem = fakeLoginItem(supported);
  let changes = 0;
  const prefs = await createHostPreferences({ store, loginItem, onChange: () => changes++ });
  return { doc, store, loginItem, prefs, changes: () => changes };
}

describe('host preferences of the tray app', () => {
  it('reads start at login from the OS and notifications from the preferences file', async () => {
    const { prefs } = await setup();
    expect(await prefs.get()).toEqual({
      startAtLogin: false,
      notifications: { muted: false, failures: true, recoveries: true, confirmations: true },
    });
    expect(prefs.openAtLogin()).toBe(false);
  });

  it('applies a patch: only what it names changes, the file keeps it, the menu redraws', async () => {
    const { prefs, doc, loginItem, changes } = await setup();
    const after = await prefs.set({ startAtLogin: true, notifications: { muted: true } });
    expect(after).toEqual({
      startAtLogin: true,
      notifications: { muted: true, failures: true, recoveries: true, confirmations: true },
    });
    expect(loginItem.sets).toEqual([true]);
    expect(doc.store).toMatchObject({ version: 1, notifications: { muted: true, failures: true } });
    expect(prefs.openAtLogin()).toBe(true);
    expect(changes()).toBe(1);
    await prefs.set({ notifications: { recoveries: false } });
    expect(loginItem.sets).toEqual([true]); // not rewritten
    expect((await prefs.get()).notifications).toEqual({
      muted: true,
      failures: true,
      recoveries: false,
      confirmations: true,
    });
  });

  it('a change made in the system settings shows at the next read, and redraws the menu', async () => {
    const { prefs, loginItem, changes } = await setup();
    loginItem.enabled = true;
    expect((await prefs.get()).startAtLogin).toBe(true);
    expect(prefs.openAtLogin()).toBe(true);
    expect(changes()).toBe(1);
    await prefs.get();
    expect(changes()).toBe(1);
  });

  it('a login item that cannot be changed: a typed error, and nothing else changed', async () => {
    const { prefs, loginItem, store } = await setup();
    loginItem.fail = 'EACCES: permission denied, open ~/.config/autostart/rsync-tray.desktop';
    await expect(prefs.set({ startAtLogin: true, notifications: { muted: true } })).rejects.toMatchObject({
      code: 'INTERNAL',
      message:
        'Could not change start at login: EACCES: permission denied, open ~/.config/autostart/rsync-tray.desktop',
      hint: expect.stringContaining('Nothing was changed'),
    });
    expect(store.get().notifications.muted).toBe(false);
  });

  it('where start at login cannot be managed it is null, and setting it is refused', async () => {
    const { prefs } = await setup(false);
    expect((await prefs.get()).startAtLogin).toBeNull();
    await expect(prefs.set({ startAtLogin: true })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: 'This copy of Rsync Tray cannot start at login.',
    });
    expect((await prefs.set({ notifications: { failures: false } })).notifications.failures).toBe(false);
  });
});
