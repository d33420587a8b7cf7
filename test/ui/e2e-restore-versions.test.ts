/**
 * The safety net's versions and disaster recovery in the window (issue 16), against a real rsync
 * daemon and the window `rsync-tray serve` serves: a profile with keepDeletedDays > 0 whose backup
 * keeps two older versions of a report and an old large file. From the Versions panel an old
 * version goes back to its place over the local file (the conflict step asks), another beside it
 * (keep both); a served window offers no other folder (serve refuses one) and says how to get
 * one; a file's history is one view; a large kept file restored under the profile's bandwidth
 * limit shows its progress (amount, rate) — the restore event travelling engine → serve →
 * WebSocket → store → screen. Then the new-machine path: the paused profile pointed at an empty
 * folder gets the whole backup back from the window, is resumed, and mirrors on. The backup's
 * bytes are compared before and after every step; serve's output never holds the password.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { byteSnapshot, diffByteTrees, type ByteTree } from '../support/byte-trees.ts';
import { chromiumAvailable, startBrowserSession, type BrowserSession } from './support/browser-session.ts';
import { daemonTarget } from './support/e2e-config.ts';

const PROFILE = 'ledger';
const OLD = '2026-11-28';
const NEWER = '2026-11-30';
const BIG = 1536 * 1024;
let work: string;
let daemon: LocalDaemon;
let source: string;
let backup: string;
let session: BrowserSession;
let mirrored: ByteTree;

beforeAll(async () => {
  if (!chromiumAvailable) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-e2e-versions-'));
  daemon = await startLocalDaemon({ rootDir: path.join(work, 'daemon'), modules: [{ name: 'backup' }] });
  backup = daemon.modules.backup!;
  // What earlier syncs kept: two older reports and a large file deleted since.
  const kept = (day: string, rel: string, data: string | Buffer) =>
    mkdir(path.dirname(path.join(backup, '.rsync-tray-deleted', day, rel)), { recursive: true }).then(() =>
      writeFile(path.join(backup, '.rsync-tray-deleted', day, rel), data),
    );
  await kept(OLD, 'report.txt', 'report, first draft\n');
  await kept(NEWER, 'report.txt', 'report, second draft\n');
  await kept(NEWER, 'archive/big.bin', randomBytes(BIG));
  source = path.join(work, 'Ledger');
  await mkdir(path.join(source, 'sheets'), { recursive: true });
  await writeFile(path.join(source, 'report.txt'), 'report, final\n');
  await writeFile(path.join(source, 'sheets', 'q1.csv'), 'a,b\n1,2\n');
  await writeFile(path.join(source, 'sheets', 'q2.csv'), 'a,b\n3,4\n');
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
          keepDeletedDays: 7,
          // Slow enough that the large file's restore is watched arriving.
          bandwidthLimit: '256K',
          targets: [daemonTarget(daemon)],
        },
      ],
    }),
  );
  session = await startBrowserSession(configFile);
}, 120_000);

afterAll(async () => {
  if (session) {
    expect(session.serveOutput()).not.toContain(daemon.password);
    expect(await session.dispose()).toBe(0);
  }
  await daemon?.dispose();
  if (work) await rm(work, { recursive: true, force: true });
}, 30_000);

const backupUnchanged = async () => expect(diffByteTrees(mirrored, await byteSnapshot(backup))).toEqual([]);
const screen = () => session.page.locator('main');
const row = (name: string) => screen().locator('tbody tr', { hasText: name });
const flow = () => screen().locator('.restore-flow');
/** The preview's sentence, once it came (its text in a failure says what it was instead). */
const previewSaid = async () => {
  const p = flow().locator('.restore-preview');
  await p.waitFor({ timeout: 20_000 }).catch(async () => {
    throw new Error(`no preview; the restore step says: ${await flow().textContent()}`);
  });
  return p.textContent();
};
const result = async (shot: string) => {
  await screen()
    .locator('.restore-result')
    .waitFor({ timeout: 30_000 })
    .catch(async (e) => {
      await session.shot(`${shot}-failed`);
      throw e;
    });
};

describe.skipIf(!chromiumAvailable)('versions, history and the whole profile, in the window', () => {
  it('mirrors, then is paused so what comes back stays local', async () => {
    await session.waitForBadge(PROFILE, 'Current', 30_000);
    mirrored = await byteSnapshot(backup);
    expect([...mirrored.keys()]).toContain(`.rsync-tray-deleted/${OLD}/report.txt`);
    await session.card(PROFILE).getByRole('button', { name: 'Pause' }).click();
    await session.waitForBadge(PROFILE, 'Paused');
    await writeFile(path.join(source, 'scratch.txt'), 'only on this machine\n');
  });

  it('a file only here has no history to show; one on the backup does, in one view', async () => {
    await session.card(PROFILE).getByRole('link', { name: 'Restore…' }).click();
    await screen().getByRole('heading', { name: 'Restore' }).waitFor();
    await row('scratch.txt').getByText('Only here').waitFor();
    expect(
      await row('scratch.txt')
        .getByRole('button', { name: /History/ })
        .count(),
    ).toBe(0);
    await row('report.txt').getByRole('button', { name: 'History of report.txt' }).click();
    await screen().getByRole('heading', { name: 'History of report.txt' }).waitFor();
    await screen()
      .getByText(/^On the backup now: /)
      .waitFor();
    expect(await screen().locator('tbody tr').allTextContents()).toEqual([
      expect.stringContaining(NEWER),
      expect.stringContaining(OLD),
    ]);
    await session.shot('restore-versions-10-history');
    await backupUnchanged();
  });

  it('an old version back to its place, over the local file after asking', async () => {
    await row(OLD)
      .getByRole('button', { name: `Restore… report.txt of ${OLD}` })
      .click();
    await flow()
      .getByRole('heading', { name: `Restore 1 item as of ${OLD}` })
      .waitFor();
    await flow().getByRole('button', { name: 'Show what would change' }).click();
    await flow().getByText('1 local file differs from the backup').waitFor();
    await flow()
      .getByRole('radio', { name: /Overwrite/ })
      .check();
    await session.shot('restore-versions-20-conflict');
    await flow().getByRole('button', { name: 'Restore', exact: true }).click();
    await result('restore-versions-21');
    await session.shot('restore-versions-21-done');
    expect(await readFile(path.join(source, 'report.txt'), 'utf8')).toBe('report, first draft\n');
    await flow().getByRole('button', { name: 'Done' }).click();
    await backupUnchanged();
  });

  it('another version beside the local file (keep both); a served window offers no other folder', async () => {
    await row(NEWER)
      .getByRole('button', { name: `Restore… report.txt of ${NEWER}` })
      .click();
    await flow()
      .getByRole('heading', { name: `Restore 1 item as of ${NEWER}` })
      .waitFor();
    // serve refuses another folder (serve-policy.ts): the window does not offer one, and says how.
    expect(await flow().getByRole('radio', { name: 'Into another folder' }).count()).toBe(0);
    await flow()
      .getByText(/run rsync-tray restore --profile ledger --to DIR on that machine/)
      .waitFor();
    await session.shot('restore-versions-30-where');
    await flow().getByRole('button', { name: 'Show what would change' }).click();
    await flow().getByText('1 local file differs from the backup').waitFor();
    await flow()
      .getByRole('radio', { name: /Keep both/ })
      .check();
    await flow().getByRole('button', { name: 'Restore', exact: true }).click();
    await result('restore-versions-31');
    await flow().getByText('Kept both:').waitFor();
    await session.shot('restore-versions-31-kept-both');
    expect(await readFile(path.join(source, 'report.txt'), 'utf8')).toBe('report, first draft\n');
    const copies = (await readdir(source)).filter((n) => n.startsWith('report (restored '));
    expect(copies).toHaveLength(1);
    expect(await readFile(path.join(source, copies[0]!), 'utf8')).toBe('report, second draft\n');
    await flow().getByRole('button', { name: 'Done' }).click();
    await backupUnchanged();
  });

  it('versions are searchable; a large one shows its progress while it arrives', async () => {
    await screen().getByRole('button', { name: 'All versions' }).click();
    await screen().getByRole('searchbox', { name: 'Search by name' }).fill('big');
    await row('archive/big.bin').waitFor();
    await row('report.txt')
      .first()
      .waitFor({ state: 'detached', timeout: 10_000 })
      .catch(async () => {
        const search = await screen().getByRole('searchbox').inputValue();
        throw new Error(
          `search "${search}" shows: ${(await screen().locator('tbody tr').allTextContents()).join(' | ')}`,
        );
      });
    expect(await screen().locator('tbody tr').count()).toBe(1);
    await session.shot('restore-versions-40-search');
    await row('archive/big.bin')
      .getByRole('button', { name: /^Restore…/ })
      .click();
    await flow().getByRole('button', { name: 'Show what would change' }).click();
    expect(await previewSaid()).toMatch(/^\d+ entr(y|ies) to create/);
    await flow().getByRole('button', { name: 'Restore', exact: true }).click();
    // The restore event reached this window: an amount received and a measured rate.
    const progress = flow().locator('.restore-progress');
    await progress.filter({ hasText: /\d.*\/s/ }).waitFor({ timeout: 20_000 });
    expect(await progress.textContent()).toMatch(/(received|of) /);
    await session.shot('restore-versions-41-progress');
    await result('restore-versions-42');
    expect((await readFile(path.join(source, 'archive', 'big.bin'))).length).toBe(BIG);
    await flow().getByRole('button', { name: 'Done' }).click();
    await backupUnchanged();
  });

  it('a new machine: the profile pointed at an empty folder gets everything back, then mirrors on', async () => {
    const fresh = path.join(work, 'New machine', 'Ledger');
    await mkdir(fresh, { recursive: true });
    // Still paused (a pause outlives an edit): nothing runs from the empty folder meanwhile.
    await session.page.evaluate(
      (hash) => ((globalThis as unknown as { location: { hash: string } }).location.hash = hash),
      `#/edit/${PROFILE}`,
    );
    await session.page.locator('#f-source').fill(fresh);
    await session.page.getByRole('button', { name: 'Save profile' }).first().click();
    await session.page.getByRole('heading', { name: 'Profiles' }).waitFor();
    await session.waitForBadge(PROFILE, 'Paused');
    await session.card(PROFILE).getByRole('link', { name: 'Restore…' }).click();
    await screen().getByRole('button', { name: 'Restore everything…' }).click();
    await flow().getByRole('heading', { name: 'Restore everything' }).waitFor();
    expect(
      await flow()
        .getByRole('radio', { name: /Into the profile’s folder/ })
        .isChecked(),
    ).toBe(true);
    await flow().getByRole('button', { name: 'Show what would change' }).click();
    expect(await previewSaid()).toMatch(/entries to create .* into .*New machine\/Ledger\.$/);
    await session.shot('restore-versions-50-everything-preview');
    await flow().getByRole('button', { name: 'Restore', exact: true }).click();
    await result('restore-versions-51');
    await session.shot('restore-versions-51-everything-done');
    const content = new Map([...mirrored].filter(([k]) => !k.startsWith('.rsync-tray-deleted')));
    expect(diffByteTrees(content, await byteSnapshot(fresh))).toEqual([]);
    await backupUnchanged();
    // Resumed: its full sync finds the backup equal to the folder; nothing deleted, nothing sent.
    await session.go('Profiles');
    await session.card(PROFILE).getByRole('button', { name: 'Resume' }).click();
    await session.waitForBadge(PROFILE, 'Current', 30_000);
    await session.shot('restore-versions-52-mirroring-again');
    await backupUnchanged();
    expect(session.problems).toEqual([]);
  }, 90_000);
});
