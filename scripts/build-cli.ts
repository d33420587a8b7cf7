/**
 * Bundles the headless CLI (electron/headless/cli.ts and everything it imports, dependencies
 * included) into dist/cli/, which bin/rsync-tray.mjs runs instead of the TypeScript sources while
 * it matches the files it was built from. One bundled module loads in ~80 ms where ~300 separate
 * ones (type-stripped) took ~170 ms — what the tray app already gets from electron-vite.
 *   node scripts/build-cli.ts        (run by scripts/setup.sh; `npm run build:cli`)
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { build } from 'rolldown';
import { BUNDLE_DIR, MANIFEST, sourcesHash } from '../bin/cli-bundle.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const ENTRY = 'electron/headless/cli.ts';
/**
 * Native add-ons `ws` tries to require (in a try/catch) and works without. They are not installed,
 * so rolldown leaves them external; were one installed, Node would load it from node_modules, and
 * the install rewrites node_modules/.package-lock.json, which the manifest lists.
 */
const OPTIONAL_ADDONS = new Set(['bufferutil', 'utf-8-validate']);

/**
 * Builds the bundle into `out` (the project's dist/cli/) with a manifest of every file rolldown loaded — project
 * sources and dependencies alike, tree-shaken or not — so any change to one of them makes the bin
 * fall back to the sources. Returns the manifest's file list.
 */
export async function buildCli(root = ROOT, out = path.join(root, BUNDLE_DIR)): Promise<string[]> {
  rmSync(out, { recursive: true, force: true });
  const loaded = new Set<string>();
  await build({
    input: { cli: path.join(root, ENTRY) },
    platform: 'node',
    logLevel: 'warn',
    output: { dir: out, format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
    write: true,
    plugins: [
      {
        name: 'list-modules',
        buildEnd() {
          for (const id of this.getModuleIds()) loaded.add(id);
        },
      },
    ],
  });
  const files = new Set<string>();
  for (const id of loaded) {
    if (isBuiltin(id)) continue; // node:fs and the like, left to Node
    if (OPTIONAL_ADDONS.has(id)) continue; // not installed, so left external; see OPTIONAL_ADDONS
    if (id.startsWith('\0') || id.startsWith('rolldown:')) continue; // rolldown's own runtime helpers
    const rel = path.relative(root, id);
    // Fail closed: a module the manifest cannot name could change unseen.
    if (rel.startsWith('..') || path.isAbsolute(rel) || /[?#]/.test(rel))
      throw new Error(`build-cli: cannot list module ${id} in the manifest`);
    files.add(rel.split(path.sep).join('/'));
  }
  if (!files.has(ENTRY)) throw new Error(`build-cli: ${ENTRY} is not among the modules rolldown loaded`);
  // What decides how imports resolve, though no module: the project's package.json, and npm's
  // record of the installed tree (rewritten by every install).
  for (const extra of ['package.json', 'node_modules/.package-lock.json'])
    if (existsSync(path.join(root, extra))) files.add(extra);
  const list = [...files].sort();
  const hash = sourcesHash(root, list);
  if (hash === null) throw new Error('build-cli: a module file could not be read back');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, MANIFEST), `${JSON.stringify({ files: list, hash }, null, 2)}\n`);
  return list;
}

if (import.meta.main) {
  const list = await buildCli();
  console.log(
    `CLI bundled into ${BUNDLE_DIR}/ from ${list.length} files ` +
      `(${list.filter((f) => !f.startsWith('node_modules/')).length} of the project's)`,
  );
}
