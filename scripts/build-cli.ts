/**
 * Bundles the headless CLI (electron/headless/cli.ts and everything it imports, dependencies
 * included) into dist/cli/, which bin/rsync-tray.mjs runs instead of the TypeScript sources when
 * it was built from exactly the sources in place. One bundled module loads in ~80 ms where ~300
 * separate ones (type-stripped) took ~170 ms, and idles ~15 MiB smaller — what the tray app
 * already gets from electron-vite.
 *   node scripts/build-cli.ts        (run by scripts/setup.sh; `npm run build:cli`)
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'rolldown';
import { BUNDLE_DIR, MANIFEST, sourcesHash } from '../bin/cli-bundle.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const out = path.join(ROOT, BUNDLE_DIR);
rmSync(out, { recursive: true, force: true });
const result = await build({
  input: { cli: path.join(ROOT, 'electron/headless/cli.ts') },
  platform: 'node',
  logLevel: 'warn',
  output: { dir: out, format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
  write: true,
});
// Every project file that went into the bundle (dependencies are covered by package-lock.json).
const files = new Set<string>(['package-lock.json']);
for (const chunk of result.output) {
  if (chunk.type !== 'chunk') continue;
  for (const id of chunk.moduleIds) {
    const rel = path.relative(ROOT, id);
    if (!rel.startsWith('..') && !rel.startsWith('node_modules') && !path.isAbsolute(rel) && !id.startsWith('\0')) files.add(rel.split(path.sep).join('/'));
  }
}
const list = [...files].sort();
mkdirSync(out, { recursive: true });
writeFileSync(path.join(out, MANIFEST), `${JSON.stringify({ files: list, hash: sourcesHash(ROOT, list) }, null, 2)}\n`);
console.log(`CLI bundled into ${BUNDLE_DIR}/ from ${list.length} project files`);
