/** The optional safety net: deleted and overwritten files move into a dated folder on the backup. */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expiredFolders } from '../../electron/core/sync/safety-net.ts';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.ts';
import { exists } from '../support/trees.ts';

let fx: SyncFixture | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

const notNet = (rel: string) => rel === '.rsync-tray-deleted' || rel.startsWith('.rsync-tray-deleted/');

describe('safety net', () => {
  it('keeps deleted and overwritten files in a dated folder, and drops folders past retention', async () => {
    fx = await startSyncFixture({
      profile: { keepDeletedDays: 7 },
      prepare: async ({ source, backup }) => {
        await writeFile(path.join(source, 'doc.txt'), 'version 1');
        await writeFile(path.join(source, 'gone.txt'), 'deleted later');
        await mkdir(path.join(backup, '.rsync-tray-deleted/2001-01-01'), { recursive: true });
        await writeFile(path.join(backup, '.rsync-tray-deleted/2001-01-01/ancient.txt'), 'expired');
      },
    });
    await fx.converged({ skip: notNet });
    await writeFile(path.join(fx.source, 'doc.txt'), 'version 2');
    await rm(path.join(fx.source, 'gone.txt'));
    await fx.converged({ skip: notNet });
    const today = path.join(fx.backup, '.rsync-tray-deleted', new Date().toISOString().slice(0, 10));
    expect(await readFile(path.join(today, 'doc.txt'), 'utf8')).toBe('version 1');
    expect(await readFile(path.join(today, 'gone.txt'), 'utf8')).toBe('deleted later');
    // Past retention: removed after the first full sync.
    expect(await exists(path.join(fx.backup, '.rsync-tray-deleted/2001-01-01'))).toBe(false);
    // A full sync leaves the safety net alone.
    const fullSyncs = fx.runs().filter((r) => r.kind === 'full').length;
    fx.engine.syncNow();
    await fx.waitForStatus((s) => s.state === 'idle' && fx!.runs().filter((r) => r.kind === 'full').length > fullSyncs);
    expect(await exists(path.join(today, 'gone.txt'))).toBe(true);
  });

  it('finds expired dated folders in a listing', () => {
    const listing = [
      'drwxr-xr-x          4,096 2026/11/22 10:00:00 .',
      'drwxr-xr-x          4,096 2026/11/01 10:00:00 2026-11-01',
      'drwxr-xr-x          4,096 2026/11/20 10:00:00 2026-11-20',
      '-rw-r--r--              3 2026/11/20 10:00:00 2026-01-01',
      'drwxr-xr-x          4,096 2026/11/20 10:00:00 notes',
    ].join('\n');
    expect(expiredFolders(listing, 7, new Date('2026-11-22T12:00:00Z'))).toEqual(['2026-11-01']);
  });
});
