/**
 * The transfer display and server health, end to end in the window served by `rsync-tray serve`:
 * a profile with a 1 MiB/s limit sends a few MiB to a real rsync daemon; mid-transfer its card
 * shows files done of total, bytes done of total, the time left, a rate never above the limit,
 * and the rate graph; each target says it is reachable and when it was last contacted. A file
 * a daemon refuses is named as failed on its target. With the daemon stopped, the next batch fails and the
 * card says since when the server is unreachable.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { chromiumAvailable, startBrowserSession, type BrowserSession } from './support/browser-session.ts';

const PROFILE = 'media';
const MiB = 1024 ** 2;
/** A name the daemon's module will not take. */
const REFUSED = 'secret.txt';
const UNIT: Record<string, number> = { B: 1, KiB: 1024, MiB, GiB: 1024 * MiB };

let work: string;
let daemon: LocalDaemon;
let source: string;
let session: BrowserSession;

beforeAll(async () => {
  if (!chromiumAvailable) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-e2e-transfer-'));
  // Two targets on one daemon: "backup" takes everything, "strict" refuses one name.
  daemon = await startLocalDaemon({
    rootDir: path.join(work, 'daemon'),
    modules: [{ name: 'backup' }, { name: 'strict', extra: [`exclude = /${REFUSED}`] }],
  });
  source = path.join(work, 'Media');
  await mkdir(source, { recursive: true });
  await writeFile(path.join(source, 'readme.txt'), 'media folder\n');
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
          bandwidthLimit: '1M',
          targets: ['backup', 'strict'].map((module) => ({
            host: '127.0.0.1',
            port: daemon.port,
            module,
            user: daemon.user,
            auth: { type: 'passwordFile', path: daemon.passwordFile },
          })),
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

const panel = (module = 'backup') => session.card(PROFILE).locator(`section.target-panel[data-target$="/${module}"]`);
const facts = () => panel().getByRole('list', { name: 'Transfer' });

describe.skipIf(!chromiumAvailable)('transfer display and server health in the window', () => {
  it('a target says it is reachable and when it was last contacted', async () => {
    await session.waitForBadge(PROFILE, 'Current');
    await panel('strict').getByText('reachable', { exact: true }).waitFor();
    await panel().getByText('reachable', { exact: true }).waitFor();
    await panel()
      .getByText(/last contact (just now|\d+ s ago)/)
      .waitFor();
    await panel()
      .getByText(/last synced (just now|\d+ s ago) \(\d\d:\d\d\)/)
      .waitFor();
  });

  it('mid-transfer: files and bytes done of total, time left, a rate within the limit, the graph', async () => {
    // 6 files of 1 MiB at 1 MiB/s: about 6 s in one batch.
    for (let i = 0; i < 6; i++) await writeFile(path.join(source, `clip-${i}.bin`), Buffer.alloc(MiB, i + 1));
    await facts()
      .getByText(/^\d of \d+ files$/)
      .waitFor({ timeout: 15_000 });
    await facts()
      .getByText(/^[\d.]+ (KiB|MiB) of [\d.]+ MiB$/)
      .waitFor({ timeout: 10_000 });
    const rate = await facts()
      .getByText(/^[\d.,]+ (B|KiB|MiB|GiB)\/s$/)
      .textContent({ timeout: 10_000 });
    const [, n, unit] = /^([\d.,]+) (\w+)\/s$/.exec(rate!)!;
    expect(Number(n!.replace(/,/g, '')) * UNIT[unit!]!, `shown: ${rate}`).toBeLessThanOrEqual(1.05 * MiB);
    await facts().getByText(/left$/).waitFor({ timeout: 10_000 });
    await panel()
      .getByRole('img', { name: /^Rate to .*peak/ })
      .waitFor();
    await session.shot('transfer-mid');
    await session.page.emulateMedia({ colorScheme: 'dark' });
    await session.shot('transfer-mid-dark');
    await session.page.emulateMedia({ colorScheme: 'light' });
    await session.page.setViewportSize({ width: 800, height: 600 });
    await session.shot('transfer-mid-800x600');
    await session.page.setViewportSize({ width: 1280, height: 860 });
  });

  it('after the transfer the graph of the last minutes stays', async () => {
    await session.waitForBadge(PROFILE, 'Current', 30_000);
    expect(await facts().count()).toBe(0);
    await panel()
      .getByRole('img', { name: /^Rate to .*peak [\d.,]+ (KiB|MiB)\/s/ })
      .waitFor();
    await session.shot('transfer-done');
  });

  it('a file a daemon refuses is named as failed on its target', async () => {
    // The "strict" module excludes the name: its every run says "daemon refused to receive file" (exit 23).
    await writeFile(path.join(source, REFUSED), 'kept off the strict backup\n');
    const failed = panel('strict').locator('details.failed-items');
    await failed.getByText(`1 file could not be sent: ${REFUSED}`).waitFor({ timeout: 15_000 });
    await failed.locator('summary').click();
    await failed.getByRole('listitem').filter({ hasText: REFUSED }).waitFor();
    expect(await panel('backup').locator('details.failed-items').count(), 'the other target took it').toBe(0);
    await session.shot('transfer-failed-items');
  });

  it('with the daemon stopped, the target says since when it is unreachable', async () => {
    await daemon.stop();
    await writeFile(path.join(source, 'late.txt'), 'written while the server is away\n');
    await panel()
      .getByText(/^unreachable since \d\d:\d\d \((just now|\d+ s ago)\)$/)
      .waitFor({ timeout: 20_000 });
    await panel()
      .getByText(/last contact/)
      .waitFor();
    await session.shot('transfer-unreachable');
    expect(session.problems).toEqual([]);
  });
});
