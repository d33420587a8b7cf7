/**
 * Renders the app icon and the tray images from their SVG sources in build/svg/ to the PNGs
 * beside them in build/ (run: `node scripts/make-icons.ts`, `--sheet FILE.png` adds a contact
 * sheet of every tray image). The PNGs are committed, so building needs no image tools;
 * test/main/tray-images.test.ts re-renders every source and fails when a PNG and its SVG disagree.
 *
 * Only PNGs: electron-builder converts build/icon.png (1024 px) into the .icns and .ico itself
 * (electron-builder.yml), and Windows gets its tray images as PNG plus DPI variants, which
 * Electron's nativeImage loads from the suffixed files beside the base file.
 *
 * Why sharp (libvips, SVG through librsvg): the most actively maintained image library on npm
 * (frequent releases for years), its prebuilt binaries ship inside its @img/* npm packages (no
 * install script, no download), it runs under Node 24, and one dependency renders, encodes and
 * decodes PNG — the test needs the decoder too. @resvg/resvg-js renders SVG as well, but its last
 * stable release (2.6.2) dates from 2024 with 2.7 still in alpha, and it cannot read a PNG back.
 *
 * Deterministic: the same SVG gives the same bytes (no timestamps or text chunks; fixed zlib
 * settings), so a run that changes nothing leaves git clean.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type OverlayOptions } from 'sharp';
import { TRAY_ICONS } from '../electron/main/tray-model.ts';

export const BUILD_DIR = path.resolve(import.meta.dirname, '..', 'build');

/** One PNG to write: its path and its SVG source (both relative to build/), and its size in px. */
export interface IconOutput {
  file: string;
  svg: string;
  size: number;
}

/**
 * Electron looks for these suffixes beside a tray image and picks the one for the display's scale
 * factor (1x needs none). Linux panels: 22 px; macOS menu bar: 16 px; Windows: 16 px at 100 %,
 * every step up to 300 % (the sizes its .ico used to hold).
 */
const LINUX_TRAY: Record<string, number> = { '': 22, '@2x': 44 };
const MAC_TRAY: Record<string, number> = { '': 16, '@2x': 32 };
const WIN_TRAY: Record<string, number> = { '': 16, '@1.25x': 20, '@1.5x': 24, '@2x': 32, '@2.5x': 40, '@3x': 48 };

/** Every PNG in build/, from which SVG and at which size; electron/main/tray-images.ts names the tray files. */
export function iconOutputs(): IconOutput[] {
  const out: IconOutput[] = [{ file: 'icon.png', svg: 'svg/icon.svg', size: 1024 }];
  // Linux's icon set (and the window icon): below 64 px a fuller tile and a bolder glyph.
  for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
    out.push({ file: `icons/${size}x${size}.png`, svg: size <= 48 ? 'svg/icon-small.svg' : 'svg/icon.svg', size });
  }
  const scaled = (base: string, svg: string, sizes: Record<string, number>): void => {
    for (const [suffix, size] of Object.entries(sizes)) out.push({ file: `tray/${base}${suffix}.png`, svg, size });
  };
  for (const icon of TRAY_ICONS) {
    for (const theme of ['light', 'dark'] as const) {
      const svg = `svg/tray-${icon}-${theme}.svg`;
      scaled(`tray-${icon}-${theme}`, svg, LINUX_TRAY);
      scaled(`tray-${icon}-${theme}-win`, svg, WIN_TRAY);
    }
    scaled(`${icon}Template`, `svg/${icon}Template.svg`, MAC_TRAY);
  }
  return out;
}

/** The SVG drawn at size × size px: its viewBox is scaled to the width and height asked for. */
export async function renderPng(svgFile: string, size: number): Promise<Buffer> {
  const source = await readFile(path.resolve(BUILD_DIR, svgFile), 'utf8');
  const svg = source.replace(/<svg\b[^>]*>/, (tag) =>
    tag.replace(/\swidth="[^"]*"/, ` width="${size}"`).replace(/\sheight="[^"]*"/, ` height="${size}"`),
  );
  return sharp(Buffer.from(svg)).png({ compressionLevel: 9, adaptiveFiltering: true, palette: false }).toBuffer();
}

/**
 * A sheet for eyeballing every tray image (not shipped): one row per icon; columns: the light set
 * on a light panel, the dark set on a dark panel, the template tinted black and white as macOS
 * does; each at 44 px shown 3x.
 */
async function contactSheet(file: string): Promise<void> {
  const scale = 3;
  const cell = 44 * scale + 16;
  const light = { r: 236, g: 236, b: 236, alpha: 1 };
  const dark = { r: 40, g: 40, b: 40, alpha: 1 };
  const columns = [
    { bg: light, svg: (i: string) => `svg/tray-${i}-light.svg`, white: false },
    { bg: dark, svg: (i: string) => `svg/tray-${i}-dark.svg`, white: false },
    { bg: light, svg: (i: string) => `svg/${i}Template.svg`, white: false },
    { bg: dark, svg: (i: string) => `svg/${i}Template.svg`, white: true },
  ];
  const layers: OverlayOptions[] = [];
  for (const [row, icon] of TRAY_ICONS.entries()) {
    for (const [c, col] of columns.entries()) {
      let image = sharp(await renderPng(col.svg(icon), 44));
      if (col.white) image = image.negate({ alpha: false });
      const big = await image
        .resize(44 * scale, 44 * scale, { kernel: 'nearest' })
        .png()
        .toBuffer();
      const tile = await sharp({ create: { width: cell, height: cell, channels: 4, background: col.bg } })
        .composite([{ input: big, left: 8, top: 8 }])
        .png()
        .toBuffer();
      layers.push({ input: tile, left: c * cell, top: row * cell });
    }
  }
  const width = cell * columns.length;
  const height = cell * TRAY_ICONS.length;
  await sharp({ create: { width, height, channels: 4, background: light } })
    .composite(layers)
    .png()
    .toFile(file);
  console.log(`Contact sheet written to ${file}`);
}

async function main(): Promise<void> {
  const outputs = iconOutputs();
  for (const { file, svg, size } of outputs) {
    const target = path.join(BUILD_DIR, file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, await renderPng(svg, size));
  }
  console.log(`${outputs.length} PNGs written to ${BUILD_DIR}`);
  const sheetAt = process.argv.indexOf('--sheet');
  if (sheetAt > 0 && process.argv[sheetAt + 1]) await contactSheet(process.argv[sheetAt + 1]!);
}

if (import.meta.main) await main();
