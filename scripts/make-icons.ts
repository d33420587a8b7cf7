/**
 * Draws the app icon and the tray images into build/ (run: `node scripts/make-icons.ts`; the
 * output is committed, so builds do not need this). No image tools: shapes are signed-distance
 * functions rasterised with analytic anti-aliasing, and PNG, ICO and ICNS are written by hand
 * (PNG = zlib-deflated RGBA rows; ICO = BMP entries below 256 px, which NSIS also reads, PNG at 256;
 * ICNS = PNG entries).
 *
 * Tray images: one glyph (two arrows on a ring: "sync") plus a badge per state, in
 * three sets — light panels (dark glyph), dark panels (light glyph), and macOS templates (black +
 * alpha; the menu bar tints them), where the badge's symbol is cut out so the state reads by shape.
 * The names follow electron/main/tray-images.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { TRAY_ICONS, type TrayIcon } from '../electron/main/tray-model.ts';

// ---------------------------------------------------------------- raster

type Rgba = readonly [number, number, number, number];
/** Signed distance from (x, y) to a shape's edge, in units of the image width (negative inside). */
type Sdf = (x: number, y: number) => number;
type Paint = Rgba | ((x: number, y: number) => Rgba);
type Op = { sdf: Sdf; paint: Paint } | { sdf: Sdf; erase: true };

class Image {
  readonly data: Float64Array;
  readonly size: number;
  constructor(size: number) {
    this.size = size;
    this.data = new Float64Array(size * size * 4);
  }

  /** Composites each op over the image; coverage = 0.5 − distance (in pixels), clamped. */
  draw(ops: readonly Op[]): this {
    const n = this.size;
    for (let py = 0; py < n; py++) {
      for (let px = 0; px < n; px++) {
        const x = (px + 0.5) / n;
        const y = (py + 0.5) / n;
        const i = (py * n + px) * 4;
        for (const op of ops) {
          const cover = Math.min(1, Math.max(0, 0.5 - op.sdf(x, y) * n));
          if (cover === 0) continue;
          if ('erase' in op) {
            for (let k = 0; k < 4; k++) this.data[i + k]! *= 1 - cover;
            continue;
          }
          const c = typeof op.paint === 'function' ? op.paint(x, y) : op.paint;
          const a = (c[3] / 255) * cover;
          // premultiplied "over"
          for (let k = 0; k < 3; k++) this.data[i + k] = (c[k]! / 255) * a + this.data[i + k]! * (1 - a);
          this.data[i + 3] = a + this.data[i + 3]! * (1 - a);
        }
      }
    }
    return this;
  }

  rgba(): Buffer {
    const out = Buffer.alloc(this.size * this.size * 4);
    for (let i = 0; i < this.size * this.size; i++) {
      const a = this.data[i * 4 + 3]!;
      for (let k = 0; k < 3; k++) out[i * 4 + k] = a > 0 ? Math.round(Math.min(1, this.data[i * 4 + k]! / a) * 255) : 0;
      out[i * 4 + 3] = Math.round(a * 255);
    }
    return out;
  }
}

// ---------------------------------------------------------------- shapes

const len = (x: number, y: number): number => Math.hypot(x, y);
const circle = (cx: number, cy: number, r: number): Sdf => (x, y) => len(x - cx, y - cy) - r;
const union = (...shapes: Sdf[]): Sdf => (x, y) => Math.min(...shapes.map((s) => s(x, y)));

/** A stroke of width w from a to b with round caps. */
function segment(ax: number, ay: number, bx: number, by: number, w: number): Sdf {
  return (x, y) => {
    const pax = x - ax;
    const pay = y - ay;
    const bax = bx - ax;
    const bay = by - ay;
    const h = Math.min(1, Math.max(0, (pax * bax + pay * bay) / (bax * bax + bay * bay)));
    return len(pax - bax * h, pay - bay * h) - w / 2;
  };
}

/** A stroke along a circle from angle a0 to a1 (radians, clockwise on screen), round caps. */
function arc(cx: number, cy: number, r: number, w: number, a0: number, a1: number): Sdf {
  const end = (a: number): [number, number] => [cx + r * Math.cos(a), cy + r * Math.sin(a)];
  const [x0, y0] = end(a0);
  const [x1, y1] = end(a1);
  return (x, y) => {
    let a = Math.atan2(y - cy, x - cx);
    while (a < a0) a += 2 * Math.PI;
    if (a <= a1) return Math.abs(len(x - cx, y - cy) - r) - w / 2;
    return Math.min(len(x - x0, y - y0), len(x - x1, y - y1)) - w / 2;
  };
}

/** Exact SDF of a convex or concave polygon (after Inigo Quilez). */
function polygon(points: ReadonlyArray<readonly [number, number]>): Sdf {
  return (x, y) => {
    const p0 = points[0]!;
    let d = (x - p0[0]) ** 2 + (y - p0[1]) ** 2;
    let s = 1;
    for (let i = 0, j = points.length - 1; i < points.length; j = i, i++) {
      const [vix, viy] = points[i]!;
      const [vjx, vjy] = points[j]!;
      const ex = vjx - vix;
      const ey = vjy - viy;
      const wx = x - vix;
      const wy = y - viy;
      const h = Math.min(1, Math.max(0, (wx * ex + wy * ey) / (ex * ex + ey * ey)));
      d = Math.min(d, (wx - ex * h) ** 2 + (wy - ey * h) ** 2);
      const c1 = y >= viy;
      const c2 = y < vjy;
      const c3 = ex * wy > ey * wx;
      if ((c1 && c2 && c3) || (!c1 && !c2 && !c3)) s = -s;
    }
    return s * Math.sqrt(d);
  };
}

function roundedSquare(margin: number, radius: number): Sdf {
  const c = 0.5;
  const h = 0.5 - margin - radius;
  return (x, y) => {
    const qx = Math.abs(x - c) - h;
    const qy = Math.abs(y - c) - h;
    return len(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
  };
}

/**
 * The sync glyph: two arcs chasing each other clockwise, each ending in an arrowhead.
 * Angles are on screen (y down): 0 = right, π/2 = down.
 */
function syncGlyph(cx: number, cy: number, r: number, w: number): Sdf {
  const deg = Math.PI / 180;
  const parts: Sdf[] = [];
  for (const [a0, a1] of [
    [195 * deg, 320 * deg],
    [15 * deg, 140 * deg],
  ] as const) {
    parts.push(arc(cx, cy, r, w, a0, a1));
    // Arrowhead at the clockwise end: tip along the tangent, base across the stroke.
    const ex = cx + r * Math.cos(a1);
    const ey = cy + r * Math.sin(a1);
    const tx = -Math.sin(a1);
    const ty = Math.cos(a1);
    const nx = Math.cos(a1);
    const ny = Math.sin(a1);
    const half = w * 1.35;
    const ahead = w * 1.6;
    parts.push(
      polygon([
        [ex + tx * ahead, ey + ty * ahead],
        [ex + nx * half - tx * w * 0.2, ey + ny * half - ty * w * 0.2],
        [ex - nx * half - tx * w * 0.2, ey - ny * half - ty * w * 0.2],
      ]),
    );
  }
  return union(...parts);
}

/** The white (or cut-out) symbol inside a state badge centred at (cx, cy) with radius R. */
function badgeSymbol(icon: TrayIcon, cx: number, cy: number, R: number): Sdf | null {
  const w = R * 0.3;
  switch (icon) {
    case 'syncing': // an up chevron: sending
      return union(segment(cx - 0.42 * R, cy + 0.18 * R, cx, cy - 0.26 * R, w), segment(cx, cy - 0.26 * R, cx + 0.42 * R, cy + 0.18 * R, w));
    case 'paused':
      return union(segment(cx - 0.26 * R, cy - 0.4 * R, cx - 0.26 * R, cy + 0.4 * R, w), segment(cx + 0.26 * R, cy - 0.4 * R, cx + 0.26 * R, cy + 0.4 * R, w));
    case 'retrying': // clock hands: waiting to try again
      return union(segment(cx, cy, cx, cy - 0.48 * R, w * 0.9), segment(cx, cy, cx + 0.38 * R, cy, w * 0.9));
    case 'error':
      return union(segment(cx, cy - 0.46 * R, cx, cy + 0.1 * R, w), circle(cx, cy + 0.44 * R, w * 0.58));
    case 'confirm': // a minus: deletions held back
      return segment(cx - 0.46 * R, cy, cx + 0.46 * R, cy, w);
    default:
      return null;
  }
}

const STATE_COLOR: Partial<Record<TrayIcon, Rgba>> = {
  syncing: [47, 128, 237, 255],
  paused: [130, 130, 130, 255],
  retrying: [230, 140, 30, 255],
  error: [220, 53, 53, 255],
  confirm: [146, 72, 214, 255],
};

type TrayVariant = 'light' | 'dark' | 'template';
const GLYPH: Record<TrayVariant, Rgba> = { light: [40, 40, 40, 255], dark: [240, 240, 240, 255], template: [0, 0, 0, 255] };

function trayImage(icon: TrayIcon, variant: TrayVariant, size: number): Image {
  const glyphColor = GLYPH[variant];
  const faded: Rgba = [glyphColor[0], glyphColor[1], glyphColor[2], 110];
  const symbol = badgeSymbol(icon, 0.74, 0.74, 0.26);
  // The glyph stays put whatever the badge: states change often (current ↔ syncing on every
  // file change), and a glyph that jumps in the panel is distracting.
  const ops: Op[] = [{ sdf: syncGlyph(0.5, 0.5, 0.32, 0.13), paint: icon === 'inactive' ? faded : glyphColor }];
  if (symbol) {
    ops.push({ sdf: circle(0.74, 0.74, 0.26 + 0.07), erase: true });
    ops.push({ sdf: circle(0.74, 0.74, 0.26), paint: variant === 'template' ? glyphColor : STATE_COLOR[icon]! });
    ops.push(variant === 'template' ? { sdf: symbol, erase: true } : { sdf: symbol, paint: [255, 255, 255, 255] });
  }
  return new Image(size).draw(ops);
}

function appIcon(size: number): Image {
  const top: Rgba = [40, 132, 240, 255];
  const bottom: Rgba = [12, 70, 170, 255];
  const gradient = (_x: number, y: number): Rgba => {
    const t = Math.min(1, Math.max(0, (y - 0.1) / 0.8));
    return [0, 1, 2, 3].map((k) => top[k]! + (bottom[k]! - top[k]!) * t) as unknown as Rgba;
  };
  // macOS-style margins (the tile is 824/1024 of the canvas) where there is room; small sizes
  // get a fuller tile and a bolder glyph, or the arrows blur into a ring.
  const small = size <= 48;
  return new Image(size).draw([
    { sdf: roundedSquare(small ? 0.03 : 0.1, small ? 0.2 : 0.18), paint: gradient },
    { sdf: small ? syncGlyph(0.5, 0.5, 0.26, 0.12) : syncGlyph(0.5, 0.5, 0.22, 0.075), paint: [255, 255, 255, 255] },
  ]);
}

// ---------------------------------------------------------------- encoders

function png(image: Image): Buffer {
  const n = image.size;
  const rgba = image.rgba();
  const raw = Buffer.alloc((n * 4 + 1) * n);
  for (let y = 0; y < n; y++) {
    raw[y * (n * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (n * 4 + 1) + 1, y * n * 4, (y + 1) * n * 4);
  }
  const chunk = (type: string, data: Buffer): Buffer => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'ascii');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(n, 0);
  ihdr.writeUInt32BE(n, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** A 32-bit BMP (DIB) icon entry: BGRA rows bottom-up, then an all-zero AND mask (alpha rules). */
function dib(image: Image): Buffer {
  const n = image.size;
  const rgba = image.rgba();
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0);
  header.writeInt32LE(n, 4);
  header.writeInt32LE(n * 2, 8); // XOR + AND masks
  header.writeUInt16LE(1, 12);
  header.writeUInt16LE(32, 14);
  const pixels = Buffer.alloc(n * n * 4);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const s = (y * n + x) * 4;
      const d = ((n - 1 - y) * n + x) * 4;
      pixels[d] = rgba[s + 2]!;
      pixels[d + 1] = rgba[s + 1]!;
      pixels[d + 2] = rgba[s]!;
      pixels[d + 3] = rgba[s + 3]!;
    }
  }
  const maskRow = Math.ceil(n / 32) * 4;
  return Buffer.concat([header, pixels, Buffer.alloc(maskRow * n)]);
}

function ico(images: Image[]): Buffer {
  const entries = images.map((img) => ({ size: img.size, data: img.size >= 256 ? png(img) : dib(img) }));
  const head = Buffer.alloc(6 + 16 * entries.length);
  head.writeUInt16LE(0, 0);
  head.writeUInt16LE(1, 2);
  head.writeUInt16LE(entries.length, 4);
  let offset = head.length;
  entries.forEach((e, i) => {
    const at = 6 + 16 * i;
    head[at] = e.size >= 256 ? 0 : e.size;
    head[at + 1] = e.size >= 256 ? 0 : e.size;
    head.writeUInt16LE(1, at + 4); // planes
    head.writeUInt16LE(32, at + 6); // bits per pixel
    head.writeUInt32LE(e.data.length, at + 8);
    head.writeUInt32LE(offset, at + 12);
    offset += e.data.length;
  });
  return Buffer.concat([head, ...entries.map((e) => e.data)]);
}

function icns(entries: Array<[string, Image]>): Buffer {
  const parts = entries.map(([type, img]) => {
    const data = png(img);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([head, data]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

// ---------------------------------------------------------------- output

const root = path.resolve(import.meta.dirname, '..', 'build');
const write = (rel: string, data: Buffer): void => {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, data);
};

const appSizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const app = new Map(appSizes.map((s) => [s, appIcon(s)]));
const at = (s: number): Image => app.get(s)!;
write('icon.png', png(at(1024)));
for (const s of appSizes) write(`icons/${s}x${s}.png`, png(at(s)));
write('icon.ico', ico([16, 24, 32, 48, 64, 128, 256].map(at)));
write('icon.icns', icns([['icp4', at(16)], ['icp5', at(32)], ['icp6', at(64)], ['ic07', at(128)], ['ic08', at(256)], ['ic09', at(512)], ['ic10', at(1024)], ['ic11', at(32)], ['ic12', at(64)], ['ic13', at(256)], ['ic14', at(512)]]));

for (const icon of TRAY_ICONS) {
  for (const theme of ['light', 'dark'] as const) {
    // Linux: 22 px panels (44 at 2x); Windows: every DPI step from 100 % to 300 %.
    write(`tray/tray-${icon}-${theme}.png`, png(trayImage(icon, theme, 22)));
    write(`tray/tray-${icon}-${theme}@2x.png`, png(trayImage(icon, theme, 44)));
    write(`tray/tray-${icon}-${theme}.ico`, ico([16, 20, 24, 32, 40, 48].map((s) => trayImage(icon, theme, s))));
  }
  write(`tray/${icon}Template.png`, png(trayImage(icon, 'template', 16)));
  write(`tray/${icon}Template@2x.png`, png(trayImage(icon, 'template', 32)));
}
console.log(`Icons written to ${root}`);

// `--sheet FILE`: a contact sheet for eyeballing every tray image (not shipped). One row per
// icon; columns: light set on a light panel, dark set on a dark panel, the template tinted black
// and white as macOS does; each at 44 px shown 3x, then at its real 22 px.
const sheetAt = process.argv.indexOf('--sheet');
if (sheetAt > 0) {
  const cell = 44 * 3 + 16;
  const columns: Array<{ bg: Rgba; img: (icon: TrayIcon) => Image; tint?: Rgba }> = [
    { bg: [236, 236, 236, 255], img: (i) => trayImage(i, 'light', 44) },
    { bg: [40, 40, 40, 255], img: (i) => trayImage(i, 'dark', 44) },
    { bg: [236, 236, 236, 255], img: (i) => trayImage(i, 'template', 44) },
    { bg: [40, 40, 40, 255], img: (i) => trayImage(i, 'template', 44), tint: [255, 255, 255, 255] },
  ];
  const width = cell * columns.length;
  const sheet = new Image(Math.max(width, cell * TRAY_ICONS.length));
  TRAY_ICONS.forEach((icon, row) => {
    columns.forEach((col, c) => {
      const src = col.img(icon).rgba();
      for (let y = 0; y < cell; y++) {
        for (let x = 0; x < cell; x++) {
          const sx = Math.floor((x - 8) / 3);
          const sy = Math.floor((y - 8) / 3);
          const px = c * cell + x;
          const py = row * cell + y;
          const i = (py * sheet.size + px) * 4;
          let [r, g, b] = col.bg;
          if (sx >= 0 && sy >= 0 && sx < 44 && sy < 44) {
            const s = (sy * 44 + sx) * 4;
            const a = src[s + 3]! / 255;
            const fg = col.tint ?? [src[s]!, src[s + 1]!, src[s + 2]!];
            r = fg[0]! * a + r * (1 - a);
            g = fg[1]! * a + g * (1 - a);
            b = fg[2]! * a + b * (1 - a);
          }
          sheet.data[i] = r / 255;
          sheet.data[i + 1] = g / 255;
          sheet.data[i + 2] = b / 255;
          sheet.data[i + 3] = 1;
        }
      }
    });
  });
  writeFileSync(process.argv[sheetAt + 1]!, png(sheet));
  console.log(`Contact sheet written to ${process.argv[sheetAt + 1]}`);
}
