/**
 * The mass-deletion guard, end to end in the window: a profile mirrors 30 files to a real rsync
 * daemon; its source folder is emptied (what an unmounted disk looks like); the window says the
 * deletions wait for confirmation, how many and why, and lists what would go: folders with their
 * totals and sizes (read from the backup), searchable, paged. Deleting takes a second step (the
 * count typed back): one click alone deletes nothing. "Keep the files" keeps every file on the
 * backup, pauses the profile and says what Resume does; asked again, the two steps empty it. The
 * verdicts are tree comparisons of the source and the backup.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { heldTotalsPhrase } from '../../electron/shared/presenter.ts';
import { poll } from '../support/sync-fixture.ts';
import { snapshot, treesEqual, type Tree } from '../support/trees.ts';
import { chromiumAvailable, startBrowserSession, type BrowserSession } from './support/browser-session.ts';
import { daemonTarget } from './support/e2e-config.ts';

const PROFILE = 'photos';
const DIRS = ['2023', '2024', '2025'];
const FILES_PER_DIR = 10;

let work: string;
let daemon: LocalDaemon;
let source: string;
let backup: string;
let session: BrowserSession;
/** The backup as it was before the source was emptied. */
let mirrored: Tree;

beforeAll(async () => {
  if (!chromiumAvailable) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-e2e-deletions-'));
  daemon = await startLocalDaemon({ rootDir: path.join(work, 'daemon'), modules: [{ name: 'backup' }] });
  backup = daemon.modules.backup!;
  source = path.join(work, 'Pictures');
  for (const dir of DIRS) {
    await mkdir(path.join(source, dir), { recursive: true });
    for (let i = 0; i < FILES_PER_DIR; i++)
      await writeFile(path.join(source, dir, `img-${i}.jpg`), `picture ${dir}/${i}\n`.repeat(20));
  }
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
          // No periodic full sync: every pass in this test is one the test caused.
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

const card = () => session.card(PROFILE);
const prompt = () => card().getByRole('group', { name: `Pending deletions of ${PROFILE}` });
const review = () => prompt().getByRole('region', { name: `What would be deleted from ${PROFILE}` });
const backupUnchanged = async () => expect(await snapshot(backup)).toEqual(mirrored);
const sizeOf = (entry: string): number => Number(entry.split(':')[1]);
/** What a folder of the backup would lose, as the window should word it (sizes from the disk). */
const totalsOf = (tree: Tree, dir: string) => {
  const files = [...tree].filter(([rel, v]) => rel.startsWith(`${dir}/`) && v.startsWith('file:'));
  return heldTotalsPhrase({ files: files.length, bytes: files.reduce((n, [, v]) => n + sizeOf(v), 0) });
};

describe.skipIf(!chromiumAvailable)(
  'mass deletions wait for a person, in the window served by rsync-tray serve',
  () => {
    it('the profile mirrors 30 files', async () => {
      await session.waitForBadge(PROFILE, 'Current');
      await poll(
        async () => ((await treesEqual(source, backup)).length === 0 ? true : undefined),
        15_000,
        async () => (await treesEqual(source, backup)).join('\n'),
      );
      mirrored = await snapshot(backup);
      expect([...mirrored.values()].filter((v) => v.startsWith('file:'))).toHaveLength(DIRS.length * FILES_PER_DIR);
    });

    it('an emptied source folder is held: the window says how many deletions wait, and why', async () => {
      for (const entry of await readdir(source)) await rm(path.join(source, entry), { recursive: true });
      await session.waitForBadge(PROFILE, 'Needs confirmation');
      const prompt = card().getByRole('group', { name: `Pending deletions of ${PROFILE}` });
      // Every one of the 30 files ("of N" is the counting pass's estimate of the backup's entries).
      await prompt.getByText(/^30 entries of \d+ would be deleted on the backup\.$/).waitFor();
      const reason =
        'The source folder is empty (is its disk mounted?), so mirroring it would delete 30 entries on the backup.';
      await prompt.getByText(reason).waitFor();
      // The activity's messages keep the reason too.
      await session.go('Activity');
      await session.page
        .getByRole('region', { name: 'Messages' })
        .getByText(`Needs confirmation: ${reason}`)
        .first()
        .waitFor();
      await session.go('Profiles');
      // The tray's overall state in the sidebar says it too.
      await session.page.getByRole('navigation').getByText('Needs confirmation').waitFor();
      await session.shot('20-deletions-held');
      await backupUnchanged();
    });

    it('the review lists the folders with their totals and sizes, and the names with theirs', async () => {
      const folders = review().getByRole('list', { name: 'Folders that would be deleted' });
      for (const dir of DIRS)
        await folders
          .getByText(`— ${totalsOf(mirrored, dir)}`, { exact: false })
          .first()
          .waitFor();
      const rows = await folders.getByRole('listitem').allTextContents();
      expect(rows.map((r) => r.replace(/\s+/g, ' ').trim())).toEqual(
        DIRS.map((d) => `${d}/ — ${totalsOf(mirrored, d)}`),
      );
      const names = review().getByRole('list', { name: 'Entries that would be deleted' });
      await names.getByText('2024/img-7.jpg').waitFor();
      expect(await names.getByRole('listitem').filter({ hasText: '2024/img-7.jpg' }).textContent()).toMatch(/300 B$/);
      // The names hold the folders as well as the 30 files the prompt counts: the line says both.
      const files = DIRS.length * FILES_PER_DIR;
      const all = files + DIRS.length;
      await review().getByText(`Showing 1–${all} of ${all} names: ${files} files and ${DIRS.length} folders`).waitFor();
      await session.shot('deletions-review-folders', { tall: true });
      await session.page.setViewportSize({ width: 800, height: 600 });
      await session.shot('deletions-review-800x600');
      await session.page.setViewportSize({ width: 1280, height: 860 });
      await backupUnchanged();
    });

    it('a search narrows the list and the totals; a folder opens to its own', async () => {
      await review().getByRole('searchbox').fill('IMG-3');
      const names = review().getByRole('list', { name: 'Entries that would be deleted' });
      await review()
        .getByText(/^3 matching: 3 files, 900 B on the backup\.$/)
        .waitFor();
      expect((await names.locator('code').allTextContents()).sort()).toEqual(DIRS.map((d) => `${d}/img-3.jpg`));
      await session.shot('deletions-review-search', { tall: true });
      await review().getByRole('searchbox').fill('');
      await review().getByRole('button', { name: '2025/' }).click();
      await review()
        .getByText(/^10 matching: 10 files, 2\.9 KiB on the backup\.$/)
        .waitFor();
      expect(await names.getByRole('listitem').count()).toBe(FILES_PER_DIR);
      await review().getByRole('button', { name: 'All held entries' }).click();
      await names.getByText('2023/img-0.jpg').waitFor();
      await backupUnchanged();
    });

    it('deleting takes a second step: one click alone deletes nothing', async () => {
      const ask = prompt().getByRole('button', { name: /^Delete \d+ entries on the backup…$/ });
      const count = Number(/Delete (\d+)/.exec((await ask.textContent())!)![1]);
      await ask.click();
      const dialog = prompt().getByRole('alertdialog');
      await dialog.getByText(`Type ${count} to confirm`).waitFor();
      const go = dialog.getByRole('button', { name: `Delete ${count} entries` });
      expect(await go.isDisabled()).toBe(true);
      await dialog.getByRole('textbox').fill(String(count - 1));
      expect(await go.isDisabled()).toBe(true);
      await go.click({ force: true }); // a click on the disabled button does nothing
      await session.shot('deletions-review-confirm');
      await new Promise((r) => setTimeout(r, 1_000));
      await backupUnchanged();
      await session.waitForBadge(PROFILE, 'Needs confirmation');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      expect(await prompt().getByRole('alertdialog').count()).toBe(0);
    });

    it('"Keep the files" keeps every file on the backup, pauses the profile and says what Resume does', async () => {
      await prompt()
        .getByText(
          /^Keep the files: nothing is deleted and syncing of “photos” pauses\. Resume runs a full sync that counts again: if the source still lacks these files, they are held and you are asked again/,
        )
        .waitFor();
      await session.shot('deletions-review-keep');
      await card().getByRole('button', { name: 'Keep the files' }).click();
      await session.page.getByText('Deletions refused; the backup keeps the files.').waitFor();
      await session.page
        .getByText(/Resume runs a full sync that counts again/)
        .first()
        .waitFor();
      await session.waitForBadge(PROFILE, 'Paused');
      expect(
        await card()
          .getByRole('group', { name: `Pending deletions of ${PROFILE}` })
          .count(),
      ).toBe(0);
      // Nothing is deleted later either.
      await new Promise((r) => setTimeout(r, 1_000));
      await backupUnchanged();
      await session.shot('21-deletions-refused-paused');
    });

    it('asked again after resuming, "Delete on the backup" mirrors the empty folder', async () => {
      await card().getByRole('button', { name: 'Resume' }).click();
      await session.page.getByText(`"${PROFILE}" resumed.`).waitFor();
      // Resuming counts again, and the source is still empty: asked again, without Sync now.
      await session.waitForBadge(PROFILE, 'Needs confirmation');
      await card()
        .getByText(/^30 entries of \d+ would be deleted on the backup\.$/)
        .waitFor();
      await backupUnchanged();

      // The activity lists the held passes, with the same question.
      await session.go('Activity');
      await session.page.locator('tr[data-outcome="held"]').first().waitFor();
      expect(await session.page.locator('tr[data-outcome="held"]').count()).toBeGreaterThanOrEqual(2);
      await session.shot('22-deletions-held-again-activity');
      await session.go('Profiles');

      await prompt()
        .getByRole('button', { name: /^Delete \d+ entries on the backup…$/ })
        .click();
      const dialog = prompt().getByRole('alertdialog');
      const count = /Type\s+(\d+)\s+to confirm/.exec((await dialog.textContent())!)![1]!;
      await dialog.getByRole('textbox').fill(count);
      await dialog.getByRole('button', { name: `Delete ${count} entries` }).click();
      await session.page.getByText('Deletions confirmed; syncing.').waitFor();
      await session.waitForBadge(PROFILE, 'Current');
      // The mirror is empty; what it held is in the safety net (on by default), as the prompt said.
      const net = (rel: string) => rel.startsWith('.rsync-tray-deleted');
      await poll(
        async () => ((await snapshot(backup, net)).size === 0 ? true : undefined),
        15_000,
        async () => `the backup still holds ${[...(await snapshot(backup, net)).keys()].join(', ')}`,
      );
      expect(await treesEqual(source, backup, net)).toEqual([]);
      const kept = [...(await snapshot(backup)).keys()].filter((rel) =>
        /^\.rsync-tray-deleted\/\d{4}-\d\d-\d\d\/.+\.jpg$/.test(rel),
      );
      expect(kept.length).toBeGreaterThan(0);
      await session.shot('23-deletions-confirmed');
    });

    it('the page logged no errors, CSP violations or Vue warnings', () => {
      expect(session.problems).toEqual([]);
    });
  },
);
