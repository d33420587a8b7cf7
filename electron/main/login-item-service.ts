/** Applies the login-item plan: Electron's API on macOS/Windows, the autostart file on Linux. */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ElectronApi } from './electron-api.ts';
import { autostartEnabled, desktopEntry, loginItemPlan, type LoginItemContext } from './login-item.ts';

export interface LoginItem {
  /** False where the app cannot manage it (unpackaged on macOS): the menu hides the checkbox. */
  readonly supported: boolean;
  isEnabled(): Promise<boolean>;
  setEnabled(enabled: boolean): Promise<void>;
}

export function createLoginItem(electron: Pick<ElectronApi, 'app'>, ctx: LoginItemContext): LoginItem {
  const probe = loginItemPlan(ctx, true);
  return {
    supported: probe.kind !== 'unsupported',
    async isEnabled() {
      if (probe.kind === 'electron') return electron.app.getLoginItemSettings(probe.query).openAtLogin;
      if (probe.kind === 'autostart-file') {
        const content = await readFile(probe.file, 'utf8').catch(() => null);
        return autostartEnabled(content);
      }
      return false;
    },
    async setEnabled(enabled) {
      const plan = loginItemPlan(ctx, enabled);
      if (plan.kind === 'electron') electron.app.setLoginItemSettings(plan.settings);
      else if (plan.kind === 'autostart-file') {
        if (enabled) {
          await mkdir(path.dirname(plan.file), { recursive: true });
          await writeFile(plan.file, desktopEntry(plan.exec), { mode: 0o644 });
        } else await rm(plan.file, { force: true });
      }
    },
  };
}
