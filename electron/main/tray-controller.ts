/**
 * The Tray object, driven by the pure tray model. Updates are coalesced (status events arrive
 * several times a second during a transfer) and applied only when something visible changed:
 * on Linux every setContextMenu rebuilds the exported menu, and a menu swapped while open flickers.
 */
import path from 'node:path';
import type { MenuItemConstructorOptions, Tray as TrayType } from 'electron';
import type { ElectronApi } from './electron-api.ts';
import { trayImageFile, type PanelTheme } from './tray-images.ts';
import { resolveAction, trayModel, type MenuEntry, type TrayAction, type TrayInput } from './tray-model.ts';

export function toMenuTemplate(
  entries: readonly MenuEntry[],
  onAction: (action: TrayAction) => void,
): MenuItemConstructorOptions[] {
  return entries.map((e): MenuItemConstructorOptions => {
    if (e.type === 'separator') return { type: 'separator' };
    const { action } = e;
    return {
      type: e.type,
      label: e.label,
      ...(e.enabled === undefined ? {} : { enabled: e.enabled }),
      ...(e.type === 'checkbox' ? { checked: e.checked ?? false } : {}),
      ...(e.submenu ? { submenu: toMenuTemplate(e.submenu, onAction) } : {}),
      ...(action ? { click: () => onAction(action) } : {}),
    };
  });
}

export interface TrayControllerOptions {
  imagesDir: string;
  platform: NodeJS.Platform;
  input(): TrayInput;
  theme(): PanelTheme;
  onAction(action: TrayAction): void;
  /** Left click (Windows, macOS without a menu; Linux panels rarely report it). */
  onClick(): void;
  throttleMs?: number;
  /** The time a click is carried out at ("until tomorrow" is counted from it); tests pass a fixed one. */
  now?: () => number;
}

export interface TrayController {
  /** Schedules a rebuild (coalesced). */
  refresh(): void;
  /** Rebuilds now. */
  render(): void;
  dispose(): void;
}

export function createTrayController(
  electron: Pick<ElectronApi, 'Tray' | 'Menu' | 'nativeImage'>,
  options: TrayControllerOptions,
): TrayController {
  const throttleMs = options.throttleMs ?? 500;
  let tray: TrayType | null = null;
  let shown = { image: '', tooltip: '', menu: '' };
  let timer: NodeJS.Timeout | null = null;
  const now = options.now ?? Date.now;
  const onAction = (action: TrayAction): void => options.onAction(resolveAction(action, now()));

  const render = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    const model = trayModel(options.input());
    const image = path.join(options.imagesDir, trayImageFile(model.icon, options.platform, options.theme()));
    if (!tray) {
      tray = new electron.Tray(electron.nativeImage.createFromPath(image));
      tray.on('click', () => options.onClick());
      shown = { ...shown, image };
    } else if (image !== shown.image) {
      tray.setImage(electron.nativeImage.createFromPath(image));
      shown = { ...shown, image };
    }
    if (model.tooltip !== shown.tooltip) {
      tray.setToolTip(model.tooltip);
      shown = { ...shown, tooltip: model.tooltip };
    }
    const menu = JSON.stringify(model.menu);
    if (menu !== shown.menu) {
      // Linux needs setContextMenu again after any change; it is the portable way everywhere.
      tray.setContextMenu(electron.Menu.buildFromTemplate(toMenuTemplate(model.menu, onAction)));
      shown = { ...shown, menu };
    }
  };

  return {
    refresh() {
      if (!timer) timer = setTimeout(render, throttleMs);
    },
    render,
    dispose() {
      if (timer) clearTimeout(timer);
      timer = null;
      tray?.destroy();
      tray = null;
    },
  };
}
