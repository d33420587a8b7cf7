/**
 * The transfer display and server health, end to end in the window served by `rsync-tray serve`:
 * a profile's first full sync of 8 MiB at 1 MiB/s shows files and bytes of its totals (counted
 * before it ran) and the time left; a profile with a 1 MiB/s limit sends a few MiB to a real rsync
 * daemon; mid-transfer its card shows files done of total, bytes done of total, the time left, a
 * rate never above the limit, and the rate graph; each target says it is reachable and when it was
 * last contacted, without repeating what the card says (state, last sync). A file
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
/** A profile whose first full sync takes seconds: 8 files of 1 MiB at 1 MiB/s. */
const ARCHIVE = 'archive';
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
  // Two targets on one daemon: "backup" takes everything, "strict" refuses one name; the archive
  // profile has a module of its own.
  daemon = await startLocalDaemon({
    rootDir: path.join(work, 'daemon'),
    modules: [{ name: 'backup' }, { name: 'strict', extra: [`exclude = /${REFUSED}`] }, { name: 'archive' }],
  });
  source = path.join(work, 'Media');
  await mkdir(source, { recursive: true });
  await writeFile(path.join(source, 'readme.txt'), 'media folder\n');
  const archive = path.join(work, 'Archive');
  await mkdir(archive, { recursive: true });
  for (let i = 0; i < 8; i++) await writeFile(path.join(archive, `part-${i}.bin`), Buffer.alloc(MiB, i + 7));
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
        {
          name: ARCHIVE,
          source: archive,
          fullSyncIntervalMinutes: 0,
          bandwidthLimit: '1M',
          targets: [
            {
              host: '127.0.0.1',
              port: daemon.port,
              module: 'archive',
              user: daemon.user,
              auth: { type: 'passwordFile', path: daemon.passwordFile },
            },
          ],
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
  it('a first full sync says files and bytes of its totals and the time left, as a batch does', async () => {
    const full = session.card(ARCHIVE).getByRole('list', { name: 'Transfer' });
    await full.getByText(/^\d of 8 files$/).waitFor({ timeout: 15_000 });
    await full.getByText(/^[\d.]+ (B|KiB|MiB) of 8\.\d MiB$/).waitFor({ timeout: 10_000 });
    // One target: the card's line says the percentage, the rate and the time left; the panel not again.
    const line = session.card(ARCHIVE).locator('.card-now');
    await line.getByText(/^Full sync · \d+ % · .* left$/).waitFor({ timeout: 10_000 });
    expect(await full.getByText(/left$|\/s$/).count()).toBe(0);
    const bar = session.card(ARCHIVE).getByRole('progressbar');
    expect(Number(await bar.getAttribute('aria-valuenow')), 'a percentage of the total').toBeGreaterThan(0);
    await session.shot('transfer-full-sync');
    await session.page.setViewportSize({ width: 800, height: 600 });
    await session.card(ARCHIVE).scrollIntoViewIfNeeded();
    await session.shot('transfer-full-sync-800x600');
    await session.page.setViewportSize({ width: 1280, height: 860 });
    await session.waitForBadge(ARCHIVE, 'Current', 30_000);
  });

  it('a target says it is reachable and when it was last contacted, and not what the card says', async () => {
    await session.waitForBadge(PROFILE, 'Current');
    await panel('strict').getByText('reachable', { exact: true }).waitFor();
    await panel().getByText('reachable', { exact: true }).waitFor();
    await panel()
      .getByText(/last contact (just now|\d+ s ago)/)
      .waitFor();
    const card = session.card(PROFILE);
    await card
      .locator('.facts')
      .getByText(/^(just now|\d+ s ago)$/)
      .waitFor();
    // The card's "Last synced" is the older target's: only a target synced later says its own.
    const own = card.locator('.target-panel').getByText(/last synced (just now|\d+ s ago) \(\d\d:\d\d\)/);
    expect(await own.count(), 'at most the target that synced after the other').toBeLessThanOrEqual(1);
    // Both targets are as current as the profile: no badge of their own, no table saying it again.
    expect(await card.locator('.target-panel .badge').count()).toBe(0);
    expect(await card.locator('table').count()).toBe(0);
    // A profile with one target: its panel never repeats the card's last sync.
    await session.card(ARCHIVE).locator('.target-panel').getByText('reachable', { exact: true }).waitFor();
    expect(
      await session
        .card(ARCHIVE)
        .locator('.target-panel')
        .getByText(/last synced/)
        .count(),
    ).toBe(0);
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
    await panel('strict').scrollIntoViewIfNeeded();
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
