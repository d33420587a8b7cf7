/**
 * The tray's clicks carry out what the menu says at the moment of the click: "Until tomorrow
 * 08:00" chosen at 22:00 sends the ten hours left then, not the time when the menu was built.
 */
import { describe, expect, it } from 'vitest';
import { createTrayController } from '../../electron/main/tray-controller.ts';
import type { TrayAction } from '../../electron/main/tray-model.ts';
import { clickMenu, fakeElectron, FakeTray } from './fake-electron.ts';
import { status } from './statuses.ts';

describe('tray controller', () => {
  it('resolves a timed pause when clicked, with the clock of the click', () => {
    const { electron } = fakeElectron();
    const built = new Date(2025, 5, 12, 15, 30).getTime();
    let now = built;
    const actions: TrayAction[] = [];
    const tray = createTrayController(electron, {
      imagesDir: '/images',
      platform: 'linux',
      input: () => ({
        statuses: [status('Docs', 'idle')],
        now: built,
        notifications: { muted: false, failures: true, recoveries: true, confirmations: true },
        openAtLogin: null,
      }),
      theme: () => 'dark',
      onAction: (a) => actions.push(a),
      onClick: () => {},
      now: () => now,
    });
    tray.render();
    const menu = FakeTray.instances.at(-1)!.menus.at(-1)!.template;
    now = new Date(2025, 5, 12, 22, 0).getTime();
    clickMenu(menu, ['Docs', 'Pause', 'Until tomorrow 08:00']);
    clickMenu(menu, ['Pause all', 'For 15 minutes']);
    clickMenu(menu, ['Pause all', 'Until resumed']);
    expect(actions).toEqual([
      { type: 'pause', profile: 'Docs', minutes: 600 },
      { type: 'pause', minutes: 15 },
      { type: 'pause' },
    ]);
    tray.dispose();
  });
});
