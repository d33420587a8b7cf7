/**
 * One Content-Security-Policy for the window, wherever it is served from: the built page's meta
 * tag, `rsync-tray serve`'s header and the tray app's app:// protocol all say the same.
 */
import { describe, expect, it } from 'vitest';
import { NO_CONTENT_CSP, WINDOW_CSP, WINDOW_CSP_META, windowCsp } from '../../electron/shared/csp.ts';
import { contentSecurityPolicy } from '../../electron/main/window-security.ts';
import { RENDERER_CSP } from '../../renderer/vite.config.ts';

const directives = (csp: string) =>
  Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1).join(' ')]));

describe('the window CSP', () => {
  it('is strict: own scripts, styles and connections only; nothing inline, no eval, no frames', () => {
    expect(directives(WINDOW_CSP)).toEqual({
      'default-src': "'none'",
      'script-src': "'self'",
      'style-src': "'self'",
      'img-src': "'self' data:",
      'font-src': "'self'",
      'connect-src': "'self'",
      'base-uri': "'none'",
      'form-action': "'none'",
      'frame-src': "'none'",
      'frame-ancestors': "'none'",
      'object-src': "'none'",
      'worker-src': "'none'",
      'manifest-src': "'none'",
      'media-src': "'none'",
    });
    expect(WINDOW_CSP).not.toMatch(/unsafe|\*/);
  });

  it('is the same in the meta tag, bar frame-ancestors (which browsers ignore there)', () => {
    expect(RENDERER_CSP).toBe(WINDOW_CSP_META);
    const { 'frame-ancestors': _dropped, ...rest } = directives(WINDOW_CSP);
    expect(directives(WINDOW_CSP_META)).toEqual(rest);
  });

  it('is what the tray app sends, and in development adds only the dev server and inline styles', () => {
    expect(contentSecurityPolicy()).toBe(WINDOW_CSP);
    const dev = directives(windowCsp({ devServerUrl: 'https://localhost:5173/' }));
    expect(dev).toEqual({
      ...directives(WINDOW_CSP),
      'style-src': "'self' 'unsafe-inline'",
      'connect-src': "'self' wss://localhost:5173",
    });
  });

  it('lets nothing load from responses that are not the page', () => {
    expect(directives(NO_CONTENT_CSP)).toEqual({
      'default-src': "'none'",
      'base-uri': "'none'",
      'form-action': "'none'",
      'frame-ancestors': "'none'",
    });
  });
});
