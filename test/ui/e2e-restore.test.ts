/**
 * Getting files back in the window (issue 16), against a real rsync daemon: a profile mirrors a
 * few files, is paused (so local edits stay local), then loses one file and edits another. The
 * restore screen lists the backup's folder with each entry's local state; a deleted file comes
 * back to its place; an edited one, restored with "keep both", leaves both copies. The backup's
 * bytes are compared before and after every step: a restore never changes it.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { byteSnapshot, diffByteTrees, type ByteTree } from '../support/byte-trees.ts';
import { poll } from '../support/sync-fixture.ts';
import { treesEqual } from '../support/trees.ts';
import { chromiumAvailable, startBrowserSession, type BrowserSession } from './support/browser-session.ts';
import { daemonTarget } from './support/e2e-config.ts';

const PROFILE = 'papers';
let work: string;
let daemon: LocalDaemon;
let source: string;
let backup: string;
let session: BrowserSession;
let mirrored: ByteTree;

beforeAll(async () => {
  if (!chromiumAvailable) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-e2e-restore-'));
  daemon = await startLocalDaemon({ rootDir: path.join(work, 'daemon'), modules: [{ name: 'backup' }] });
  backup = daemon.modules.backup!;
  source = path.join(work, 'Papers');
  await mkdir(path.join(source, 'docs'), { recursive: true });
  await writeFile(path.join(source, 'docs', 'a.txt'), 'first paper\n'.repeat(50));
  await writeFile(path.join(source, 'docs', 'b.txt'), 'second paper\n'.repeat(50));
  await writeFile(path.join(source, 'notes.txt'), 'notes\n');
  const configFile = path.join(work, 'config', 'config.json');
  await mkdir(path.dirname(configFile), { recursive: true });
  await writeFile(
    configFile,
    JSON.stringify({
      version: 1,
      profiles: [{ name: PROFILE, source, fullSyncIntervalMinutes: 0, targets: [daemonTarget(daemon)] }],
    }),
  );
  session = await startBrowserSession(configFile);
}, 120_000);

afterAll(async () => {
  if (session) expect(await session.dispose()).toBe(0);
  await daemon?.dispose();
  if (work) await rm(work, { recursive: true, force: true });
}, 30_000);

const backupUnchanged = async () => expect(diffByteTrees(mirrored, await byteSnapshot(backup))).toEqual([]);
const screen = () => session.page.locator('main');
const row = (name: string) => screen().locator('tbody tr', { hasText: name });

describe.skipIf(!chromiumAvailable)('restore in the window served by rsync-tray serve', () => {
  it('mirrors, then is paused so local changes stay local', async () => {
    await session.waitForBadge(PROFILE, 'Current');
    await poll(
      async () => ((await treesEqual(source, backup)).length === 0 ? true : undefined),
      15_000,
      async () => (await treesEqual(source, backup)).join('\n'),
    );
    mirrored = await byteSnapshot(backup);
    await session.card(PROFILE).getByRole('button', { name: 'Pause' }).click();
    await session.waitForBadge(PROFILE, 'Paused');
    await rm(path.join(source, 'docs', 'a.txt'));
    await writeFile(path.join(source, 'docs', 'b.txt'), 'my local edit\n');
    await writeFile(path.join(source, 'docs', 'new.txt'), 'only here\n');
  });

  it('browses the backup with each entry beside its local state', async () => {
    await session.card(PROFILE).getByRole('link', { name: 'Restore…' }).click();
    await screen().getByRole('heading', { name: 'Restore' }).waitFor();
    await row('docs/').waitFor();
    await row('notes.txt').getByText('Same').waitFor();
    await session.shot('restore-10-top');
    await row('docs/').getByRole('link').click();
    await row('a.txt').getByText('Only on the backup').waitFor();
    await row('b.txt').getByText('Differs').waitFor();
    await row('new.txt').getByText('Only here').waitFor();
    await screen().getByText('1 differs · 1 only on the backup · 1 only here').waitFor();
    expect(await row('new.txt').getByRole('checkbox').isDisabled()).toBe(true);
    await session.shot('restore-11-folder');
    await backupUnchanged();
  });

  it('restores a deleted file to its place, after a preview', async () => {
    await row('a.txt').getByRole('checkbox').check();
    await screen().getByRole('button', { name: 'Restore…' }).click();
    const flow = screen().getByRole('region', { name: 'Restore 1 item' });
    await flow.getByRole('button', { name: 'Show what would change' }).click();
    await flow.getByText(/^1 entry to create .* into /).waitFor();
    await session.shot('restore-20-preview');
    // Nothing ran yet: the preview only looked.
    expect(await readdir(path.join(source, 'docs'))).not.toContain('a.txt');
    await flow.getByRole('button', { name: 'Restore', exact: true }).click();
    await screen()
      .locator('.restore-result', { hasText: 'Restored 1 entry' })
      .waitFor({ timeout: 20_000 })
      .catch(async (e) => {
        await session.shot('restore-21-failed');
        throw e;
      });
    await session.shot('restore-21-done');
    expect(await readFile(path.join(source, 'docs', 'a.txt'), 'utf8')).toBe('first paper\n'.repeat(50));
    await flow.getByRole('button', { name: 'Done' }).click();
    await row('a.txt').getByText('Same').waitFor();
    await backupUnchanged();
  });

  it('a conflict resolved by keep both leaves both files', async () => {
    await row('b.txt').getByRole('checkbox').check();
    await screen().getByRole('button', { name: 'Restore…' }).click();
    const flow = screen().getByRole('region', { name: 'Restore 1 item' });
    await flow.getByRole('button', { name: 'Show what would change' }).click();
    await flow.getByText('1 local file differs from the backup').waitFor();
    await flow.getByRole('radio', { name: /Keep both/ }).check();
    await session.shot('restore-30-conflict');
    await flow.getByRole('button', { name: 'Restore', exact: true }).click();
    await screen().locator('.restore-result').waitFor({ timeout: 20_000 });
    await flow.getByText('Kept both:').waitFor();
    await session.shot('restore-31-kept-both');
    expect(await readFile(path.join(source, 'docs', 'b.txt'), 'utf8')).toBe('my local edit\n');
    const copies = (await readdir(path.join(source, 'docs'))).filter((n) => n !== 'b.txt' && n.includes('b'));
    expect(copies).toHaveLength(1);
    expect(await readFile(path.join(source, 'docs', copies[0]!), 'utf8')).toBe('second paper\n'.repeat(50));
    await backupUnchanged();
  });
});
