/**
 * Toasts never cover anything, at any width: in a wide window they have a row of their own under
 * the sidebar (which gives them room and scrolls), in a narrow one a row between the top bar and
 * the content pane.
 * Three toasts at once (the most the window keeps), one with a long path in it, in an
 * 800×600 window, a 1280×800 one and a short 1280×500 one: no toast box meets the content pane,
 * a nav link or a button where it shows. Real daemon, real Chromium, as the other e2e tests.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { chromiumAvailable, startBrowserSession, type BrowserSession } from './support/browser-session.ts';

let work: string;
let daemon: LocalDaemon;
let session: BrowserSession;
const PROFILES = ['alpha', 'beta'] as const;

beforeAll(async () => {
  if (!chromiumAvailable) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-e2e-toasts-'));
  daemon = await startLocalDaemon({ rootDir: path.join(work, 'daemon'), modules: [{ name: 'backup' }] });
  const profiles = [];
  for (const name of PROFILES) {
    const source = path.join(work, name);
    await mkdir(source, { recursive: true });
    await writeFile(path.join(source, 'a.txt'), `${name}\n`);
    profiles.push({
      name,
      source,
      fullSyncIntervalMinutes: 0,
      targets: [
        {
          host: '127.0.0.1',
          port: daemon.port,
          module: 'backup',
          path: name,
          user: daemon.user,
          auth: { type: 'passwordFile', path: daemon.passwordFile },
        },
      ],
    });
  }
  const configFile = path.join(work, 'config', 'config.json');
  await mkdir(path.dirname(configFile), { recursive: true });
  await writeFile(configFile, JSON.stringify({ version: 2, profiles }));
  session = await startBrowserSession(configFile);
}, 120_000);

afterAll(async () => {
  if (session) expect(await session.dispose()).toBe(0);
  await daemon?.dispose();
  if (work) await rm(work, { recursive: true, force: true });
}, 30_000);

interface Box {
  what: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/**
 * Each toast that meets the content pane, or a nav link or button where it shows: an element
 * scrolled out of its pane (the content, the sidebar) is clipped by it, and nothing covers it there.
 */
async function covered(): Promise<string[]> {
  return session.page.evaluate(() => {
    type El = {
      getBoundingClientRect(): Box;
      textContent: string | null;
      tagName: string;
      closest(s: string): El | null;
    };
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): El[] } }).document;
    const box = (e: El, what: string): Box => {
      const r = e.getBoundingClientRect();
      return { what, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    };
    const clip = (b: Box, by: Box): Box => ({
      what: b.what,
      left: Math.max(b.left, by.left),
      right: Math.min(b.right, by.right),
      top: Math.max(b.top, by.top),
      bottom: Math.min(b.bottom, by.bottom),
    });
    const toasts = [...doc.querySelectorAll('.toast')].map((t) => box(t, t.textContent?.trim() ?? ''));
    const others = [
      ...[...doc.querySelectorAll('main')].map((e) => box(e, 'the content pane')),
      ...[...doc.querySelectorAll('nav a, nav button, main button, main a')]
        .map((e) => {
          const pane = e.closest('main, .sidebar');
          const b = box(e, `${e.tagName.toLowerCase()} "${e.textContent?.trim()}"`);
          return pane ? clip(b, box(pane, '')) : b;
        })
        .filter((b) => b.right > b.left && b.bottom > b.top),
    ];
    const meet = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    return toasts.flatMap((t) => others.filter((o) => meet(t, o)).map((o) => `"${t.what}" covers ${o.what}`));
  });
}

/** Three toasts: two syncs started and a folder's path copied (or the copy refused: an error with a hint). */
async function threeToasts(): Promise<void> {
  const { page } = session;
  for (const name of PROFILES) await session.card(name).getByRole('button', { name: 'Sync now' }).click();
  await session.card('alpha').getByRole('button', { name: 'Copy path' }).click();
  await page.locator('.toast').nth(2).waitFor();
}

async function dismissAll(): Promise<void> {
  const { page } = session;
  while ((await page.locator('.toast').count()) > 0) await page.locator('.toast button').first().click();
}

describe.skipIf(!chromiumAvailable)('toasts never cover the window', () => {
  it('the profiles are current', async () => {
    for (const name of PROFILES) await session.waitForBadge(name, 'Current');
  });

  for (const size of [
    { width: 800, height: 600 },
    { width: 1280, height: 800 },
    { width: 1280, height: 500 },
  ])
    it(`${size.width}×${size.height}: three toasts, nothing under them`, async () => {
      const { page } = session;
      await page.setViewportSize(size);
      await dismissAll();
      await threeToasts();
      expect(await page.locator('.toast').count()).toBe(3);
      await session.shot(`toasts-${size.width}x${size.height}`);
      expect(await covered()).toEqual([]);
      await dismissAll();
    });

  it('the check sees a toast over the content', async () => {
    const { page } = session;
    await page.setViewportSize({ width: 800, height: 600 });
    await threeToasts();
    // Made to happen through the CSSOM (the CSP refuses style attributes).
    await page.evaluate(() => {
      const doc = (
        globalThis as unknown as { document: { querySelector(s: string): { style: Record<string, string> } } }
      ).document;
      Object.assign(doc.querySelector('.toasts').style, { position: 'fixed', top: '120px', left: '20px' });
    });
    expect((await covered()).join('\n')).toMatch(/covers the content pane/);
    await page.reload();
    await page.locator('main h1').first().waitFor();
    expect(session.problems.filter((p) => !/clipboard/i.test(p))).toEqual([]);
  });
});
