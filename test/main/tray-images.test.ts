import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { panelTheme, trayImageFile } from '../../electron/main/tray-images.ts';
import { TRAY_ICONS } from '../../electron/main/tray-model.ts';

const TRAY_DIR = path.resolve(import.meta.dirname, '../../build/tray');

function pngSize(file: string): [number, number] {
  const data = readFileSync(file);
  expect(data.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return [data.readUInt32BE(16), data.readUInt32BE(20)];
}

function icoSizes(file: string): number[] {
  const data = readFileSync(file);
  expect(data.readUInt16LE(2)).toBe(1);
  return Array.from({ length: data.readUInt16LE(4) }, (_, i) => data[6 + 16 * i] || 256);
}

describe('tray image files', () => {
  it('names them per platform and panel colour', () => {
    expect(trayImageFile('error', 'darwin', 'dark')).toBe('errorTemplate.png');
    expect(trayImageFile('error', 'win32', 'dark')).toBe('tray-error-dark.ico');
    expect(trayImageFile('error', 'linux', 'light')).toBe('tray-error-light.png');
  });

  // Every image the tray model can ask for exists in build/tray, at the sizes each platform needs.
  for (const icon of TRAY_ICONS) {
    it(`${icon}: macOS template 16 + 32@2x, Linux 22 + 44@2x, Windows ico 16–48`, () => {
      const mac = path.join(TRAY_DIR, trayImageFile(icon, 'darwin', 'light'));
      expect(pngSize(mac)).toEqual([16, 16]);
      expect(pngSize(mac.replace('.png', '@2x.png'))).toEqual([32, 32]);
      for (const theme of ['light', 'dark'] as const) {
        const linux = path.join(TRAY_DIR, trayImageFile(icon, 'linux', theme));
        expect(pngSize(linux)).toEqual([22, 22]);
        expect(pngSize(linux.replace('.png', '@2x.png'))).toEqual([44, 44]);
        const win = path.join(TRAY_DIR, trayImageFile(icon, 'win32', theme));
        expect(icoSizes(win)).toEqual([16, 20, 24, 32, 40, 48]);
      }
    });
  }

  it('has the app icons electron-builder packs', () => {
    const build = path.resolve(TRAY_DIR, '..');
    expect(pngSize(path.join(build, 'icon.png'))).toEqual([1024, 1024]);
    expect(icoSizes(path.join(build, 'icon.ico'))).toEqual([16, 24, 32, 48, 64, 128, 256]);
    expect(readFileSync(path.join(build, 'icon.icns')).subarray(0, 4).toString()).toBe('icns');
    for (const s of [16, 32, 48, 64, 128, 256, 512]) expect(existsSync(path.join(build, 'icons', `${s}x${s}.png`))).toBe(true);
  });
});

describe('panel colour', () => {
  it('follows the user’s choice, then GNOME’s always-dark top bar, then dark mode', () => {
    expect(panelTheme({ preference: 'light', platform: 'linux', darkMode: true, desktop: 'GNOME' })).toBe('light');
    expect(panelTheme({ preference: 'auto', platform: 'linux', darkMode: false, desktop: 'ubuntu:GNOME' })).toBe('dark');
    expect(panelTheme({ preference: 'auto', platform: 'linux', darkMode: false, desktop: 'KDE' })).toBe('light');
    expect(panelTheme({ preference: 'auto', platform: 'win32', darkMode: true })).toBe('dark');
    expect(panelTheme({ preference: 'auto', platform: 'darwin', darkMode: false })).toBe('light');
  });
});
