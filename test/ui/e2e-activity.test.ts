/**
 * Per-file activity, end to end: a profile mirrors to a real rsync daemon through `rsync-tray
 * serve`, the window open in Chromium. A file just synced is found by its name in Activity's
 * search (the host searches every name its runs sent), its run lists it, and "Recent changes"
 * shows it; a burst that went as several batches is one row that opens into its runs.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { poll } from '../support/sync-fixture.ts';
import { treesEqual } from '../support/trees.ts';
import { chromiumAvailable, startBrowserSession, type BrowserSession } from './support/browser-session.ts';
import { daemonTarget } from './support/e2e-config.ts';

const PROFILE = 'reports';

let work: string;
let daemon: LocalDaemon;
let source: string;
let backup: string;
let session: BrowserSession;

beforeAll(async () => {
  if (!chromiumAvailable) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-e2e-activity-'));
  daemon = await startLocalDaemon({ rootDir: path.join(work, 'daemon'), modules: [{ name: 'backup' }] });
  backup = daemon.modules.backup!;
  source = path.join(work, 'Reports');
  await mkdir(path.join(source, 'old'), { recursive: true });
  // More than a page of names (100): the first full sync's list is paged with "Show more".
  for (let i = 0; i < 150; i++) await writeFile(path.join(source, 'old', `r-${i}.txt`), `report ${i}\n`);
  const configFile = path.join(work, 'config', 'config.json');
  await mkdir(path.dirname(configFile), { recursive: true });
  await writeFile(
    configFile,
    JSON.stringify({
      version: 1,
      profiles: [
        {
          name: PROFILE,
          source,
          fullSyncIntervalMinutes: 0,
          targets: [daemonTarget(daemon)],
        },
      ],
    }),
  );
  session = await startBrowserSession(configFile);
}, 120_000);

afterAll(async () => {
  if (session) expect(await session.dispose()).toBe(0);
  await daemon?.dispose();
  if (work) await rm(work, { recursive: true, force: true });
}, 30_000);

const mirrored = () =>
  poll(
    async () => ((await treesEqual(source, backup)).length === 0 ? true : undefined),
    20_000,
    async () => (await treesEqual(source, backup)).join('\n'),
  );

describe.skipIf(!chromiumAvailable)('per-file activity in the window served by rsync-tray serve', () => {
  it('a file just synced is found by its name, and its run lists it', async () => {
    await session.waitForBadge(PROFILE, 'Current');
    await mirrored();
    await session.go('Activity');
    const page = session.page;
    await writeFile(path.join(source, 'quarterly-q3 (final).txt'), 'numbers\n');
    await mirrored();

    const search = page.getByRole('searchbox', { name: 'Search' });
    // A name that no run touched finds nothing, and says what was searched.
    await search.fill('no-such-report');
    await page.getByText(/^No run sent, deleted or moved a file matching “no-such-report”/).waitFor();
    await search.fill('q3 (FINAL)');
    const row = page.locator('tr[data-run]').filter({ hasText: '1 change → 1 item sent' });
    await row.first().waitFor();
    expect(await page.locator('tr[data-run]').count()).toBe(1);
    await row.getByRole('button', { name: 'Show names' }).click();
    const names = page.getByRole('group', { name: /^Names of the run/ });
    await names.getByText('quarterly-q3 (final).txt').waitFor();
    await names.getByText('1 of 1 name matching “q3 (FINAL)”').waitFor();
    // Recent changes are searched alike.
    const recentRows = page.getByRole('region', { name: 'Recent changes' }).locator('tbody tr[data-action]');
    await recentRows.first().getByText('quarterly-q3 (final).txt').waitFor();
    expect(await recentRows.count()).toBe(1);
    await session.shot('activity-search-by-name');

    // A search typed before the file is synced finds it as soon as its run arrives.
    await search.fill('late-arrival');
    await page.getByText(/^No run sent, deleted or moved a file matching “late-arrival”/).waitFor();
    await writeFile(path.join(source, 'late-arrival.txt'), 'late\n');
    await page.locator('tr[data-run]').filter({ hasText: '1 change → 1 item sent' }).waitFor();
    expect(await page.locator('tr[data-run]').count()).toBe(1);

    // The full sync at the start sent the 150 old reports and their folder: found by a late name,
    // past the first names its record carries.
    await search.fill('r-149.txt');
    await page.locator('tr[data-run][data-kind="full"]').first().waitFor();
    expect(await page.locator('tr[data-run]').count()).toBe(1);
    await search.fill('');
    // Every run again, at once: the full sync and the two batches. The batches share a row when they
    // came within the group's gap (15 s), which a loaded machine can exceed between them: 2 or 3 rows.
    // A file's write may come as two events that fall in two batches, the second finding the backup
    // already equal ("nothing changed"): one run (and row) more.
    // Read whole (a loaded machine redraws late), so a failure says what it showed.
    const summary = page.getByText(/^\d+ runs?, \d+ rows?$/);
    await expect
      .poll(async () => (await summary.count()) > 0 && /^[34] runs, [2-4] rows$/.test(await summary.innerText()), {
        timeout: 20_000,
        message: `the runs summary (first read): ${(await summary.count()) > 0 ? await summary.innerText() : 'none'}`,
      })
      .toBe(true);
    const full = page.locator('tr[data-run][data-kind="full"]');
    await full.getByText('Full sync → 151 items sent').waitFor();
    await full.getByRole('button', { name: 'Show names' }).click();
    const list = page.getByRole('group', { name: /^Names of the run/ }).last();
    await list.getByText('100 of 151 names').waitFor();
    await list.getByRole('button', { name: 'Show more (51 left)' }).click();
    await list.getByText('151 of 151 names').waitFor();
    expect(await list.getByRole('listitem').count()).toBe(151);
    await list.getByText('old/r-149.txt').waitFor();
    await session.shot('activity-names-paged');
    await full.getByRole('button', { name: 'Hide names' }).click();

    const recent = page.getByRole('region', { name: 'Recent changes' });
    await recent.getByRole('cell', { name: 'quarterly-q3 (final).txt' }).waitFor();
  });

  it('a burst sent as several batches is one row that opens into its runs', async () => {
    const page = session.page;
    const before = await page.locator('tr[data-run], tr.run-group').count();
    await mkdir(path.join(source, 'burst'));
    for (let chunk = 0; chunk < 4; chunk++) {
      for (let i = 0; i < 50; i++)
        await writeFile(path.join(source, 'burst', `b-${chunk}-${i}.csv`), `${chunk},${i}\n`);
      // Longer than the batch's maximum delay (250 ms): a run of its own; far shorter than a group's gap.
      await new Promise((r) => setTimeout(r, 400));
    }
    await mirrored();
    const group = page.locator('tr.run-group').first();
    await group.waitFor();
    const runs = Number(await group.getAttribute('data-runs'));
    expect(runs).toBeGreaterThanOrEqual(2);
    // The row says how many runs and what they sent together: the 200 files and their folder (and
    // the run of the test before, when it came within the group's gap).
    const phrase = new RegExp(`^${runs} runs · [\\d,]+ changes? → ([\\d,]+) items sent$`);
    const text = (await group.locator('.cell-main').getByText(phrase).textContent()) ?? '';
    const total = Number(phrase.exec(text)?.[1]?.replace(/,/g, ''));
    expect(total).toBeGreaterThanOrEqual(201);
    // Fewer rows than runs: the burst took one.
    expect(await page.locator('tr[data-run], tr.run-group').count()).toBeLessThan(before + runs);
    await session.shot('activity-burst-grouped');
    await group.getByRole('button', { name: 'Show runs' }).click();
    await page
      .locator('tr.nested[data-run]')
      .nth(runs - 1)
      .waitFor();
    // Its runs, each in its own words, add up to the group's count.
    const each = await page.locator('tr.nested[data-run] .run-what .cell-main').allTextContents();
    expect(each).toHaveLength(runs);
    const sum = each.reduce((n, t) => n + Number(/→ ([\d,]+) items? sent/.exec(t)?.[1]?.replace(/,/g, '') ?? 0), 0);
    expect(sum).toBe(total);
    const first = page.locator('tr.nested[data-run]').first();
    await first.getByRole('button', { name: 'Show names' }).click();
    await page
      .getByRole('group', { name: /^Names of the run/ })
      .getByText(/^burst\/b-\d-\d+\.csv$/)
      .first()
      .waitFor();
    await session.shot('activity-burst-open', { tall: true });
    const recent = page.getByRole('region', { name: 'Recent changes' });
    await recent
      .getByText(/^burst\/b-3-\d+\.csv$/)
      .first()
      .waitFor();
    await recent.scrollIntoViewIfNeeded();
    await session.shot('activity-recent-changes');
    // At 800×600 the table keeps every column, its result too (it scrolls or wraps).
    await page.setViewportSize({ width: 800, height: 600 });
    await page.locator('tr.run-group').first().scrollIntoViewIfNeeded();
    await session.shot('activity-800x600');
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await session.shot('activity-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('the page logged no errors, CSP violations or Vue warnings', () => {
    expect(session.problems).toEqual([]);
  });
});
