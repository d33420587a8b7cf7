/**
 * A window whose host goes away says so, end to end: `rsync-tray serve` mirrors a folder to a real
 * rsync daemon and the window shows it current; serve stops, and the open window says it lost the
 * connection (since when), shows every state as unknown (no green "Current" left behind) and takes
 * no clicks. serve starts again on the same port: it kept its token, so the window reconnects by
 * itself, without a reload or a new address. Started with `--new-token`, it refuses the old one,
 * and the window says how to log in again instead of retrying in silence; once the new address is
 * opened in this tab (only the fragment changes: no reload), it reconnects by itself and shows the
 * real states again. A host that answers again with the same login (calls that failed on the way,
 * the event stream intact) brings it back by itself too.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { chromiumAvailable, startBrowserSession, type BrowserSession } from './support/browser-session.ts';
import { daemonTarget } from './support/e2e-config.ts';

const PROFILE = 'documents';

let work: string;
let daemon: LocalDaemon;
let session: BrowserSession;
let page: BrowserSession['page'];
/** The address the restarted serve printed. */
let newUrl: string;
/** Every sync.now the page sent (or tried to). */
const syncRequests: string[] = [];

beforeAll(async () => {
  if (!chromiumAvailable) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-e2e-disconnect-'));
  daemon = await startLocalDaemon({ rootDir: path.join(work, 'daemon'), modules: [{ name: 'backup' }] });
  const source = path.join(work, 'Documents');
  await mkdir(source, { recursive: true });
  await writeFile(path.join(source, 'hello.txt'), 'hello\n');
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
  page = session.page;
  page.on('request', (r) => {
    if (r.url().endsWith('/api/call') && r.postData()?.includes('"sync.now"')) syncRequests.push(r.url());
  });
}, 120_000);

afterAll(async () => {
  if (session) expect(await session.dispose()).toBe(0);
  await daemon?.dispose();
  if (work) await rm(work, { recursive: true, force: true });
}, 30_000);

const card = () => session.card(PROFILE);
const banner = (link: 'lost' | 'refused') => page.locator(`.banner[data-link="${link}"]`);
const syncNow = () => card().getByRole('button', { name: 'Sync now' });
/** Every badge that says "Current" anywhere in the window: the card's, a target's, the sidebar's. */
const currentBadges = () => page.locator('.badge', { hasText: /current/i });

/** What a window without its host must look like, whichever the reason. */
async function expectOffline(): Promise<void> {
  await session.waitForBadge(PROFILE, 'Unknown');
  expect(await currentBadges().count()).toBe(0);
  // Nor the sentence that goes with it ("Every change has reached the backup.").
  expect(await card().locator('.card-now').isVisible()).toBe(false);
  expect(await page.getByRole('navigation').locator('.badge').textContent()).toBe('Unknown');
  expect(await page.title()).toBe('Not connected — Rsync Tray');
  expect(await syncNow().isDisabled()).toBe(true);
  expect(await card().getByRole('button', { name: 'Pause' }).isDisabled()).toBe(true);
  // Not just those two: no control of the view is left live.
  expect(await page.locator('main button:enabled, main input:enabled, main select:enabled').count()).toBe(0);
}

describe.skipIf(!chromiumAvailable)('a window that lost its host says so, and comes back by itself', () => {
  it('starts connected, the profile current', async () => {
    await session.waitForBadge(PROFILE, 'Current');
    expect(await syncNow().isEnabled()).toBe(true);
    expect(await page.locator('.banner').count()).toBe(0);
  });

  it('serve stops: the window says since when, every state is unknown, and a click does nothing', async () => {
    expect(await session.stopServe()).toBe(0);
    await banner('lost')
      .getByText(/^Lost the connection to Rsync Tray at \d\d:\d\d:\d\d .*; trying again…$/)
      .waitFor();
    await expectOffline();
    // A person clicking the disabled button anyway: nothing is sent, nothing is said to be started.
    await syncNow().click({ force: true });
    await page.$eval('.card-actions button', (b) => (b as unknown as { click(): void }).click());
    await new Promise((r) => setTimeout(r, 500));
    expect(syncRequests).toEqual([]);
    expect(await page.getByText(/Full sync of .* started/).count()).toBe(0);
    // The editor's controls are disabled too, with no change to the editor itself.
    await card().getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('button', { name: 'Save profile' }).first().waitFor();
    expect(await page.getByRole('button', { name: 'Save profile' }).first().isDisabled()).toBe(true);
    await session.shot('30-disconnected-editor', { tall: true });
    await session.go('Profiles');
    await session.shot('31-disconnected');
  });

  it('serve starts again: it kept its token, and the window reconnects by itself, without a reload', async () => {
    await page.evaluate(() => ((globalThis as unknown as { sameWindow: boolean }).sameWindow = true));
    const again = await session.restartServe();
    expect(again).toBe(session.url);
    await page.locator('.banner').waitFor({ state: 'detached', timeout: 30_000 });
    await session.waitForBadge(PROFILE, 'Current');
    expect(await page.evaluate(() => (globalThis as unknown as { sameWindow?: boolean }).sameWindow)).toBe(true);
    expect(await page.title()).toBe('Current — Rsync Tray');
    expect(await syncNow().isEnabled()).toBe(true);
    await syncNow().click();
    await page.getByText(`Full sync of "${PROFILE}" started.`).waitFor();
    expect(syncRequests).toHaveLength(1);
    await session.waitForBadge(PROFILE, 'Current');
    await session.shot('33-reconnected');
  });

  it('serve starts again with --new-token: the old login is refused, and the window says how to log in', async () => {
    newUrl = await session.restartServe({ newToken: true });
    expect(new URL(newUrl).port).toBe(new URL(session.origin).port);
    expect(newUrl).not.toBe(session.url);
    await banner('refused')
      .getByText(/^Lost the connection to Rsync Tray at .*; it now refuses this window’s login\.$/)
      .waitFor({ timeout: 30_000 });
    await banner('refused')
      .getByText(/Open the new address it printed in this tab/)
      .waitFor();
    await expectOffline();
    await session.shot('32-login-refused');
  });

  it('once the new address is opened in this tab, the window reconnects by itself, without a reload', async () => {
    await page.evaluate(() => ((globalThis as unknown as { sameWindow: boolean }).sameWindow = true));
    await page.goto(newUrl);
    await page.locator('.banner').waitFor({ state: 'detached', timeout: 30_000 });
    await session.waitForBadge(PROFILE, 'Current');
    expect(await page.evaluate(() => (globalThis as unknown as { sameWindow?: boolean }).sameWindow)).toBe(true);
    // The token left the address bar again.
    expect(page.url()).not.toContain('token');
    expect(await syncNow().isEnabled()).toBe(true);
  });

  it('calls that fail with the stream still open are a loss too; the same login brings the window back', async () => {
    await page.route('**/api/call', (route) => route.abort('connectionrefused'));
    await card().getByRole('button', { name: 'Pause' }).click();
    await banner('lost').waitFor();
    await expectOffline();
    await page.unroute('**/api/call');
    await page.locator('.banner').waitFor({ state: 'detached', timeout: 30_000 });
    // The pause never reached the host, and the window does not pretend it did.
    await session.waitForBadge(PROFILE, 'Current');
    expect(await card().getByRole('button', { name: 'Pause' }).isEnabled()).toBe(true);
  });

  it('the page logged nothing but the failed requests of the outage itself', () => {
    // Chromium logs each request that meets a stopped server or a refused login; those are the
    // outage this test made. Anything else (a Vue warning, a CSP violation, an exception) is a bug.
    const outage =
      /ERR_CONNECTION_REFUSED|ERR_FAILED|status of 401|WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/api\/events' failed/;
    expect(session.problems.filter((p) => !outage.test(p))).toEqual([]);
  });
});
