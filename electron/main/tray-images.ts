/**
 * Which tray image file to load, per platform and panel colour. The files are made by
 * scripts/make-icons.ts into build/tray and packed as an extra resource (electron-builder.yml):
 *
 * - macOS: monochrome template images (`<icon>Template.png` + `@2x`); the menu bar tints them for
 *   light and dark mode itself, so the states differ by shape, not colour.
 * - Windows: PNG at 16 px plus `@1.25x` … `@3x` (20–48 px) per icon and panel colour; Electron
 *   loads the suffixed files beside the base file and Windows takes the one for the display's DPI.
 * - Linux: PNG at 22 px plus `@2x` (44 px); Electron picks the `@2x` file on HiDPI panels.
 *
 * "light"/"dark" is the colour of the panel the icon sits on: a dark panel needs a light glyph.
 */
import type { TrayIcon } from './tray-model.ts';

export type PanelTheme = 'light' | 'dark';
export type TrayThemePreference = 'auto' | PanelTheme;

export function trayImageFile(icon: TrayIcon, platform: NodeJS.Platform, theme: PanelTheme): string {
  if (platform === 'darwin') return `${icon}Template.png`;
  if (platform === 'win32') return `tray-${icon}-${theme}-win.png`;
  return `tray-${icon}-${theme}.png`;
}

export interface PanelThemeInput {
  preference: TrayThemePreference;
  platform: NodeJS.Platform;
  /** nativeTheme.shouldUseDarkColors */
  darkMode: boolean;
  /** XDG_CURRENT_DESKTOP */
  desktop?: string;
}

/**
 * No platform tells an app the colour of its tray's panel, so this is a best guess the user can
 * override: GNOME's top bar (and Ubuntu's, Unity's) is dark whatever the theme; elsewhere the
 * panel follows the system's dark mode.
 */
export function panelTheme({ preference, platform, darkMode, desktop }: PanelThemeInput): PanelTheme {
  if (preference !== 'auto') return preference;
  if (platform === 'linux' && desktop && /gnome|unity|ubuntu|pantheon/i.test(desktop)) return 'dark';
  return darkMode ? 'dark' : 'light';
}
