/**
 * The window's login, end to end, against the attack it exists to stop: browsers do not separate
 * cookies by port, so whatever serve made the browser carry by itself would reach any other web
 * server on 127.0.0.1 that the browser visits. Here Chromium opens serve's address (the token in
 * the fragment), the window works, and then the same browser visits a second local server that
 * records everything it receives. Nothing it received is accepted by serve's API, replayed as a
 * Bearer token or as a cookie with the page's own Origin, and the token itself never reaches it.
 * The token is kept (mode 600) beside the config: after a restart of serve the open window
 * reconnects by itself, without a new address.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenFileFor } from '../../electron/headless/paths.ts';
import { chromiumAvailable, startBrowserSession, type BrowserSession } from './support/browser-session.ts';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let work: string;
let configFile: string;
let session: BrowserSession;
let page: BrowserSession['page'];
let token: string;
/** The other web server on this machine, and every request it received. */
let other: http.Server;
let otherOrigin: string;
const seen: Seen[] = [];

/** A page that asks for everything a browser would attach by itself: cookies, credentials. */
const OTHER_PAGE = `<!doctype html><title>another local server</title>
<script>
  fetch('/probe', { method: 'POST', credentials: 'include', body: 'from the page' });
  fetch('/probe?again', { credentials: 'include' });
</script>`;

beforeAll(async () => {
  if (!chromiumAvailable) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-e2e-login-'));
  configFile = path.join(work, 'config', 'config.json');
  other = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(req.url === '/' ? OTHER_PAGE : 'ok');
    });
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  session = await startBrowserSession(configFile);
  page = session.page;
  token = new URL(session.url).hash.replace(/^#token=/, '');
}, 120_000);

afterAll(async () => {
  if (session) expect(await session.dispose()).toBe(0);
  if (other) await new Promise((resolve) => other.close(resolve));
  if (work) await rm(work, { recursive: true, force: true });
}, 30_000);

/** A POST /api/call to serve with exactly these extra headers; its status. */
function callServe(headers: Record<string, string>): Promise<number> {
  const { hostname, port } = new URL(session.origin);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: hostname,
        port,
        method: 'POST',
        path: '/api/call',
        headers: { 'content-type': 'application/json', origin: session.origin, ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end('{"method":"status.get","input":{}}');
  });
}

describe.skipIf(!chromiumAvailable)('the login: a token nothing else on this machine receives', () => {
  it('the printed address carries the token in its fragment; the window works and drops it from the address bar', async () => {
    expect(session.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{43}$/);
    await page.getByRole('heading', { name: 'No profiles yet' }).waitFor();
    expect(page.url()).not.toContain('token');
    expect(await page.locator('.banner').count()).toBe(0);
    // Kept by this tab, not in a cookie.
    expect(await page.evaluate(() => sessionStorage.getItem('rsync-tray-token'))).toBe(token);
    expect(await page.context().cookies()).toEqual([]);
    // And a reload keeps the login.
    await page.reload();
    await page.getByRole('heading', { name: 'No profiles yet' }).waitFor();
    expect(await callServe({ authorization: `Bearer ${token}` })).toBe(200);
  });

  it('the token is kept beside the config, readable by its owner only', async () => {
    const file = tokenFileFor(configFile);
    expect((await readFile(file, 'utf8')).trim()).toBe(token);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('another server on 127.0.0.1, visited by the same browser, receives nothing the API accepts', async () => {
    // Leave the window for it (so a Referer would name the window), and open it in a second tab too.
    await page.evaluate((to) => {
      (globalThis as unknown as { location: { href: string } }).location.href = to;
    }, `${otherOrigin}/`);
    await page.waitForURL(`${otherOrigin}/`);
    const tab = await page.context().newPage();
    await tab.goto(`${otherOrigin}/`);
    await tab.goto(`http://localhost:${new URL(otherOrigin).port}/`);
    await expect.poll(() => seen.filter((s) => s.url.startsWith('/probe')).length, { timeout: 10_000 }).toBe(6);
    await tab.close();

    const received = JSON.stringify(seen);
    expect(received).not.toContain(token);
    expect(seen.some((s) => s.body === 'from the page')).toBe(true);

    // Every value it saw, as a whole and, for cookies, each one alone: none logs in.
    const candidates = new Set<string>();
    for (const s of seen) {
      for (const [name, value] of Object.entries(s.headers)) {
        for (const v of Array.isArray(value) ? value : [value ?? '']) {
          candidates.add(v);
          if (name === 'cookie')
            for (const part of v.split(';')) {
              candidates.add(part.trim());
              candidates.add(part.slice(part.indexOf('=') + 1).trim());
            }
        }
      }
      if (s.body) candidates.add(s.body);
    }
    candidates.delete('');
    expect(candidates.size).toBeGreaterThan(5);
    for (const value of candidates) {
      const asBearer = await callServe({ authorization: `Bearer ${value}` });
      expect([401, 403], `Bearer ${value}`).toContain(asBearer);
      const asCookie = await callServe({ cookie: value.includes('=') ? value : `rsync-tray=${value}` });
      expect([401, 403], `Cookie ${value}`).toContain(asCookie);
    }
    // The check itself: the real token is accepted from the same place.
    expect(await callServe({ authorization: `Bearer ${token}` })).toBe(200);
  });

  it('after serve restarts, the open window reconnects by itself, without a new address', async () => {
    await page.goto(session.origin);
    await page.getByRole('heading', { name: 'No profiles yet' }).waitFor();
    await page.evaluate(() => ((globalThis as unknown as { sameWindow: boolean }).sameWindow = true));
    expect(await session.stopServe()).toBe(0);
    await page.locator('.banner[data-link="lost"]').waitFor({ timeout: 30_000 });
    const again = await session.restartServe();
    expect(again).toBe(session.url);
    await page.locator('.banner').waitFor({ state: 'detached', timeout: 30_000 });
    await page.getByRole('heading', { name: 'No profiles yet' }).waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as { sameWindow?: boolean }).sameWindow)).toBe(true);
    expect(await page.context().cookies()).toEqual([]);
  });

  it('the page logged nothing but the failed requests of the outage itself', () => {
    const outage =
      /ERR_CONNECTION_REFUSED|ERR_FAILED|WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/api\/events' failed/;
    expect(session.problems.filter((p) => !outage.test(p))).toEqual([]);
  });
});
