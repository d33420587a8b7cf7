/**
 * electron-vite: main and preload bundles (out/main, out/preload) and the Vue renderer
 * (renderer/ → out/renderer). The renderer is built only once renderer/index.html exists, so the
 * main/preload bundle builds on its own while the UI is being written.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'electron-vite';
import { cspMeta } from './renderer/vite.config.ts';

const root = import.meta.dirname;
const rendererRoot = resolve(root, 'renderer');
const hasRenderer = existsSync(resolve(rendererRoot, 'index.html'));

// `electron-vite dev/preview` launch Electron on package.json's "main". Until that field points at
// out/main/index.js, tell it the entry directly (electron-builder.yml sets "main" for packages).
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { main?: string };
if (!pkg.main) process.env.ELECTRON_ENTRY ??= resolve(root, 'out/main/index.js');

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: { entry: resolve(root, 'electron/main/index.ts'), formats: ['es'], fileName: () => 'index.js' },
      // Runtime dependencies (electron-store, execa, chokidar, zod, …) stay in node_modules,
      // where electron-builder packs them.
      externalizeDeps: true,
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot load modules: one self-contained CommonJS file.
      lib: { entry: resolve(root, 'electron/preload/index.ts'), formats: ['cjs'], fileName: () => 'index.cjs' },
      externalizeDeps: false,
    },
  },
  ...(hasRenderer
    ? {
        renderer: {
          root: rendererRoot,
          // As renderer/vite.config.ts builds it for `rsync-tray serve`: relative asset paths, no
          // inline module-preload polyfill or data: assets (the CSP allows 'self' only), and the
          // same CSP meta tag (electron/shared/csp.ts; app:// also sends it as a header).
          base: './',
          resolve: { alias: { '@shared': resolve(root, 'electron/shared') } },
          plugins: [vue(), cspMeta()],
          build: {
            outDir: resolve(root, 'out/renderer'),
            target: 'es2022',
            modulePreload: { polyfill: false },
            assetsInlineLimit: 0,
            rollupOptions: { input: resolve(rendererRoot, 'index.html') },
          },
        },
      }
    : {}),
});
