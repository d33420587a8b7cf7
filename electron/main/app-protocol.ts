/**
 * The renderer is served from `app://rsync-tray/` rather than file://: a custom standard scheme
 * gives the page a real origin (so the IPC sender check and the CSP mean something), and file://
 * would let the page read any local file. This file maps a request URL to a file under the
 * renderer's build folder, refusing anything that tries to leave it.
 */
import path from 'node:path';
import { mimeType } from '../core/service/mime-types.ts';
import { APP_HOST, APP_SCHEME } from './ipc-security.ts';

export { mimeType };

/** The file for a request, or null (wrong scheme/host, traversal, encoded separators, NUL). */
export function resolveAppRequest(requestUrl: string, root: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  if (pathname.split('/').some((seg) => seg === '..')) return null;
  const relative = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const base = path.resolve(root);
  const file = path.resolve(base, relative);
  if (file !== base && !file.startsWith(base + path.sep)) return null;
  return file;
}

export function responseHeaders(file: string, csp: string): Record<string, string> {
  return {
    'Content-Type': mimeType(file),
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  };
}

/** The protocol handler's body: a Response for a request, 404 for anything outside the root. */
export async function serveAppRequest(
  requestUrl: string,
  root: string,
  csp: string,
  read: (file: string) => Promise<Uint8Array>,
): Promise<Response> {
  const file = resolveAppRequest(requestUrl, root);
  if (!file) return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain' } });
  try {
    const body = await read(file);
    return new Response(body as Uint8Array<ArrayBuffer>, { status: 200, headers: responseHeaders(file, csp) });
  } catch {
    return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain' } });
  }
}
