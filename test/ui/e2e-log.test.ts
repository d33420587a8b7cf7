/**
 * The window an admin keeps open, end to end against a real rsync daemon and Chromium: profiles in
 * trouble are listed first and the sidebar's badge leads to the worst one; a failing target's
 * rsync message ("@ERROR: Unknown module") is on the Log screen, found by profile and level and
 * arriving live; a timed pause says "Paused until …" (15 minutes, then until tomorrow 08:00); Sync
 * now says why it is disabled, and what a quick full sync did.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { pauseChoiceLabel, tomorrowMorning } from '../../electron/shared/pause-choices.ts';
import { formatClock } from '../../electron/shared/presenter.ts';
import { poll } from '../support/sync-fixture.ts';
import { treesEqual } from '../support/trees.ts';
import { chromiumAvailable, startBrowserSession, type BrowserSession } from './support/browser-session.ts';

let work: string;
let daemon: LocalDaemon;
let session: BrowserSession;
const sources: Record<string, string> = {};

/** In the config's order: the broken one last, so "problems first" is the window's doing. */
const PROFILES = [
  { name: 'alpha', module: 'backup', folder: 'alpha' },
  { name: 'zeta', module: 'backup', folder: 'zeta' },
  { name: 'broken', module: 'no-such-module', folder: '' },
];

beforeAll(async () => {
  if (!chromiumAvailable) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-e2e-log-'));
  daemon = await startLocalDaemon({ rootDir: path.join(work, 'daemon'), modules: [{ name: 'backup' }] });
  for (const p of PROFILES) {
    sources[p.name] = path.join(work, 'sources', p.name);
    await mkdir(sources[p.name]!, { recursive: true });
    await writeFile(path.join(sources[p.name]!, 'readme.txt'), `${p.name}\n`);
  }
  const configFile = path.join(work, 'config', 'config.json');
  await mkdir(path.dirname(configFile), { recursive: true });
  await writeFile(
    configFile,
    JSON.stringify({
      version: 1,
      profiles: PROFILES.map((p) => ({
        name: p.name,
        source: sources[p.name],
        fullSyncIntervalMinutes: 0,
        targets: [
          {
            host: '127.0.0.1',
            port: daemon.port,
            module: p.module,
            path: p.folder,
            user: daemon.user,
            auth: { type: 'passwordFile', path: daemon.passwordFile },
          },
        ],
      })),
    }),
  );
  session = await startBrowserSession(configFile);
}, 120_000);

afterAll(async () => {
  if (session) expect(await session.dispose()).toBe(0);
  await daemon?.dispose();
  if (work) await rm(work, { recursive: true, force: true });
}, 30_000);

const page = () => session.page;
const card = (name: string) => session.card(name);
const cardOrder = () =>
  page()
    .locator('article.profile-card')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-profile')));
/** The Log screen's rows, as "Level · Profile · Message". */
const logRows = () =>
  page()
    .locator('table.log-table tbody tr[data-level]')
    .evaluateAll((rows) =>
      rows.map((r) =>
        [...r.querySelectorAll('td')]
          .slice(1)
          .map((td) => td.textContent?.trim() ?? '')
          .join(' · '),
      ),
    );
/** The same API call the window makes, with its login. */
const api = (method: string, input: object) =>
  page().evaluate(
    ([m, i]) => {
      const g = globalThis as unknown as {
        fetch: (u: string, o: object) => Promise<{ text(): Promise<string> }>;
        sessionStorage: { getItem(k: string): string | null };
      };
      return g
        .fetch('/api/call', {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            Authorization: `Bearer ${g.sessionStorage.getItem('rsync-tray-token')}`,
          },
          body: JSON.stringify({ method: m, input: i }),
        })
        .then((r) => r.text());
    },
    [method, input] as const,
  );

describe.skipIf(!chromiumAvailable)('the window an admin keeps open: log, problems first, pause, Sync now', () => {
  it('two profiles mirror; the one with a wrong module fails', async () => {
    await session.waitForBadge('alpha', 'Current');
    await session.waitForBadge('zeta', 'Current');
    await poll(
      async () =>
        (await treesEqual(sources.alpha!, path.join(daemon.modules.backup!, 'alpha'))).length === 0 ? true : undefined,
      15_000,
      async () => (await treesEqual(sources.alpha!, path.join(daemon.modules.backup!, 'alpha'))).join('\n'),
    );
    await card('broken')
      .locator('.card-head .badge')
      .filter({ hasText: /^(Retrying|Error)$/ })
      .waitFor({ timeout: 20_000 });
  });

  it('lists the profile in trouble first, then the others by name', async () => {
    expect(await cardOrder()).toEqual(['broken', 'alpha', 'zeta']);
    await session.shot('dashboard-problems-first');
  });

  it('the sidebar badge is a link to the profile in trouble: its card, scrolled to and focused', async () => {
    await session.go('Activity');
    const badge = page()
      .getByRole('navigation')
      .getByRole('link', { name: /show broken$/ });
    expect(await badge.textContent()).toMatch(/^(Retrying|Error) \(1 of 3\)/);
    await badge.click();
    await page().waitForURL(/#\/profiles\/broken$/);
    await poll(
      async () =>
        (await page().evaluate(() => {
          const doc = (globalThis as unknown as { document: { activeElement: { id?: string } | null } }).document;
          return doc.activeElement?.id;
        })) === 'profile-broken' || undefined,
      5_000,
      async () => 'the card of "broken" never got the focus',
    );
    expect(await card('broken').locator('h2').isVisible()).toBe(true);
    await session.shot('dashboard-problems-badge-link');
  });

  it('the failing target’s rsync message is on the Log screen, by profile and level', async () => {
    await card('broken').getByRole('link', { name: 'Log of broken' }).click();
    await page().getByRole('heading', { name: 'Log', level: 1 }).waitFor();
    expect(await page().getByLabel('Profile').inputValue()).toBe('broken');
    await page().getByLabel('Level').selectOption('warn');
    await page().locator('table.log-table').getByText("@ERROR: Unknown module 'no-such-module'").first().waitFor();
    const rows = await logRows();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatch(/^(Warning|Error) · broken · /);
    expect(rows[0]).toMatch(
      /rsync to .*no-such-module failed \(exit 5\)[\s\S]*rsync said:[\s\S]*@ERROR: Unknown module 'no-such-module'/,
    );
    await session.shot('log-filtered-broken');
    // Another profile's lines hold none of it; a search finds it across all profiles.
    await page().getByLabel('Profile').selectOption('alpha');
    await page().waitForURL(/#\/log\/alpha$/);
    await poll(
      async () => ((await logRows()).every((r) => r.includes('· alpha ·')) ? true : undefined),
      5_000,
      async () => `lines of other profiles are shown:\n${(await logRows()).join('\n')}`,
    );
    expect((await logRows()).join('\n')).not.toContain('Unknown module');
    await page().getByLabel('Profile').selectOption('');
    await page().getByLabel('Search').fill('UNKNOWN MODULE');
    await poll(
      async () =>
        (await logRows()).length > 0 && (await logRows()).every((r) => /unknown module/i.test(r)) ? true : undefined,
      5_000,
      async () => `the search showed:\n${(await logRows()).join('\n')}`,
    );
  });

  it('a new failure arrives on the Log screen while it is open', async () => {
    await page().getByLabel('Profile').selectOption('broken');
    await page().getByLabel('Search').fill('');
    const before = (await logRows()).filter((r) => r.includes('rsync said')).length;
    expect(JSON.parse(await api('sync.now', { profile: 'broken' })).ok).toBe(true);
    await poll(
      async () => ((await logRows()).filter((r) => r.includes('rsync said')).length > before ? true : undefined),
      15_000,
      async () => `still ${before} failures shown:\n${(await logRows()).join('\n')}`,
    );
    await page()
      .getByText(/^Lines 1–\d+ of \d+/)
      .waitFor();
    await session.shot('log-live');
    await page().setViewportSize({ width: 800, height: 600 });
    await session.shot('log-800x600');
    await page().setViewportSize({ width: 1280, height: 860 });
  });

  it('a timed pause says until when, and Sync now says why it is disabled', async () => {
    await session.go('Profiles');
    await card('alpha').getByRole('button', { name: 'For how long' }).click();
    const menu = card('alpha').getByRole('menu', { name: 'Pause for' });
    expect(await menu.getByRole('menuitem').allTextContents()).toEqual([
      'For 15 minutes',
      'For 1 hour',
      pauseChoiceLabel('tomorrow', Date.now()),
      'Until resumed',
    ]);
    await session.shot('dashboard-problems-pause-menu');
    const clicked = Date.now();
    await menu.getByRole('menuitem', { name: 'For 15 minutes' }).click();
    await session.waitForBadge('alpha', 'Paused');
    // The minute it ends, as the presenter writes it (the click may straddle a minute).
    const ends = [clicked, Date.now()].map((t) => `Paused until ${formatClock(t + 15 * 60_000, t)}`);
    const said = (await card('alpha').locator('.card-now').textContent())?.trim() ?? '';
    expect(ends.some((e) => said.startsWith(e))).toBe(true);
    const syncNow = card('alpha').getByRole('button', { name: 'Sync now' });
    expect(await syncNow.isDisabled()).toBe(true);
    expect(await syncNow.getAttribute('title')).toMatch(/^Paused until \d\d:\d\d: resume it to sync now\.$/);
    const described = await syncNow.getAttribute('aria-describedby');
    expect(await page().locator(`[id="${described}"]`).textContent()).toBe(await syncNow.getAttribute('title'));
    // Problems stay first; the paused one keeps its place by name.
    expect(await cardOrder()).toEqual(['broken', 'alpha', 'zeta']);
    await session.shot('dashboard-problems-paused');

    await card('alpha').getByRole('button', { name: 'Resume' }).click();
    await session.waitForBadge('alpha', 'Current');
    await card('alpha').getByRole('button', { name: 'For how long' }).click();
    await card('alpha')
      .getByRole('menuitem', { name: /^Until (tomorrow|this morning) / })
      .click();
    await session.waitForBadge('alpha', 'Paused');
    const morning = formatClock(tomorrowMorning(Date.now()), tomorrowMorning(Date.now()));
    await card('alpha')
      .getByText(new RegExp(`^Paused until (tomorrow )?${morning}\\.`))
      .waitFor();
    await card('alpha').getByRole('button', { name: 'Resume' }).click();
    await session.waitForBadge('alpha', 'Current');
  });

  it('Sync now shows what a quick full sync did, and a failure’s message', async () => {
    await card('zeta').getByRole('button', { name: 'Sync now' }).click();
    await card('zeta').getByRole('status').filter({ hasText: 'Synced: nothing to send' }).waitFor({ timeout: 20_000 });
    await session.shot('dashboard-problems-sync-result');
    await card('broken').getByRole('button', { name: 'Sync now' }).click();
    await card('broken')
      .getByRole('status')
      .filter({ hasText: /^Sync failed: Unknown module no-such-module on 127\.0\.0\.1/ })
      .waitFor({ timeout: 20_000 });
  });

  it('the page logged no errors, CSP violations or Vue warnings', () => {
    expect(session.problems).toEqual([]);
  });
});
