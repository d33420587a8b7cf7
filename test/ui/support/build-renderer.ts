/**
 * Builds for the UI tests, so `npm test` after `npm ci` needs no separate step:
 * - ensureRendererBuilt(): dist/renderer (what `rsync-tray serve` serves), rebuilt when any file
 *   under renderer/ is newer than it; a lock keeps parallel test files from building at once.
 * - buildComponentBundle(): the components, Vue and @vue/test-utils as ONE module for happy-dom
 *   tests (the root vitest config has no Vue plugin, and one bundle means one Vue instance).
 */
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
export const RENDERER_DIR = path.join(ROOT, 'renderer');
export const DIST_DIR = path.join(ROOT, 'dist/renderer');

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestMtime(full));
    else newest = Math.max(newest, (await stat(full)).mtimeMs);
  }
  return newest;
}

async function mtime(file: string): Promise<number> {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Sources the window is built from: renderer/ and the shared model layer it imports (the only
 * engine folder it may).
 */
async function sourcesNewest(): Promise<number> {
  return Math.max(await newestMtime(RENDERER_DIR), await newestMtime(path.join(ROOT, 'electron/shared')));
}

export async function ensureRendererBuilt(): Promise<void> {
  const index = path.join(DIST_DIR, 'index.html');
  if ((await mtime(index)) > (await sourcesNewest())) return;
  const lock = path.join(ROOT, 'dist/.renderer-build.lock');
  await mkdir(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      // Someone else is building; a lock older than a minute is left over from a killed run.
      if (Date.now() - (await mtime(lock)) > 60_000 && (await mtime(lock)) > 0)
        await rm(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited too long for ${lock}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    if ((await mtime(index)) > (await sourcesNewest())) return;
    const { build } = await import('vite');
    await build({ configFile: path.join(RENDERER_DIR, 'vite.config.ts'), logLevel: 'warn' });
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/**
 * Bundles `entrySource` (an ES module that re-exports what the test needs; absolute paths) with
 * the Vue plugin into one file, and imports it. Build output lives under node_modules/.cache, so
 * vitest loads it as is, untransformed.
 */
export async function buildComponentBundle<T>(entrySource: string): Promise<T> {
  const { build } = await import('vite');
  const { default: vue } = await import('@vitejs/plugin-vue');
  const outDir = path.join(ROOT, 'node_modules/.cache/rsync-tray-ui-test', String(process.pid));
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const entry = path.join(outDir, 'entry.ts');
  await writeFile(entry, entrySource);
  await build({
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    plugins: [vue()],
    define: { 'process.env.NODE_ENV': JSON.stringify('development'), __VUE_PROD_DEVTOOLS__: 'false' },
    build: {
      outDir: path.join(outDir, 'dist'),
      emptyOutDir: true,
      minify: false,
      lib: { entry, formats: ['es'], fileName: () => 'bundle.mjs' },
    },
  });
  try {
    return (await import(pathToFileURL(path.join(outDir, 'dist/bundle.mjs')).href)) as T;
  } finally {
    // Loaded into memory: the files are not needed any more.
    await rm(outDir, { recursive: true, force: true });
  }
}
