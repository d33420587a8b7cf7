/** The bin runs the CLI bundle only when it was built from exactly the files in place. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUNDLE_DIR, MANIFEST, currentBundle, sourcesHash } from '../../bin/cli-bundle.mjs';
import { buildCli } from '../../scripts/build-cli.ts';

let root: string;
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(): void {
  root = mkdtempSync(path.join(os.tmpdir(), 'bundle-'));
  made.push(root);
  mkdirSync(path.join(root, 'electron/core'), { recursive: true });
  mkdirSync(path.join(root, BUNDLE_DIR), { recursive: true });
  writeFileSync(path.join(root, 'electron/core/a.ts'), 'export const a = 1;\n');
  writeFileSync(path.join(root, 'package-lock.json'), '{}\n');
  writeFileSync(path.join(root, BUNDLE_DIR, 'cli.js'), 'export const main = () => 0;\n');
  const files = ['electron/core/a.ts', 'package-lock.json'];
  writeFileSync(path.join(root, BUNDLE_DIR, MANIFEST), JSON.stringify({ files, hash: sourcesHash(root, files) }));
}

describe('CLI bundle check', () => {
  it('uses the bundle built from the files in place', () => {
    project();
    expect(currentBundle(root)).toBe(path.join(root, BUNDLE_DIR, 'cli.js'));
  });
  it('falls back to the sources after any edit, a deleted file or a changed lock file', () => {
    project();
    writeFileSync(path.join(root, 'electron/core/a.ts'), 'export const a = 2;\n');
    expect(currentBundle(root)).toBeNull();
    project();
    writeFileSync(path.join(root, 'package-lock.json'), '{"lockfileVersion":3}\n');
    expect(currentBundle(root)).toBeNull();
    project();
    rmSync(path.join(root, 'electron/core/a.ts'));
    expect(currentBundle(root)).toBeNull();
  });
  it('falls back when there is no bundle or its manifest is not one', () => {
    project();
    writeFileSync(path.join(root, BUNDLE_DIR, MANIFEST), '{"files": "nope"}');
    expect(currentBundle(root)).toBeNull();
    rmSync(path.join(root, BUNDLE_DIR), { recursive: true });
    expect(currentBundle(root)).toBeNull();
  });
});

describe('CLI bundle build', () => {
  it('lists every file it was built from, sources and dependencies, and the result runs', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'bundle-out-'));
    made.push(out);
    const ROOT = path.resolve(import.meta.dirname, '../..');
    const files = await buildCli(ROOT, out);
    expect(files).toContain('electron/headless/cli.ts');
    expect(files).toContain('electron/core/watch/directory-watcher.ts');
    expect(files.some((f) => f.startsWith('node_modules/zod/'))).toBe(true);
    expect(files.some((f) => f.startsWith('node_modules/execa/'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(out, MANIFEST), 'utf8')).files).toEqual(files);
    const entry = currentBundle(ROOT, out);
    expect(entry).toBe(path.join(out, 'cli.js'));
    const { main } = (await import(entry!)) as { main(argv: string[]): Promise<number> };
    const config = path.join(out, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        version: 1,
        profiles: [{ name: 'p', source: out, targets: [{ host: '127.0.0.1', module: 'm' }] }],
      }),
    );
    expect(await main(['validate', '--config', config])).toBe(0);
  }, 60_000);
});
