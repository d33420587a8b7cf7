/**
 * The sersync import preview, end to end in the window served by `rsync-tray serve`: a
 * confxml.xml in sersync's own layout (its sample's every section, pointed at a real daemon)
 * previews every setting it carried over, each with its line in the file, and lists what it did
 * not carry over with why (-u, -H, <failLog>, <inotify> event filters, plugins, <ssh>, …). The
 * preview fits its card at 800×600, light and dark; importing it makes the profile, which syncs.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { poll } from '../support/sync-fixture.ts';
import { treesEqual } from '../support/trees.ts';
import { chromiumAvailable, startBrowserSession, type BrowserSession } from './support/browser-session.ts';
import { daemonTarget } from './support/e2e-config.ts';

let work: string;
let daemon: LocalDaemon;
let source: string;
let session: BrowserSession;
let xml: string;

beforeAll(async () => {
  if (!chromiumAvailable) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-e2e-sersync-'));
  daemon = await startLocalDaemon({ rootDir: path.join(work, 'daemon'), modules: [{ name: 'tongbu' }] });
  source = path.join(work, 'srv', 'tongbu');
  await mkdir(path.join(source, 'info'), { recursive: true });
  await writeFile(path.join(source, 'index.html'), '<h1>site</h1>\n');
  await writeFile(path.join(source, 'info', 'skipped.txt'), 'excluded by ^info/*\n');
  xml = path.join(work, 'confxml.xml');
  await writeFile(
    xml,
    `<?xml version="1.0" encoding="ISO-8859-1"?>
<head version="2.5">
    <host hostip="localhost" port="8008"></host>
    <debug start="false"/>
    <fileSystem xfs="false"/>
    <filter start="true">
	<exclude expression="(.*)\\.svn"></exclude>
	<exclude expression="^info/*"></exclude>
    </filter>
    <inotify>
	<delete start="true"/>
	<createFolder start="true"/>
	<createFile start="false"/>
	<closeWrite start="true"/>
	<moveFrom start="true"/>
	<moveTo start="true"/>
	<attrib start="false"/>
	<modify start="false"/>
    </inotify>
    <sersync>
	<localpath watch="${source}">
	    <remote ip="127.0.0.1" name="tongbu"/>
	    <!--<remote ip="192.168.8.40" name="tongbu"/>-->
	</localpath>
	<rsync>
	    <commonParams params="-artuzH --bwlimit=5000"/>
	    <auth start="true" users="${daemon.user}" passwordfile="${daemon.passwordFile}"/>
	    <userDefinedPort start="true" port="${daemon.port}"/>
	    <timeout start="true" time="100"/>
	    <ssh start="false"/>
	</rsync>
	<failLog path="/tmp/rsync_fail_log.sh" timeToExecute="60"/>
	<crontab start="true" schedule="600">
	    <crontabfilter start="false">
		<exclude expression="*.php"></exclude>
	    </crontabfilter>
	</crontab>
	<plugin start="false" name="command"/>
    </sersync>
    <plugin name="command">
	<param prefix="/bin/sh" suffix="" ignoreError="true"/>
    </plugin>
</head>
`,
  );
  // One profile already, with a misspelt module: its card says which module the daemon has.
  const typo = path.join(work, 'typo');
  await mkdir(typo, { recursive: true });
  const configFile = path.join(work, 'config', 'config.json');
  await mkdir(path.dirname(configFile), { recursive: true });
  await writeFile(
    configFile,
    JSON.stringify({
      version: 2,
      profiles: [
        {
          name: 'typo',
          source: typo,
          fullSyncIntervalMinutes: 0,
          targets: [daemonTarget(daemon, 'tongbo')],
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

const mapping = () => session.page.getByRole('region', { name: 'How “tongbu” was read from confxml.xml' });

/** Field name → "value … from" as the preview shows it. */
async function fields(): Promise<Record<string, string>> {
  const rows = mapping().locator('.mapping-row');
  const out: Record<string, string> = {};
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    out[(await row.locator('dt').innerText()).trim()] = (await row.locator('dd').innerText()).replace(/\s+/g, ' ');
  }
  return out;
}

describe.skipIf(!chromiumAvailable)('the sersync import preview', () => {
  it('a misspelt module: the card names the one the daemon lists, as code, without backticks', async () => {
    const note = session.card('typo').locator('.error-note');
    await note.getByText('Did you mean').waitFor({ timeout: 20_000 });
    expect((await note.locator('.error-message').innerText()).trim()).toBe(
      `Unknown module tongbo on 127.0.0.1:${daemon.port}. Did you mean tongbu?`,
    );
    expect(await note.locator('.error-message code').allInnerTexts()).toEqual(['tongbo', 'tongbu']);
    expect(await note.locator('.error-hint code').allInnerTexts()).toEqual(['tongbu']);
    await session.shot('unknown-module-card');
  });

  it('shows every setting it carried over, with the line it came from', async () => {
    await session.go('Import & export');
    await session.page.setInputFiles('input[type="file"]', xml);
    await session.page.getByText('Will be imported: 1 profile').waitFor();
    await mapping().waitFor();
    const shown = await fields();
    expect(Object.keys(shown)).toEqual([
      'Name',
      'Source',
      'Target host',
      'Target port',
      'Target module',
      'Target user',
      'Target password',
      'Bandwidth limit',
      'Compression',
      'Excludes',
      'Deletions',
      'Full sync',
      'Timeout',
      'Quiet time (debounce)',
    ]);
    expect(shown).toMatchObject({
      Source: `${source} line 21 <localpath watch>`,
      'Target host': '127.0.0.1 line 22 <remote ip>',
      'Target port': `${daemon.port} line 28 <userDefinedPort port>`,
      'Target module': 'tongbu line 22 <remote name>',
      'Target user': `${daemon.user} line 27 <auth users>`,
      'Target password': `password file ${daemon.passwordFile} line 27 <auth passwordfile>`,
      'Bandwidth limit': '5000K = 5000 KiB/s = 5,120,000 bytes per second line 26 <commonParams params --bwlimit>',
      Compression: 'on line 26 <commonParams params> (-z)',
      Excludes: '2 patterns: *.svn, /info lines 7, 8 <exclude expression>',
      Deletions: 'made on the backup too line 11 <delete start>',
      'Full sync': 'every 600 min line 33 <crontab schedule>',
      Timeout: '100 s line 29 <timeout time>',
    });
    expect(shown['Quiet time (debounce)']).toMatch(/^5 ms sersync has no such setting/);
  });

  it('lists what it did not carry over, each with why', async () => {
    const items = await mapping().locator('.mapping-dropped li').allInnerTexts();
    const what = items.map((t) => t.split(/\s+\(line \d+/)[0]!.trim());
    expect(what).toEqual([
      '-u',
      '-H',
      '<inotify><createFile start="false"/>',
      '<inotify><attrib start="false"/>',
      '<inotify><modify start="false"/>',
      '<ssh start="false">',
      '<failLog path="/tmp/rsync_fail_log.sh">',
      '<crontabfilter start="false">',
      '<plugin name="command">',
      '<plugin name="command">',
      '<host>',
      '<debug>',
      '<fileSystem>',
    ]);
    expect(items[0]).toContain('a file changed on the backup is overwritten, not kept because it is newer');
    expect(items[1]).toContain('Hard links are not preserved');
    expect(items[6]).toContain('Rsync Tray retries a failed run itself');
    // Code spans in a reason are code, not backticks.
    expect(items.join('\n')).not.toContain('`');
    await mapping().getByText('Not carried over: 13 items').waitFor();
  });

  it('fits its card at 800×600, light and dark, and at 1280×800', async () => {
    const { page } = session;
    const overflow = () =>
      page.evaluate(() => {
        interface Box {
          tagName: string;
          className: string;
          scrollWidth: number;
          clientWidth: number;
          getBoundingClientRect(): { right: number };
          closest(selector: string): Box;
          querySelectorAll(selector: string): Iterable<Box>;
        }
        const doc = (globalThis as unknown as { document: { documentElement: Box; querySelector(s: string): Box } })
          .document;
        const card = doc.querySelector('.import-preview').closest('.card');
        // Any element of the preview reaching past the card's right edge is a cut column.
        const cut = [...card.querySelectorAll('.import-preview *')].filter(
          (e) => e.getBoundingClientRect().right > card.getBoundingClientRect().right + 1,
        );
        return {
          card: card.scrollWidth - card.clientWidth,
          page: doc.documentElement.scrollWidth - doc.documentElement.clientWidth,
          cut: cut.map((e) => `${e.tagName}.${e.className}`).slice(0, 5),
        };
      });
    await page.setViewportSize({ width: 1280, height: 800 });
    await mapping().scrollIntoViewIfNeeded();
    expect(await overflow()).toEqual({ card: 0, page: 0, cut: [] });
    await session.shot('import-sersync-1280');
    await page.setViewportSize({ width: 800, height: 600 });
    expect(await overflow()).toEqual({ card: 0, page: 0, cut: [] });
    await page.locator('.preview-table').scrollIntoViewIfNeeded();
    await session.shot('import-sersync-800-summary');
    await mapping().scrollIntoViewIfNeeded();
    await session.shot('import-sersync-800');
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await overflow()).toEqual({ card: 0, page: 0, cut: [] });
    await session.shot('import-sersync-800-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('imports the profile, which syncs with what the preview said', async () => {
    await session.page.getByRole('button', { name: 'Import 1 profile' }).click();
    await session.page.getByText('Created: tongbu.').waitFor();
    await session.go('Profiles');
    await session.waitForBadge('tongbu', 'Current');
    // ^info/* became /info: everything else is mirrored, info/ is not.
    const notInfo = (rel: string) => rel === 'info' || rel.startsWith('info/');
    await poll(
      async () => ((await treesEqual(source, daemon.modules.tongbu!, notInfo)).length === 0 ? true : undefined),
      15_000,
      async () => (await treesEqual(source, daemon.modules.tongbu!, notInfo)).join('\n'),
    );
    expect(existsSync(path.join(daemon.modules.tongbu!, 'info'))).toBe(false);
    expect(session.problems).toEqual([]);
  });
});
