/**
 * Previews before anything is saved or sent, in the served window (real serve, real Chromium):
 * while excludes are typed, each rule says how many entries of the real source folder it hides,
 * with the first names; a rule that hides nothing says so.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, startBrowserSession, type BrowserSession } from './support/browser-session.ts';

let work: string;
let source: string;
let session: BrowserSession;

beforeAll(async () => {
  if (!chromiumAvailable) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-e2e-preview-'));
  source = path.join(work, 'Projects');
  await mkdir(path.join(source, 'app/node_modules/lib'), { recursive: true });
  for (let i = 0; i < 12; i++) await writeFile(path.join(source, 'app/node_modules/lib', `m${i}.js`), 'x');
  await writeFile(path.join(source, 'app/main.ts'), 'x');
  await writeFile(path.join(source, 'app/notes.tmp'), 'x');
  const configFile = path.join(work, 'config', 'config.json');
  await mkdir(path.dirname(configFile), { recursive: true });
  session = await startBrowserSession(configFile);
}, 120_000);

afterAll(async () => {
  await session?.dispose();
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
});
