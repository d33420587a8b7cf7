/**
 * Builds the window on its own into dist/renderer, which `rsync-tray serve` serves and the
 * Electron shell loads (electron.vite.config.ts points its renderer section at this folder and
 * may reuse cspMeta()). Relative asset paths (base './') work from a file:// URL and from http.
 */
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { WINDOW_CSP_META } from '../electron/shared/csp.ts';

/**
 * The built page carries its CSP in a meta tag, so it holds wherever the page is loaded from
 * (serve and the tray app's app:// protocol also send it as a header). The policy is written once,
 * in electron/shared/csp.ts. Build only: the dev server injects styles inline.
 */
export const RENDERER_CSP = WINDOW_CSP_META;

export function cspMeta(): Plugin {
  return {
    name: 'rsync-tray-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: RENDERER_CSP },
        injectTo: 'head-prepend',
      },
    ],
  };
}

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The window imports the engine only through `@shared/…` (electron/shared: the browser-safe model
 * layer). One alias, here and in tsconfig/vitest/electron-vite, so the rule is a folder, not a list.
 */
export const SHARED_ALIAS = { '@shared': fileURLToPath(new URL('../electron/shared', import.meta.url)) };

export default defineConfig({
  root,
  base: './',
  resolve: { alias: SHARED_ALIAS },
  plugins: [vue(), cspMeta()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No inline data: scripts or module-preload polyfill: the CSP allows 'self' only.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
});
