/**
 * Every screen of the window, at 1280×800 and 800×600, light and dark: a screenshot of each
 * (screen-<name>-<w>x<h>-<scheme>.png), an axe-core run failing on any serious or critical
 * violation, and layout checks at 800×600 that can fail: no table column cut off, no horizontal page
 * scroll, no toast over a button of the content. Then the keyboard shortcuts, pressed as a user does.
 * Three profiles in different states: one current, one failing (a module the daemon lacks), one paused.
 */
import { readFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { ROOT } from './support/build-renderer.ts';
import { chromiumAvailable, startBrowserSession, type BrowserSession } from './support/browser-session.ts';

let work: string;
let daemon: LocalDaemon;
let session: BrowserSession;

const SIZES = [
  { width: 1280, height: 800 },
  { width: 800, height: 600 },
] as const;
const SCHEMES = ['light', 'dark'] as const;
/** Every screen, by hash (grep router.ts when a screen is added). */
const SCREENS: Array<{ name: string; hash: string; heading: RegExp; prepare?: () => Promise<void> }> = [
  { name: 'profiles', hash: '#/', heading: /^Profiles$/ },
  { name: 'editor', hash: '#/edit/docs', heading: /docs/ },
  { name: 'new-profile', hash: '#/new', heading: /New profile/ },
  { name: 'activity', hash: '#/activity', heading: /^Activity$/ },
  { name: 'log', hash: '#/log', heading: /Log/ },
  { name: 'import-export', hash: '#/transfer', heading: /Import/ },
  { name: 'settings', hash: '#/settings', heading: /^Settings$/ },
  // The import preview of a pasted export (its table must fit its card at 800×600).
  { name: 'import-preview', hash: '#/transfer', heading: /Import/, prepare: pastePreview },
  // The paused profile's backup, with an entry in each local state (each badge's tone is axe-checked).
  { name: 'restore', hash: '#/restore/photos', heading: /^Restore$/, prepare: restoreStates },
];

/** Local changes to the paused "photos" (they stay local): one entry per state on the backup's top. */
async function divergePhotos(): Promise<void> {
  const photos = path.join(work, 'photos');
  await rm(path.join(photos, 'file-0.txt'));
  await writeFile(path.join(photos, 'file-1.txt'), 'edited here\n');
  await writeFile(path.join(photos, 'only-here.txt'), 'local\n');
}

async function restoreStates(): Promise<void> {
  const row = (name: string) => session.page.locator('main tbody tr', { hasText: name });
  await row('file-0.txt').getByText('Only on the backup').waitFor();
  await row('file-1.txt').getByText('Differs').waitFor();
  await row('file-2.txt').getByText('Same').waitFor();
  await row('only-here.txt').getByText('Only here').waitFor();
}

/** A profile with a long path and URL, pasted as an export: the preview table shows it. */
async function pastePreview(): Promise<void> {
  const { page } = session;
  const long = '/srv/a-rather/long/path/to/the/folder/that/somebody/keeps/their/shared/documents/in';
  const exported = JSON.stringify({
    version: 1,
    profiles: [
      {
        name: 'imported',
        source: long,
        targets: [{ host: 'backup.example.org', module: 'documents', path: 'a/long/folder/name' }],
      },
    ],
  });
  await page.getByRole('button', { name: 'Or paste the text' }).click();
  await page.locator('#import-text').fill(exported);
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  await page.locator('main .preview-table').waitFor();
  await page.locator('main .preview-table').scrollIntoViewIfNeeded();
}

beforeAll(async () => {
  if (!chromiumAvailable) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-e2e-screens-'));
  daemon = await startLocalDaemon({ rootDir: path.join(work, 'daemon'), modules: [{ name: 'backup' }] });
  const target = (module: string) => ({
    host: '127.0.0.1',
    port: daemon.port,
    module,
    user: daemon.user,
    auth: { type: 'passwordFile', path: daemon.passwordFile },
  });
  const profiles = [];
  for (const [name, module] of [
    ['docs', 'backup'],
    ['broken', 'no-such-module'],
    ['photos', 'backup'],
  ] as const) {
    const source = path.join(work, name);
    await mkdir(source, { recursive: true });
    for (let i = 0; i < 5; i++) await writeFile(path.join(source, `file-${i}.txt`), `${name} ${i}\n`);
    profiles.push({ name, source, fullSyncIntervalMinutes: 0, targets: [{ ...target(module), path: name }] });
  }
  const configFile = path.join(work, 'config', 'config.json');
  await mkdir(path.dirname(configFile), { recursive: true });
  await writeFile(configFile, JSON.stringify({ version: 1, profiles }));
  session = await startBrowserSession(configFile);
}, 120_000);

afterAll(async () => {
  if (session) expect(await session.dispose()).toBe(0);
  await daemon?.dispose();
  if (work) await rm(work, { recursive: true, force: true });
}, 30_000);

interface AxeResult {
  violations: Array<{
    id: string;
    impact: string | null;
    help: string;
    nodes: Array<{ target: unknown[]; failureSummary?: string }>;
  }>;
}

/**
 * axe-core into the page. The CSP allows only the app's own scripts (no inline script), so
 * addScriptTag({ content }) is refused; page.evaluate goes through the DevTools protocol, which the
 * page's CSP does not govern, so the library's source is evaluated that way, once per page load.
 */
async function runAxe(): Promise<string[]> {
  const { page } = session;
  if (!(await page.evaluate(() => 'axe' in globalThis))) {
    const source = await readFile(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
    await page.evaluate(source);
  }
  const result = (await page.evaluate(() =>
    (globalThis as unknown as { axe: { run(): Promise<unknown> } }).axe.run(),
  )) as AxeResult;
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map((n) => `${v.impact} ${v.id} at ${JSON.stringify(n.target)}: ${v.help}. ${n.failureSummary ?? ''}`),
    );
}

/** At 800×600: every table column visible or its container scrolls; no page scroll sideways. */
async function layoutProblems(): Promise<string[]> {
  return session.page.evaluate(() => {
    type El = {
      getBoundingClientRect(): {
        left: number;
        right: number;
        top: number;
        bottom: number;
        width: number;
        height: number;
      };
      scrollWidth: number;
      clientWidth: number;
      parentElement: El | null;
      textContent: string | null;
      tagName: string;
    };
    const doc = (globalThis as unknown as { document: { documentElement: El; querySelectorAll(s: string): El[] } })
      .document;
    const style = (e: El) =>
      (globalThis as unknown as { getComputedStyle(e: El): { overflowX: string } }).getComputedStyle(e);
    const problems: string[] = [];
    const root = doc.documentElement;
    // The content pane scrolls (overflow-y: auto makes its overflow-x auto too): it is the page here.
    const main = doc.querySelectorAll('main')[0]!;
    for (const page of [root, main])
      if (page.scrollWidth > page.clientWidth + 1)
        problems.push(`the page scrolls sideways (${page.tagName}): ${page.scrollWidth} > ${page.clientWidth}`);
    for (const th of doc.querySelectorAll('main th')) {
      const box = th.getBoundingClientRect();
      if (box.width === 0) continue;
      let scroller = th.parentElement;
      // A table's own scroll container counts; the content pane scrolling sideways does not.
      while (scroller && scroller !== main && !['auto', 'scroll'].includes(style(scroller).overflowX))
        scroller = scroller.parentElement;
      if (scroller === main) scroller = null;
      const container = scroller ?? main;
      const edge = container.getBoundingClientRect().left + container.clientWidth;
      const scrolls = scroller !== null && container.scrollWidth > container.clientWidth;
      if (box.right > edge + 1 && !scrolls)
        problems.push(
          `column "${th.textContent?.trim()}" cut off: its right edge ${Math.round(box.right)} > ${Math.round(edge)}`,
        );
    }
    const toasts = [...doc.querySelectorAll('.toast')].map((t) => t.getBoundingClientRect());
    for (const button of doc.querySelectorAll('main button')) {
      const b = button.getBoundingClientRect();
      // A button scrolled out of the content pane is clipped by it: nothing covers it there.
      const pane = main.getBoundingClientRect();
      if (b.width === 0 || b.bottom <= pane.top || b.top >= pane.bottom) continue;
      if (toasts.some((t) => t.left < b.right && b.left < t.right && t.top < b.bottom && b.top < t.bottom))
        problems.push(`a toast covers the button "${button.textContent?.trim()}"`);
    }
    return problems;
  });
}

describe.skipIf(!chromiumAvailable)('every screen at 1280×800 and 800×600, light and dark', () => {
  it('the profiles reach their states: current, failing, paused', async () => {
    await session.waitForBadge('docs', 'Current');
    await session.waitForBadge('photos', 'Current');
    await session.card('photos').getByRole('button', { name: 'Pause', exact: true }).click();
    await session.waitForBadge('photos', 'Paused');
    await divergePhotos();
    await session
      .card('broken')
      .locator('.card-head .badge')
      .filter({ hasNotText: /^(Current|Starting|Syncing)/ })
      .waitFor({ timeout: 20_000 });
  });

  for (const size of SIZES)
    for (const scheme of SCHEMES)
      it(`${size.width}×${size.height}, ${scheme}: screenshots, axe, layout`, async () => {
        const { page } = session;
        await page.setViewportSize(size);
        await page.emulateMedia({ colorScheme: scheme });
        const found: string[] = [];
        for (const screen of SCREENS) {
          await page.evaluate(
            (hash) => ((globalThis as unknown as { location: { hash: string } }).location.hash = hash),
            screen.hash,
          );
          await page.locator('main h1').filter({ hasText: screen.heading }).first().waitFor({ timeout: 10_000 });
          await screen.prepare?.();
          // A toast on the screen, so the check that none covers a button has one to check.
          if (screen.name === 'profiles' && size.width === 800) {
            await session.card('docs').getByRole('button', { name: 'Sync now' }).click();
            await page.locator('.toast').first().waitFor();
          }
          await page.waitForTimeout(150);
          await session.shot(`screen-${screen.name}-${size.width}x${size.height}-${scheme}`);
          for (const v of await runAxe()) found.push(`${screen.name}: ${v}`);
          if (size.width === 800) for (const p of await layoutProblems()) found.push(`${screen.name}: ${p}`);
        }
        expect(found, found.join('\n')).toEqual([]);
      }, 120_000);

  it('the layout checks catch a cut column, a sideways page and a toast over a button', async () => {
    const { page } = session;
    await page.setViewportSize({ width: 800, height: 600 });
    type Styled = { style: Record<string, string>; getBoundingClientRect(): { left: number; top: number } };
    const go = (hash: string) =>
      page.evaluate((h) => ((globalThis as unknown as { location: { hash: string } }).location.hash = h), hash);
    await go('#/activity');
    await page.locator('main table th').first().waitFor();
    expect(await layoutProblems()).toEqual([]);
    // What the checks are for, made to happen through the CSSOM (the CSP refuses style attributes).
    await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): Styled } }).document;
      doc.querySelector('main .table-wrap').style.overflowX = 'visible';
      doc.querySelector('main .table-wrap table').style.minWidth = '1400px';
    });
    const cut = (await layoutProblems()).join('\n');
    expect(cut).toMatch(/column "Result" cut off/);
    expect(cut).toMatch(/the page scrolls sideways/);
    await page.reload();
    await go('#/');
    await session.card('docs').getByRole('button', { name: 'Sync now' }).click();
    await page.locator('.toast').first().waitFor();
    expect(await layoutProblems()).toEqual([]);
    await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): Styled } }).document;
      const button = doc.querySelector('main button').getBoundingClientRect();
      const where = { position: 'fixed', left: `${button.left}px`, top: `${button.top}px`, width: '300px' };
      Object.assign(doc.querySelector('.toasts').style, where);
    });
    expect((await layoutProblems()).join('\n')).toMatch(/a toast covers the button/);
    await page.reload();
    await page.locator('main h1').first().waitFor();
  });

  it('below 900px the sidebar folds behind a Menu button that opens the nav', async () => {
    const { page } = session;
    await page.setViewportSize({ width: 800, height: 600 });
    const nav = page.getByRole('navigation');
    await expect(nav.getByRole('link', { name: 'Activity' }).isVisible()).resolves.toBe(false);
    await nav.getByRole('button', { name: 'Menu' }).click();
    await nav.getByRole('link', { name: 'Activity' }).click();
    await page.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();
    await expect(nav.getByRole('link', { name: 'Settings' }).isVisible()).resolves.toBe(false);
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect(nav.getByRole('link', { name: 'Settings' }).isVisible()).resolves.toBe(true);
  });

  it('keyboard shortcuts: g p, g a, /, s and ? do what the list says, and not while typing', async () => {
    const { page } = session;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.locator('main h1').first().click();
    await page.keyboard.press('g');
    await page.keyboard.press('a');
    await page.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();
    await page.keyboard.press('/');
    const search = page.locator('main input[type="search"]').first();
    await expect(
      search.evaluate(
        (e) => e === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement,
      ),
    ).resolves.toBe(true);
    // Typed into the field, "g p" is text, not a trip to Profiles.
    await page.keyboard.type('gp');
    await expect(search.inputValue()).resolves.toBe('gp');
    await page.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();
    await search.fill('');
    await page.locator('main h1').first().click();
    await page.keyboard.press('g');
    await page.keyboard.press('p');
    await page.getByRole('heading', { name: 'Profiles', level: 1 }).waitFor();
    // s: Sync now on the card that has focus — its result shows on that card.
    await session.card('docs').getByRole('link', { name: 'Edit' }).first().focus();
    await page.keyboard.press('s');
    await session.card('docs').locator('.sync-result').filter({ hasText: /\S/ }).waitFor({ timeout: 20_000 });
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.getByText('Go to Activity').waitFor();
    await session.shot('screen-shortcuts-1280x800-light');
    expect(await runAxe()).toEqual([]);
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });
    await page.getByRole('navigation').getByRole('link', { name: 'Keyboard shortcuts' }).click();
    await help.waitFor();
    await help.getByRole('button', { name: 'Close' }).click();
    await help.waitFor({ state: 'hidden' });
    expect(session.problems).toEqual([]);
  });
});
