/**
 * The names a run records — sent, deleted, moved — against a real daemon, read from rsync's own
 * itemized output: a full sync of more files than a record keeps (the rest page through the
 * host's activity log), and live batches that create, change, delete and rename.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ActivityLog } from '../../electron/core/service/activity-log.ts';
import { RUN_NAMES_POLICY } from '../../electron/core/sync/rsync-executor.ts';
import type { RunRecord } from '../../electron/shared/status.ts';
import { poll, startSyncFixture, type SyncFixture } from '../support/sync-fixture.ts';

let fx: SyncFixture | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

const sum = (runs: RunRecord[], key: 'sent' | 'deleted' | 'moved'): number =>
  runs.reduce((n, r) => n + (r[key] ?? 0), 0);

describe('per-file names of runs, against a real daemon', () => {
  it('a full sync counts every entry it sent and deleted, keeps the first in the record, pages the rest', async () => {
    const files = 3 * RUN_NAMES_POLICY.record + 50;
    fx = await startSyncFixture({
      prepare: async ({ source, backup }) => {
        await mkdir(path.join(source, 'many'));
        for (let i = 0; i < files; i++) await writeFile(path.join(source, 'many', `f${i}.txt`), `${i}`);
        await writeFile(path.join(source, '-starts with a dash'), 'x');
        await writeFile(path.join(backup, 'stale.txt'), 'only on the backup');
      },
    });
    await fx.converged();
    const runs = fx.runs().filter((r) => r.kind === 'full');
    // The counting run sends, the deleting run deletes: together what the full sync did.
    expect(sum(runs, 'sent')).toBe(files + 2); // the files, "many/" and the dashed name
    expect(sum(runs, 'deleted')).toBe(1);
    const sender = runs.find((r) => (r.sent ?? 0) > 0)!;
    expect(sender.sentNames).toHaveLength(RUN_NAMES_POLICY.record);
    expect(sender.sentNames).toContain('many/');
    expect(runs.flatMap((r) => r.deletedNames)).toEqual(['stale.txt']);

    // The host keeps the whole list: a window pages through it and finds a late name.
    const log = new ActivityLog();
    const ids = fx.runs().map((r) => log.add(r));
    const id = ids.find((r) => (r.sent ?? 0) > 0)!.id!;
    expect(ids.every((r) => r.allNames === undefined)).toBe(true);
    const page = log.names(id, { offset: 600, limit: 100 })!;
    expect(page).toMatchObject({ total: files + 2, kept: files + 2, offset: 600 });
    expect(page.items).toHaveLength(files + 2 - 600);
    const last = `many/f${files - 1}.txt`;
    expect(log.names(id, { query: `f${files - 1}.txt` })!.items).toEqual([{ action: 'sent', name: last }]);
    expect(log.list({ query: last }).map((r) => r.id)).toEqual([id]);
    expect(log.list({ query: 'no-such-file' })).toEqual([]);
  });

  it('batches name what they sent, deleted and moved', async () => {
    fx = await startSyncFixture({
      prepare: async ({ source }) => {
        await mkdir(path.join(source, 'album'));
        for (let i = 0; i < 5; i++) await writeFile(path.join(source, 'album', `p${i}.jpg`), `${i}`);
        await writeFile(path.join(source, 'keep.txt'), 'v1');
        await writeFile(path.join(source, 'doomed.txt'), 'bye');
        // Filler, so these few deletions are a small share of the backup (no guard asks).
        for (let i = 0; i < 100; i++) await writeFile(path.join(source, `filler-${i}`), `${i}`);
      },
    });
    await fx.converged();
    const before = fx.runs().length;

    await writeFile(path.join(fx.source, 'new one.txt'), 'hello');
    await writeFile(path.join(fx.source, 'keep.txt'), 'v2, longer');
    await rm(path.join(fx.source, 'doomed.txt'));
    await rename(path.join(fx.source, 'album'), path.join(fx.source, 'album-2025'));
    await fx.converged();
    const batches = await poll(
      () => {
        const b = fx!.runs().slice(before);
        return b.some((r) => r.deleted > 0) && b.some((r) => r.moved > 0) ? b : undefined;
      },
      10_000,
      () => JSON.stringify(fx!.runs().slice(before)),
    );
    expect(batches.every((r) => r.kind === 'batch' && r.outcome === 'ok')).toBe(true);
    const sent = batches.flatMap((r) => r.sentNames ?? []);
    // A folder this small is sent again rather than built from its old copy (MOVE_BASIS_POLICY).
    expect(sent).toEqual(expect.arrayContaining(['new one.txt', 'keep.txt', 'album-2025/', 'album-2025/p0.jpg']));
    expect(sent).not.toContain('filler-1');
    const deleted = batches.flatMap((r) => r.deletedNames);
    expect(deleted).toEqual(expect.arrayContaining(['doomed.txt', 'album/p0.jpg', 'album/']));
    // The rename is named both ways: where it was, and where the watcher saw it go.
    expect(batches.flatMap((r) => r.movedNames ?? [])).toContainEqual({ from: 'album', to: 'album-2025' });
    // Counts agree with the names (few enough to be all kept).
    expect(sum(batches, 'sent')).toBe(sent.length);
    expect(sum(batches, 'deleted')).toBe(deleted.length);
  });
});
