import { readdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { panelTheme, trayImageFile } from '../../electron/main/tray-images.ts';
import { TRAY_ICONS } from '../../electron/main/tray-model.ts';
import { BUILD_DIR, iconOutputs, renderPng } from '../../scripts/make-icons.ts';

const TRAY_DIR = path.join(BUILD_DIR, 'tray');

interface Decoded {
  width: number;
  height: number;
  /** RGBA, 8 bits a channel. */
  data: Buffer;
}

/** Decodes a PNG (file or bytes); fails unless it is one, with an alpha channel. */
async function decode(input: string | Buffer): Promise<Decoded> {
  const image = sharp(input);
  const meta = await image.metadata();
  expect(meta.format, String(typeof input === 'string' ? input : 'rendered')).toBe('png');
  expect(meta.hasAlpha).toBe(true);
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(4);
  return { width: info.width, height: info.height, data };
}

const size = async (file: string): Promise<[number, number]> => {
  const { width, height } = await decode(file);
  return [width, height];
};

/**
 * The largest difference between two images' premultiplied channels (0–255); fully transparent
 * pixels count as equal whatever their colour.
 */
function maxDifference(a: Decoded, b: Decoded): number {
  let max = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    const aa = a.data[i + 3]!;
    const ba = b.data[i + 3]!;
    max = Math.max(max, Math.abs(aa - ba));
    for (let k = 0; k < 3; k++) max = Math.max(max, Math.abs((a.data[i + k]! * aa - b.data[i + k]! * ba) / 255));
  }
  return max;
}

describe('tray image files', () => {
  it('names them per platform and panel colour', () => {
    expect(trayImageFile('error', 'darwin', 'dark')).toBe('errorTemplate.png');
    expect(trayImageFile('error', 'win32', 'dark')).toBe('tray-error-dark-win.png');
    expect(trayImageFile('error', 'linux', 'light')).toBe('tray-error-light.png');
  });

  // Every image the tray model can ask for exists in build/tray, at the sizes each platform needs
  // (Electron loads the @Nx files beside the one named, for the display's scale factor).
  for (const icon of TRAY_ICONS) {
    it(`${icon}: macOS template 16 + 32@2x, Linux 22 + 44@2x, Windows 16 + 20–48 @1.25x–@3x`, async () => {
      const mac = path.join(TRAY_DIR, trayImageFile(icon, 'darwin', 'light'));
      expect(await size(mac)).toEqual([16, 16]);
      expect(await size(mac.replace('.png', '@2x.png'))).toEqual([32, 32]);
      for (const theme of ['light', 'dark'] as const) {
        const linux = path.join(TRAY_DIR, trayImageFile(icon, 'linux', theme));
        expect(await size(linux)).toEqual([22, 22]);
        expect(await size(linux.replace('.png', '@2x.png'))).toEqual([44, 44]);
        const win = path.join(TRAY_DIR, trayImageFile(icon, 'win32', theme));
        const scales = { '': 16, '@1.25x': 20, '@1.5x': 24, '@2x': 32, '@2.5x': 40, '@3x': 48 };
        for (const [suffix, px] of Object.entries(scales)) {
          expect(await size(win.replace('.png', `${suffix}.png`))).toEqual([px, px]);
        }
      }
    });
  }

  it('macOS templates are black and alpha only, so the menu bar can tint them', async () => {
    for (const icon of TRAY_ICONS) {
      for (const file of [`${icon}Template.png`, `${icon}Template@2x.png`]) {
        const { data } = await decode(path.join(TRAY_DIR, file));
        let opaque = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3] === 0) continue;
          opaque++;
          expect([data[i], data[i + 1], data[i + 2]], file).toEqual([0, 0, 0]);
        }
        expect(opaque, file).toBeGreaterThan(0);
      }
    }
  });

  it('every state looks different, in every set and size, and light and dark sets differ', async () => {
    // The tray files of each icon, in the same order for every icon (scripts/make-icons.ts).
    const files = TRAY_ICONS.map((icon) =>
      iconOutputs()
        .map((o) => o.file)
        .filter((f) => f.startsWith(`tray/tray-${icon}-`) || f.startsWith(`tray/${icon}Template`)),
    );
    expect(files[0]).toHaveLength(2 + 2 * (2 + 6));
    for (let k = 0; k < files[0]!.length; k++) {
      const images = await Promise.all(files.map((f) => decode(path.join(BUILD_DIR, f[k]!))));
      for (let a = 0; a < images.length; a++) {
        for (let b = a + 1; b < images.length; b++) {
          // templates are monochrome: there the states differ by shape alone
          expect(maxDifference(images[a]!, images[b]!), `${files[a]![k]} vs ${files[b]![k]}`).toBeGreaterThan(64);
        }
      }
    }
    for (const icon of TRAY_ICONS) {
      const light = await decode(path.join(TRAY_DIR, `tray-${icon}-light.png`));
      const dark = await decode(path.join(TRAY_DIR, `tray-${icon}-dark.png`));
      expect(maxDifference(light, dark), icon).toBeGreaterThan(64);
    }
  });

  it('has the app icons electron-builder packs, and no .ico or .icns (it converts icon.png itself)', async () => {
    expect(await size(path.join(BUILD_DIR, 'icon.png'))).toEqual([1024, 1024]);
    for (const s of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
      expect(await size(path.join(BUILD_DIR, 'icons', `${s}x${s}.png`))).toEqual([s, s]);
    }
    const all = readdirSync(BUILD_DIR, { recursive: true, encoding: 'utf8' });
    expect(all.filter((f) => /\.(ico|icns)$/.test(f))).toEqual([]);
  });
});

describe('the committed PNGs and their SVG sources (scripts/make-icons.ts)', () => {
  const outputs = iconOutputs();

  it('every PNG in build/ is made from an SVG, and every SVG is used', () => {
    const all = readdirSync(BUILD_DIR, { recursive: true, encoding: 'utf8' }).map((f) => f.split(path.sep).join('/'));
    expect(all.filter((f) => f.endsWith('.png')).sort()).toEqual(outputs.map((o) => o.file).sort());
    expect(all.filter((f) => f.endsWith('.svg')).sort()).toEqual([...new Set(outputs.map((o) => o.svg))].sort());
  });

  // Re-rendering each SVG must give its committed PNG: a source edited without running the script
  // fails here. Compared as pixels with a small tolerance, not as bytes, so that another machine's
  // libvips build rounding an edge pixel differently does not fail it; any real change (a colour, a
  // moved or resized shape) is far above it.
  it('agree: each PNG is its SVG re-rendered at its size', async () => {
    for (const { file, svg, size: px } of outputs) {
      const committed = await decode(path.join(BUILD_DIR, file));
      const rendered = await decode(await renderPng(svg, px));
      expect([committed.width, committed.height], file).toEqual([px, px]);
      expect([rendered.width, rendered.height], file).toEqual([px, px]);
      const hint = `${file} from ${svg}: run node scripts/make-icons.ts`;
      expect(maxDifference(committed, rendered), hint).toBeLessThanOrEqual(4);
    }
  });

  it('rendering is deterministic: the same SVG gives the same bytes', async () => {
    for (const [svg, px] of [
      ['svg/icon-small.svg', 32],
      ['svg/tray-error-dark.svg', 44],
      ['svg/confirmTemplate.svg', 16],
    ] as const) {
      expect((await renderPng(svg, px)).equals(await renderPng(svg, px)), svg).toBe(true);
    }
  });
});

describe('panel colour', () => {
  it('follows the user’s choice, then GNOME’s always-dark top bar, then dark mode', () => {
    expect(panelTheme({ preference: 'light', platform: 'linux', darkMode: true, desktop: 'GNOME' })).toBe('light');
    expect(panelTheme({ preference: 'auto', platform: 'linux', darkMode: false, desktop: 'ubuntu:GNOME' })).toBe(
      'dark',
    );
    expect(panelTheme({ preference: 'auto', platform: 'linux', darkMode: false, desktop: 'KDE' })).toBe('light');
    expect(panelTheme({ preference: 'auto', platform: 'win32', darkMode: true })).toBe('dark');
    expect(panelTheme({ preference: 'auto', platform: 'darwin', darkMode: false })).toBe('light');
  });
});
