/**
 * The window runs in a sandboxed page: whatever it imports at run time must work in a browser.
 * This walks the renderer's import graph (type-only imports excluded, as they vanish) and holds
 * it to the shared model layer (electron/shared, imported as `@shared/…`), Vue and zod.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/build-renderer.ts';

const ALLOWED_PACKAGES = new Set(['vue', 'zod']);
/** The engine's browser-safe model layer: the one folder of the engine the window may reach. */
const SHARED = 'electron/shared/';
/** Node globals a reachable file may use, with the reason it is safe. */
const KNOWN_NODE_GLOBALS: Record<string, string> = {};

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(full)));
    else if (/\.(ts|vue)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** Runtime import specifiers of a module (import/export … from, bare import, dynamic import). */
function runtimeImports(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  const out: string[] = [];
  const re =
    /\b(import|export)\s+(type\s+)?([\s\S]*?)\s*from\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of code.matchAll(re)) {
    if (m[5] || m[6]) {
      out.push((m[5] ?? m[6])!);
      continue;
    }
    if (m[2]) continue; // import type / export type
    const clause = m[3]!.trim();
    // `import { type A, type B } from` is type-only too.
    const braces = /^\{([\s\S]*)\}$/.exec(clause);
    if (braces && braces[1]!.split(',').every((part) => !part.trim() || /^type\s/.test(part.trim()))) continue;
    out.push(m[4]!);
  }
  return out;
}

function scriptOf(file: string, text: string): string {
  if (!file.endsWith('.vue')) return text;
  return [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
}

describe('the renderer imports only browser-safe code', () => {
  it('reaches no Node module, and of the engine only electron/shared', async () => {
    const start = await files(path.join(ROOT, 'renderer/src'));
    const seen = new Set<string>();
    const packages = new Set<string>();
    const queue = [...start];
    const problems: string[] = [];
    while (queue.length) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const rel = path.relative(ROOT, file);
      const text = scriptOf(file, await readFile(file, 'utf8'));
      for (const spec of runtimeImports(text)) {
        if (spec.startsWith('.') || spec.startsWith('@shared/')) {
          const target = spec.startsWith('@shared/')
            ? path.join(ROOT, SHARED, spec.slice('@shared/'.length))
            : path.resolve(path.dirname(file), spec);
          const targetRel = path.relative(ROOT, target);
          if (!targetRel.startsWith('renderer/') && !targetRel.startsWith(SHARED))
            problems.push(`${rel} imports ${targetRel}`);
          if (/\.(ts|vue)$/.test(target)) queue.push(target);
        } else if (spec.startsWith('node:') || !ALLOWED_PACKAGES.has(spec.split('/')[0]!)) {
          if (!(rel.startsWith('renderer/') && /\.(css|svg)$/.test(spec))) problems.push(`${rel} imports ${spec}`);
        } else packages.add(spec);
      }
      if (!rel.startsWith('renderer/')) {
        // Strings and comments mention words like "process"; only code counts.
        const code = text
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/(^|[^:])\/\/.*$/gm, '$1')
          .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");
        const globals = [...new Set(code.match(/\b(Buffer|process|require|__dirname)\b(?=\s*[.(])/g) ?? [])];
        if (globals.length && !KNOWN_NODE_GLOBALS[rel])
          problems.push(`${rel} uses the Node global(s) ${globals.join(', ')}`);
      }
    }
    expect(problems).toEqual([]);
    // The walk did reach the engine's shared files (so it is not vacuous).
    expect([...seen].map((f) => path.relative(ROOT, f))).toEqual(
      expect.arrayContaining(['electron/shared/status.ts', 'electron/shared/profile-schema.ts']),
    );
    expect([...packages].sort()).toEqual(['vue', 'zod']);
  });

  it('type-only imports are told apart from runtime ones', () => {
    expect(
      runtimeImports(
        `import type { A } from '../core/connection-test.ts';\nimport { type B, type C } from 'x';\n` +
          `import { d, type E } from './y.ts';\nexport type { F } from 'z';\nimport './s.css';`,
      ),
    ).toEqual(['./y.ts', './s.css']);
  });
});
