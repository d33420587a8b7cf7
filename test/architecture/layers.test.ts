/**
 * The house rules, enforced: each folder may import only the folders listed for it (type-only
 * imports count too — a type from a higher layer still ties the layers together), and no files
 * import each other in a circle. By folder, not by a list of files, so a new file is covered the
 * moment it exists.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Layer → the layers it may import (itself always). Ordered from the bottom up. */
const LAYERS: ReadonlyArray<[layer: string, mayImport: string[]]> = [
  ['electron/shared', []],
  // Durable file writes: the one helper the stages below and the hosts share.
  ['electron/core/files', ['electron/shared']],
  ['electron/core/watch', ['electron/shared']],
  ['electron/core/rsync', ['electron/shared']],
  ['electron/core/config', ['electron/shared', 'electron/core/files']],
  ['electron/core/sync', ['electron/shared', 'electron/core/files', 'electron/core/watch', 'electron/core/rsync']],
  // Getting files back: reads a backup through rsync, writes only local files; never the sync stage.
  ['electron/core/restore', ['electron/shared', 'electron/core/files', 'electron/core/rsync']],
  ['electron/core/service', ['electron/shared', 'electron/core']],
  ['electron/headless', ['electron/shared', 'electron/core']],
  ['electron/main', ['electron/shared', 'electron/core']],
  ['electron/preload', ['electron/shared']],
  ['renderer/src', ['electron/shared']],
];

/** npm packages each layer may use; `node:` modules are allowed everywhere but the browser-safe layers. */
const BROWSER_SAFE = new Set(['electron/shared', 'renderer/src']);
const BROWSER_PACKAGES = new Set(['zod', 'vue']);

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(rel));
    else if (/\.(ts|vue)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Every import specifier, type-only ones included, with comments stripped. */
function importSpecifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"])\/\/.*$/gm, '$1');
  const re =
    /\b(?:import|export)\s+(?:type\s+)?[\s\S]*?\s*from\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  return [...code.matchAll(re)].map((m) => (m[1] ?? m[2] ?? m[3])!);
}

function layerOf(file: string): string | undefined {
  // The longest matching layer: electron/core/sync before electron/core.
  return LAYERS.map(([l]) => l)
    .filter((l) => file === l || file.startsWith(`${l}/`))
    .sort((a, b) => b.length - a.length)[0];
}

function resolveSpec(from: string, spec: string): string | null {
  if (spec.startsWith('@shared/')) return path.posix.join('electron/shared', spec.slice('@shared/'.length));
  if (spec.startsWith('.')) return path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  return null;
}

const FILES = ['electron', 'renderer/src'].flatMap(sources);
const GRAPH = new Map<string, string[]>();
const PACKAGES = new Map<string, string[]>();
for (const file of FILES) {
  const raw = readFileSync(path.join(ROOT, file), 'utf8');
  // A .vue file's imports are in its <script> blocks; its template has words like "import".
  const text = file.endsWith('.vue')
    ? [...raw.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n')
    : raw;
  const specs = importSpecifiers(text);
  GRAPH.set(
    file,
    specs.map((s) => resolveSpec(file, s)).filter((t): t is string => t !== null && /\.(ts|vue)$/.test(t)),
  );
  PACKAGES.set(
    file,
    specs.filter((s) => resolveSpec(file, s) === null),
  );
}

describe('layers', () => {
  it('every source file belongs to a layer', () => {
    expect(FILES.filter((f) => !layerOf(f))).toEqual([]);
    expect(FILES.length).toBeGreaterThan(50);
  });

  it('no import runs from a lower layer to a higher one, or sideways between stages', () => {
    const problems: string[] = [];
    for (const [file, targets] of GRAPH) {
      const own = layerOf(file)!;
      const allowed = [own, ...LAYERS.find(([l]) => l === own)![1]];
      for (const t of targets) {
        if (!allowed.some((a) => t === a || t.startsWith(`${a}/`))) problems.push(`${file} imports ${t}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the browser-safe layers import no Node module and no package beyond zod and vue', () => {
    const problems: string[] = [];
    for (const [file, specs] of PACKAGES) {
      if (!BROWSER_SAFE.has(layerOf(file)!)) continue;
      for (const s of specs) {
        const pkg = s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!;
        if (!BROWSER_PACKAGES.has(pkg) && !/\.(css|svg)$/.test(s)) problems.push(`${file} imports ${s}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('only the Electron shell and the preload import Electron (core and the CLI run under plain Node)', () => {
    const electronOnly = ['electron/main', 'electron/preload'];
    const problems = [...PACKAGES]
      .filter(([file]) => !electronOnly.includes(layerOf(file)!))
      .flatMap(([file, specs]) =>
        specs.filter((s) => /^electron(-store)?(\/|$)/.test(s)).map((s) => `${file} imports ${s}`),
      );
    expect(problems).toEqual([]);
  });

  it('no files import each other in a circle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string): void => {
      state.set(f, 'open');
      stack.push(f);
      for (const t of GRAPH.get(f) ?? []) {
        if (state.get(t) === 'open') cycles.push([...stack.slice(stack.indexOf(t)), t].join(' → '));
        else if (!state.has(t)) visit(t);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of GRAPH.keys()) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it('the rules catch what they are meant to catch', () => {
    expect(layerOf('electron/core/sync/engine.ts')).toBe('electron/core/sync');
    expect(resolveSpec('renderer/src/x.ts', '@shared/status.ts')).toBe('electron/shared/status.ts');
    expect(
      importSpecifiers(
        "import type { A } from '../x.ts';\n// import { B } from './no.ts'\nexport { C } from './c.ts';",
      ),
    ).toEqual(['../x.ts', './c.ts']);
  });
});
describe('source files stay small', () => {
  it('no source file under electron/ or renderer/src is over 400 lines', () => {
    const long = [...['electron', 'renderer/src'].flatMap(sources), ...sourcesWith('renderer/src', /\.css$/)]
      .map((f) => [f, readFileSync(path.join(ROOT, f), 'utf8').split('\n').length] as const)
      .filter(([, n]) => n > 400)
      .map(([f, n]) => `${f}: ${n} lines`);
    expect(long).toEqual([]);
  });
});

function sourcesWith(dir: string, re: RegExp): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourcesWith(rel, re));
    else if (re.test(e.name)) out.push(rel);
  }
  return out;
}
