/** The bin runs the CLI bundle only when it was built from exactly the files in place. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUNDLE_DIR, MANIFEST, currentBundle, sourcesHash } from '../../bin/cli-bundle.mjs';

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

function project(): void {
  root = mkdtempSync(path.join(os.tmpdir(), 'bundle-'));
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
