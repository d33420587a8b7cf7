/**
 * The window's Content-Security-Policy, written once for every place the page comes from: the
 * built page's <meta> tag (renderer/vite.config.ts, also used by electron.vite.config.ts), the
 * header `rsync-tray serve` sends (electron/headless/serve.ts), and the tray app's app:// protocol
 * and dev-server responses (electron/main/window-security.ts). Only the app's own scripts, styles,
 * images, fonts and connections (its API and event WebSocket: 'self' covers ws: to the same host);
 * no inline script, no eval, no plugins, workers or frames, no forms, and nobody may frame it.
 */

export interface CspOptions {
  /**
   * The Vite dev server (tray app development): it injects styles inline and talks to its HMR
   * WebSocket, so exactly that origin and inline styles are allowed — never inline scripts or eval.
   */
  devServerUrl?: string;
  /**
   * For a <meta> tag: without frame-ancestors, which browsers ignore there (with a console
   * warning); the headers of serve and of the app:// protocol carry it.
   */
  meta?: boolean;
}

export function windowCsp(options: CspOptions = {}): string {
  const dev = options.devServerUrl ? new URL(options.devServerUrl) : null;
  const devSocket = dev ? ` ${dev.protocol === 'https:' ? 'wss' : 'ws'}://${dev.host}` : '';
  const directives = [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self'${dev ? " 'unsafe-inline'" : ''}`,
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${devSocket}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    ...(options.meta ? [] : ["frame-ancestors 'none'"]),
    "object-src 'none'",
    "worker-src 'none'",
    "manifest-src 'none'",
    "media-src 'none'",
  ];
  return directives.join('; ');
}

/** The built page's policy (the <meta> tag and serve's header say the same, bar frame-ancestors). */
export const WINDOW_CSP = windowCsp();
export const WINDOW_CSP_META = windowCsp({ meta: true });

/** Every response that is not the page (API answers, errors, redirects): nothing may load from it. */
export const NO_CONTENT_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
