/**
 * End to end, as a user does it: `rsync-tray serve` started as the CLI, a real rsync daemon on
 * 127.0.0.1 (auth users + secrets file), and the window in a real Chromium (Debian's, driven by
 * playwright-core). Create a profile through the form, test the connection, watch changes arrive,
 * Sync now, pause/resume, export and re-import, import a sersync confxml.xml, and see malformed
 * imports refused. Screenshots of each screen go to test-results/screenshots/.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { poll } from '../support/sync-fixture.ts';
import {
  chromiumAvailable as available,
  startBrowserSession,
  type BrowserSession,
  type NavItem,
} from './support/browser-session.ts';

let work: string;
let daemon: LocalDaemon;
let source: string;
let webSource: string;
let configFile: string;
let session: BrowserSession;
let page: BrowserSession['page'];
let origin: string;

const backupFile = (name: string) => path.join(daemon.modules.backup!, name);
const shot = (name: string, options?: { tall?: boolean }) => session.shot(name, options);
const card = (name: string) => session.card(name);
const waitForBadge = (name: string, label: string, timeout?: number) => session.waitForBadge(name, label, timeout);
const go = (nav: NavItem) => session.go(nav);

async function waitForFile(file: string, timeoutMs = 15_000): Promise<string> {
  return poll(
    async () => (existsSync(file) ? readFile(file, 'utf8') : undefined),
    timeoutMs,
    () => `${file} never appeared`,
  );
}

beforeAll(async () => {
  if (!available) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-e2e-'));
  daemon = await startLocalDaemon({
    rootDir: path.join(work, 'daemon'),
    modules: [{ name: 'backup' }, { name: 'web' }],
  });
  source = path.join(work, 'Documents');
  webSource = path.join(work, 'www');
  await mkdir(source, { recursive: true });
  await mkdir(webSource, { recursive: true });
  await writeFile(path.join(source, 'hello.txt'), 'hello\n');
  await writeFile(path.join(webSource, 'index.html'), '<h1>site</h1>\n');
  await writeFile(path.join(webSource, 'upload.tmp'), 'partial\n');
  // No config yet: the window starts empty, as on a first run.
  configFile = path.join(work, 'config', 'config.json');
  session = await startBrowserSession(configFile);
  page = session.page;
  origin = session.origin;
}, 120_000);

afterAll(async () => {
  if (session) {
    const code = await session.dispose();
    expect(session.serveOutput()).toContain('SIGTERM: stopping');
    expect(code).toBe(0);
  }
  await daemon?.dispose();
  if (work) await rm(work, { recursive: true, force: true });
}, 30_000);

describe.skipIf(!available)('the window served by rsync-tray serve, in Chromium', () => {
  it('opens with the token, drops it from the address bar, and starts with a helpful empty state', async () => {
    expect(page.url()).toBe(`${origin}/`);
    await page.getByRole('heading', { name: 'No profiles yet' }).waitFor();
    await page.getByRole('link', { name: 'Create the first profile' }).waitFor();
    expect(await page.title()).toBe('No profiles yet — Rsync Tray');
    await shot('01-empty-state');
    // Keyboard: the first Tab stop is the skip link; the next ones reach the navigation.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement && document.activeElement.textContent')).toBe('Skip to content');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement && document.activeElement.textContent')).toBe('Profiles');
  });

  it('creates a profile through the form, testing the connection with a wrong and the right password', async () => {
    await page.getByRole('link', { name: 'Create the first profile' }).click();
    await page.getByRole('heading', { name: 'New profile' }).waitFor();
    await page.fill('#f-name', 'documents');
    await page.fill('#f-source', source);
    await page.fill('#t0-host', '127.0.0.1');
    await page.fill('#t0-port', String(daemon.port));
    await page.fill('#t0-module', 'backup');
    await page.fill('#t0-user', daemon.user);

    // Validation as you type, with the schema's words.
    await page.fill('#f-bandwidth', '5');
    await page.locator('#f-bandwidth-msg', { hasText: 'has no unit' }).waitFor();
    expect(await page.getAttribute('#f-bandwidth', 'aria-invalid')).toBe('true');
    await page.fill('#f-bandwidth', '5M');
    expect(await page.textContent('#f-bandwidth-msg')).toBe('5M = 5 MiB/s = 5,242,880 bytes per second');

    // Wrong password: the daemon is reachable, the login is refused, and the UI says so.
    await page.fill('#t0-password', 'not-the-password');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText('Login or module "backup": failed').waitFor();
    await page.getByText(/Authentication failed for rsynctray@127\.0\.0\.1:\d+\/backup/).waitFor();
    await page.getByText('Daemon reachable, it lists 2 modules').waitFor();
    await shot('02-editor-test-wrong-password', { tall: true });

    // The right one.
    await page.fill('#t0-password', daemon.password);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText('Login and module "backup": OK').waitFor();
    expect(await page.locator('.module-list button').allTextContents()).toEqual(['backup', 'web']);
    await shot('03-editor-test-ok', { tall: true });

    await page.getByRole('button', { name: 'Save profile' }).first().click();
    await page.getByRole('heading', { name: 'Profiles' }).waitFor();
    await waitForBadge('documents', 'Current');
    expect(await waitForFile(backupFile('hello.txt'))).toBe('hello\n');
    expect(await card('documents').textContent()).toContain('5 MiB/s');

    // The password went to the secret store, never into the config.
    const config = await readFile(configFile, 'utf8');
    expect(config).not.toContain(daemon.password);
    expect(JSON.parse(config).profiles[0]).toMatchObject({
      name: 'documents',
      bandwidthLimit: '5M',
      targets: [{ auth: { type: 'secret' } }],
    });
    const secrets = JSON.parse(await readFile(path.join(path.dirname(configFile), 'secrets.json'), 'utf8')) as Record<
      string,
      string
    >;
    expect(secrets[`${daemon.user}@127.0.0.1:${daemon.port}/backup`]).toBe(daemon.password);
    await shot('04-dashboard');
  });

  it('a file change appears as a completed batch in the activity', async () => {
    await writeFile(path.join(source, 'report.txt'), 'quarterly numbers\n');
    expect(await waitForFile(backupFile('report.txt'))).toBe('quarterly numbers\n');
    await go('Activity');
    // The batch that carried the file (a write can also give a second, empty batch).
    const cells = await poll(
      async () => {
        for (const row of await page.locator('tr[data-kind="batch"][data-outcome="ok"]').all()) {
          const texts = await row.locator('td').allTextContents();
          if (texts[2]?.trim().startsWith('1 change → 1 item sent')) return texts;
        }
        return undefined;
      },
      10_000,
      async () => `no batch with 1 file:\n${await page.locator('table.activity.runs').innerText()}`,
    );
    expect(cells[1]).toContain('documents');
    expect(cells[3]).toBe('18 B');
    expect(cells[5]?.trim()).toBe('Done');
    // The first full sync is listed too, and the filter narrows to it.
    await page.getByLabel('Show').selectOption('full');
    await page.locator('tr[data-kind="full"]').first().waitFor();
    expect(await page.locator('tr[data-kind="batch"]').count()).toBe(0);
    await page.getByLabel('Show').selectOption('all');
    await shot('05-activity');
  });

  it('Sync now runs a full sync', async () => {
    await page.getByLabel('Show').selectOption('full');
    const before = await page.locator('tr[data-kind="full"]').count();
    await go('Profiles');
    await card('documents').getByRole('button', { name: 'Sync now' }).click();
    await page.getByText('Full sync of "documents" started.').waitFor();
    await go('Activity');
    await page.getByLabel('Show').selectOption('full');
    await poll(
      async () => ((await page.locator('tr[data-kind="full"]').count()) > before ? true : undefined),
      15_000,
      () => 'no new full sync in the activity',
    );
    await page.getByLabel('Show').selectOption('all');
  });

  it('pause holds changes back, resume sends them', async () => {
    await go('Profiles');
    await card('documents').getByRole('button', { name: 'Pause' }).click();
    await waitForBadge('documents', 'Paused');
    await writeFile(path.join(source, 'while-paused.txt'), 'later\n');
    await card('documents').getByText('1 change').waitFor();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(existsSync(backupFile('while-paused.txt'))).toBe(false);
    expect(await card('documents').getByRole('button', { name: 'Sync now' }).isDisabled()).toBe(true);
    await shot('06-paused');
    await card('documents').getByRole('button', { name: 'Resume' }).click();
    expect(await waitForFile(backupFile('while-paused.txt'))).toBe('later\n');
    await waitForBadge('documents', 'Current');
  });

  it('exports the profile without secrets and imports it again, the name conflict resolved by the user', async () => {
    await go('Import & export');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export 1 profile…' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^rsync-tray-profiles-\d{4}-\d{2}-\d{2}\.json$/);
    const exported = path.join(work, download.suggestedFilename());
    await download.saveAs(exported);
    const text = await readFile(exported, 'utf8');
    expect(text).not.toContain(daemon.password);
    expect(JSON.parse(text)).toMatchObject({
      version: 2,
      profiles: [{ name: 'documents', source, targets: [{ module: 'backup', auth: { type: 'secret' } }] }],
    });

    await page.setInputFiles('input[type="file"]', exported);
    await page.getByText('Will be imported: 1 profile').waitFor();
    await page.getByText('A profile named “documents” exists already').waitFor();
    const importButton = page.getByRole('button', { name: /^Import \d+ profiles?$/ });
    expect(await importButton.isDisabled()).toBe(true);
    await shot('07-import-conflict');
    await page.getByLabel('Keep both (the imported one gets a new name)').check();
    await importButton.click();
    // Both copies would mirror into the same backup folder and delete each other's files: the
    // import is refused whole, with both profiles named, and nothing is created.
    await page
      .getByText(/Profile "documents \(2\)" target 1 .* is the same backup folder as profile "documents"/)
      .waitFor();
    await go('Profiles');
    await card('documents').waitFor();
    expect(await card('documents (2)').count()).toBe(0);
  });

  it('imports a sersync confxml.xml', async () => {
    const xml = path.join(work, 'confxml.xml');
    await writeFile(
      xml,
      `<?xml version="1.0" encoding="ISO-8859-1"?>
<head version="2.5">
  <filter start="true">
    <exclude expression="(.*)\\.tmp"></exclude>
  </filter>
  <inotify><delete start="true"/></inotify>
  <sersync>
    <localpath watch="${webSource}">
      <remote ip="127.0.0.1" name="web"/>
      <!--<remote ip="192.168.8.40" name="web"/>-->
    </localpath>
    <rsync>
      <commonParams params="-artuz"/>
      <auth start="true" users="${daemon.user}" passwordfile="${daemon.passwordFile}"/>
      <userDefinedPort start="true" port="${daemon.port}"/>
      <timeout start="true" time="100"/>
      <ssh start="false"/>
    </rsync>
    <crontab start="true" schedule="30"/>
  </sersync>
</head>
`,
    );
    await go('Import & export');
    await page.setInputFiles('input[type="file"]', xml);
    await page.getByText('Will be imported: 1 profile').waitFor();
    const row = page.locator('.preview-table tbody tr');
    expect(await row.locator('td').first().textContent()).toBe('www');
    expect(await row.textContent()).toContain(`rsync://${daemon.user}@127.0.0.1:${daemon.port}/web/`);
    expect(await row.textContent()).toContain('1 exclude: *.tmp');
    expect(await row.textContent()).toContain('full sync every 30 min');
    expect(await page.getByLabel('Format').inputValue()).toBe('sersync');
    await shot('08-import-sersync');
    await page.getByRole('button', { name: 'Import 1 profile' }).click();
    await page.getByText('Created: www.').waitFor();

    await go('Profiles');
    await waitForBadge('www', 'Current');
    expect(await waitForFile(path.join(daemon.modules.web!, 'index.html'))).toBe('<h1>site</h1>\n');
    expect(existsSync(path.join(daemon.modules.web!, 'upload.tmp'))).toBe(false);
    await shot('09-dashboard-two-profiles');
  });

  it('refuses a malformed import with a precise message, and imports nothing', async () => {
    await go('Import & export');
    const broken = path.join(work, 'broken-confxml.xml');
    await writeFile(
      broken,
      `<head>\n<sersync>\n<localpath watch="${webSource}">\n<remote ip="127.0.0.1" name="web">\n</localpath>\n` +
        `</sersync>\n</head>\n`,
    );
    await page.setInputFiles('input[type="file"]', broken);
    await page.getByText('The file has a problem; nothing can be imported until it is fixed:').waitFor();
    await page
      .getByText('line 5: </localpath> closes <remote>, which was opened on line 4', { exact: false })
      .waitFor();
    expect(await page.getByRole('button', { name: 'Import', exact: true }).isDisabled()).toBe(true);
    await shot('10-import-malformed-xml');

    const badFields = path.join(work, 'bad-fields.json');
    await writeFile(
      badFields,
      JSON.stringify({
        version: 1,
        profiles: [{ name: 'x', source: 'relative/dir', targets: [{ host: 'h', module: 'm', port: 99999 }] }],
      }),
    );
    await page.setInputFiles('input[type="file"]', badFields);
    await page.getByText('The file has 2 problems').waitFor();
    const problems = await page.locator('.problems li').allTextContents();
    expect(problems).toEqual([
      'profiles[0].source (profile "x"): The source folder must be an absolute path, such as /srv/data.',
      'profiles[0].targets[0].port (profile "x"): The port must be a whole number between 1 and 65535.',
    ]);

    const notJson = path.join(work, 'not-json.json');
    await writeFile(notJson, '{"version": 1, "profiles": [');
    await page.setInputFiles('input[type="file"]', notJson);
    await page.getByText(/The file is not valid JSON/).waitFor();

    await go('Profiles');
    // The list renders after the page asks for it: wait for it rather than count at once.
    await expect.poll(() => page.locator('article[data-profile]').count()).toBe(2);
    await new Promise((r) => setTimeout(r, 200));
    expect(await page.locator('article[data-profile]').count()).toBe(2); // and no third appears
  });

  it('settings: the quiet time for new profiles is saved, the rsync program is read-only here; no tray-only controls', async () => {
    await go('Settings');
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    expect(await page.inputValue('#s-rsync')).toBe('rsync');
    expect(await page.inputValue('#s-debounce')).toBe('5');
    // serve has no start at login or notifications: it says so, and offers no checkbox for them.
    await page
      .getByText(
        'Start at login and notifications are settings of the Rsync Tray desktop app, which does not run here.',
      )
      .waitFor();
    expect(await page.locator('main input[type="checkbox"]').count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'This computer' }).count()).toBe(0);
    await shot('11-settings');

    // Validated as typed, with the schema's words; Save waits for a valid form.
    await page.fill('#s-debounce', '70000');
    await page.locator('#s-debounce-msg', { hasText: 'between 0 and 60,000' }).waitFor();
    expect(await page.getByRole('button', { name: 'Save settings' }).isDisabled()).toBe(true);

    // The rsync program is a program to run: the served window shows it but cannot change it
    // (test/ui/e2e-connection.test.ts tries the API too). The rest saves as usual.
    expect(await page.locator('#s-rsync').getAttribute('readonly')).not.toBeNull();
    await page.fill('#s-debounce', '250');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
    await shot('11b-settings-saved');
    const config = JSON.parse(await readFile(configFile, 'utf8')) as { settings: { defaultDebounceMs: number } };
    expect(config.settings.defaultDebounceMs).toBe(250);

    // Kept by the host: a reload shows it, and a new profile starts with that quiet time.
    await page.reload();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    expect(await page.inputValue('#s-debounce')).toBe('250');
    await go('Profiles');
    await waitForBadge('documents', 'Current');
    await page.getByRole('link', { name: 'New profile' }).click();
    await page.getByRole('heading', { name: 'New profile' }).waitFor();
    expect(await page.inputValue('#f-debounce')).toBe('250');
    await page.getByRole('link', { name: 'Cancel' }).click();
  });

  it('the main screens in dark mode', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await go('Profiles');
    await waitForBadge('documents', 'Current');
    await shot('12-dashboard-dark');
    await card('documents').getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('heading', { name: 'Edit “documents”' }).waitFor();
    await page.fill('#t0-port', '99999');
    await page.locator('#t0-port-msg', { hasText: 'between 1 and 65535' }).waitFor();
    await shot('13-editor-dark', { tall: true });
    await page.getByRole('link', { name: 'Cancel' }).click();
    await go('Activity');
    await shot('14-activity-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('the page logged no errors, CSP violations or Vue warnings', () => {
    expect(session.problems).toEqual([]);
  });
});
