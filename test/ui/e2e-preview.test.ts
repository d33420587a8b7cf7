/**
 * Previews before anything is saved or sent, in the served window (real serve, real Chromium):
 * while excludes are typed, each rule says how many entries of the real source folder it hides,
 * with the first names; a rule that hides nothing says so. Before a new profile is saved, a dry
 * run against a real daemon lists what its first sync would send and delete, and the backup is
 * unchanged by it.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { snapshot } from '../support/trees.ts';
import { chromiumAvailable, startBrowserSession, type BrowserSession } from './support/browser-session.ts';

let work: string;
let source: string;
let session: BrowserSession;
let daemon: LocalDaemon;

beforeAll(async () => {
  if (!chromiumAvailable) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-e2e-preview-'));
  source = path.join(work, 'Projects');
  await mkdir(path.join(source, 'app/node_modules/lib'), { recursive: true });
  for (let i = 0; i < 12; i++) await writeFile(path.join(source, 'app/node_modules/lib', `m${i}.js`), 'x');
  await writeFile(path.join(source, 'app/main.ts'), 'x');
  await writeFile(path.join(source, 'app/notes.tmp'), 'x');
  daemon = await startLocalDaemon({ rootDir: path.join(work, 'daemon'), modules: [{ name: 'backup' }] });
  // The backup holds someone's older files: the first sync would delete them.
  await mkdir(path.join(daemon.modules.backup!, 'old-site'), { recursive: true });
  for (let i = 0; i < 3; i++) await writeFile(path.join(daemon.modules.backup!, 'old-site', `page${i}.html`), 'x');
  const configFile = path.join(work, 'config', 'config.json');
  await mkdir(path.dirname(configFile), { recursive: true });
  session = await startBrowserSession(configFile);
}, 120_000);

afterAll(async () => {
  await session?.dispose();
  await daemon?.dispose();
  if (work) await rm(work, { recursive: true, force: true });
}, 30_000);

describe.skipIf(!chromiumAvailable)('previews in the window', () => {
  it('shows what each exclude rule hides in the source folder while it is typed', async () => {
    const { page } = session;
    await page.goto(`${session.origin}/#/new`);
    await page.getByRole('heading', { name: 'New profile' }).waitFor();
    await page.fill('#f-source', source);
    await page.fill('#f-excludes', 'node_modules/\n*.tmp\n*.bak');
    const preview = page.getByTestId('exclude-preview');
    // node_modules/, lib/ and its 12 files.
    await preview.locator('li[data-pattern="node_modules/"]', { hasText: 'hides 14 entries' }).waitFor();
    expect(await preview.locator('li[data-pattern="node_modules/"]').textContent()).toContain('app/node_modules/');
    expect(await preview.locator('li[data-pattern="*.tmp"]').textContent()).toMatch(/hides 1 entry\b.*app\/notes\.tmp/);
    expect(await preview.locator('li[data-pattern="*.bak"]').textContent()).toContain('hides nothing here');
    // Typing changes the answer.
    await page.fill('#f-excludes', '*.ts');
    await preview.locator('li[data-pattern="*.ts"]', { hasText: 'hides 1 entry' }).waitFor();
    await preview.scrollIntoViewIfNeeded();
    await session.shot('preview-excludes');
    expect(session.problems).toEqual([]);
  });

  it('previews what the first sync would send and delete, before the profile is saved', async () => {
    const { page } = session;
    const before = await snapshot(daemon.modules.backup!);
    await page.fill('#f-name', 'projects');
    await page.fill('#f-excludes', 'node_modules/');
    await page.fill('#t0-host', '127.0.0.1');
    await page.fill('#t0-port', String(daemon.port));
    await page.fill('#t0-module', 'backup');
    await page.fill('#t0-user', daemon.user);
    await page.fill('#t0-password', daemon.password);
    await page.getByRole('button', { name: 'Preview the sync' }).click();
    const target = page.locator('.preview-target');
    // app/, app/main.ts, app/notes.tmp (node_modules/ is excluded); old-site/ and its 3 pages.
    await target.getByText('Would send 3 entries').waitFor();
    expect(await target.locator('.preview-summary').textContent()).toMatch(
      /delete 4 entries on the backup, moved into/,
    );
    expect(await target.locator('.preview-deletes li').allTextContents()).toEqual(
      expect.arrayContaining(['old-site/', 'old-site/page0.html']),
    );
    await page.getByLabel('Find a name').fill('page1');
    expect(await target.locator('.preview-deletes li').allTextContents()).toEqual(['old-site/page1.html']);
    await target.scrollIntoViewIfNeeded();
    await session.shot('preview-first-sync');
    expect(await snapshot(daemon.modules.backup!)).toEqual(before);
    // Changing the form drops the preview: it was of other fields.
    await page.fill('#f-excludes', '');
    await target.waitFor({ state: 'detached' });
    expect(session.problems).toEqual([]);
  });
});
