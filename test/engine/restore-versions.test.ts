/**
 * Versions kept by the safety net, an interrupted restore resumed, and a restore into a source
 * the engine is watching — against a real daemon; the backup unchanged afterwards each time.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { listVersions } from '../../electron/core/restore/versions.ts';
import { makeSpec } from '../../electron/core/restore/restore-plan.ts';
import { executeRestore } from '../../electron/core/restore/restore-run.ts';
import { restoreService } from '../../electron/core/service/restore-service.ts';
import { at, byteSnapshot, diffByteTrees, existsAt, writeAt } from '../support/byte-trees.ts';
import { startRestoreFixture, type RestoreFixture } from '../support/restore-fixture.ts';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.ts';
import { ProfileSchema } from '../../electron/shared/profile-schema.ts';

let fx: RestoreFixture | undefined;
let sfx: SyncFixture | undefined;
afterEach(async () => {
  await fx?.dispose();
  await sfx?.dispose();
  fx = undefined;
  sfx = undefined;
});

describe('versions', () => {
  it('lists by day, searches, gives a file its history, and restores an older version', async () => {
    fx = await startRestoreFixture({ keepDeletedDays: 7 });
    await writeAt(fx.backup, 'docs/report.txt', 'version 3 (current)');
    await writeAt(fx.backup, '.rsync-tray-deleted/2026-11-30/docs/report.txt', 'version 1');
    await writeAt(fx.backup, '.rsync-tray-deleted/2026-12-01/docs/report.txt', 'version 2');
    await writeAt(fx.backup, '.rsync-tray-deleted/2026-12-01/photos/cat.jpg', 'a deleted cat');
    const before = await byteSnapshot(fx.backup);
    const b = await fx.open();

    const all = await listVersions(b, { offset: 0, limit: 100 });
    expect(all.dates).toEqual(['2026-12-01', '2026-11-30']);
    expect(all.items.map((v) => [v.date, v.path])).toEqual([
      ['2026-12-01', 'docs/report.txt'],
      ['2026-12-01', 'photos/cat.jpg'],
      ['2026-11-30', 'docs/report.txt'],
    ]);
    expect((await listVersions(b, { search: 'CAT', offset: 0, limit: 100 })).items.map((v) => v.path)).toEqual([
      'photos/cat.jpg',
    ]);
    const history = await listVersions(b, { path: 'docs/report.txt', offset: 0, limit: 100 });
    expect(history.items.map((v) => v.date)).toEqual(['2026-12-01', '2026-11-30']);
    expect(history.current).toMatchObject({ size: 'version 3 (current)'.length });

    // The overwritten file's oldest version, back to its place (nothing there locally).
    await executeRestore(makeSpec(b, { paths: ['docs/report.txt'], all: false, version: '2026-11-30' }));
    expect(await readFile(at(fx.source, 'docs/report.txt'), 'utf8')).toBe('version 1');
    // A deleted file's version, elsewhere.
    const to = `${fx.work}/found`;
    await executeRestore(makeSpec(b, { paths: ['photos/cat.jpg'], all: false, version: '2026-12-01', to }));
    expect(await readFile(at(to, 'cat.jpg'), 'utf8')).toBe('a deleted cat');
    await expect(
      executeRestore(makeSpec(b, { paths: ['nope.txt'], all: false, version: '2026-12-01' })),
    ).rejects.toMatchObject({ code: 'NOT_ON_BACKUP' });

    expect(diffByteTrees(before, await byteSnapshot(fx.backup))).toEqual([]);
    for (const argv of fx.argvs) expect(argv.join(' ')).not.toContain(fx.daemon.password);
  });
});

describe('a target in a sub-folder of the module', () => {
  it('browses, lists versions and restores the version asked for, not the current file', async () => {
    fx = await startRestoreFixture({ keepDeletedDays: 7 }, 'hosts/laptop');
    await writeAt(fx.backup, 'docs/report.txt', 'current');
    await writeAt(fx.backup, '.rsync-tray-deleted/2026-11-30/docs/report.txt', 'older');
    await writeAt(`${fx.backup}/..`, 'docs/report.txt', 'another target');
    const before = await byteSnapshot(fx.backup);
    const b = await fx.open();
    const history = await listVersions(b, { path: 'docs/report.txt', offset: 0, limit: 10 });
    expect(history.items.map((v) => v.date)).toEqual(['2026-11-30']);
    await executeRestore(makeSpec(b, { paths: ['docs/report.txt'], all: false, version: '2026-11-30' }));
    expect(await readFile(at(fx.source, 'docs/report.txt'), 'utf8')).toBe('older');
    await executeRestore(makeSpec(b, { paths: ['docs'], all: false }), { onConflict: 'overwrite' });
    expect(await readFile(at(fx.source, 'docs/report.txt'), 'utf8')).toBe('current');
    expect(diffByteTrees(before, await byteSnapshot(fx.backup))).toEqual([]);
  });
});

describe('an interrupted restore', () => {
  it('resumes without re-sending what arrived', async () => {
    fx = await startRestoreFixture();
    const size = 3 * 1024 * 1024;
    await writeAt(fx.backup, 'big.bin', randomBytes(size));
    const before = await byteSnapshot(fx.backup);
    const b = await fx.open();
    const stop = new AbortController();
    let seen = 0;
    const first = executeRestore(makeSpec(b, { paths: ['big.bin'], all: false, bandwidthLimit: '512K' }), {
      signal: stop.signal,
      onProgress: (p) => {
        seen = p.bytes;
        if (p.bytes > size / 3) stop.abort();
      },
    });
    await expect(first).rejects.toMatchObject({ code: 'CANCELED' });
    expect(seen).toBeGreaterThan(size / 3);
    expect(await existsAt(fx.source, '.rsync-tray-restore-partial/big.bin')).toBe(true);

    const second = await executeRestore(makeSpec(b, { paths: ['big.bin'], all: false }));
    // What had arrived was not sent again: well under the file's size came over the wire.
    expect(second.bytesReceived).toBeLessThan(size * 0.8);
    expect(diffByteTrees(before, await byteSnapshot(fx.source))).toEqual([]);
    expect(await existsAt(fx.source, '.rsync-tray-restore-partial')).toBe(false);
    expect(diffByteTrees(before, await byteSnapshot(fx.backup))).toEqual([]);
  }, 60_000);
});

describe('a restore into a watched source', () => {
  it('holds the profile meanwhile ("paused: restoring"); nothing goes back, nothing is deleted on the backup', async () => {
    sfx = await startSyncFixture({ profile: { keepDeletedDays: 7 } });
    const f = sfx;
    await writeFile(`${f.source}/kept.txt`, 'kept');
    await f.converged();
    await writeAt(f.backup, 'lost/a.txt', 'a');
    await writeAt(f.backup, 'lost/b.txt', 'b');
    const before = await byteSnapshot(f.backup);
    const runsBefore = f.runs().length;
    const states: string[] = [];
    const profile = ProfileSchema.parse({
      name: 'test',
      source: f.source,
      keepDeletedDays: 7,
      targets: [
        {
          host: f.daemon.host,
          port: f.daemon.port,
          module: Object.keys(f.daemon.modules)[0]!,
          user: f.daemon.user,
          auth: { type: 'passwordFile', path: f.daemon.passwordFile },
        },
      ],
    });
    const service = restoreService({
      profile: () => profile,
      rsyncPath: () => 'rsync',
      guard: {
        hold: (n, o) => {
          const hold = f.engine.hold(n, o);
          const s = f.engine.status()[0]!;
          states.push(`${s.state}: ${s.pauseReason}`);
          return {
            renew: () => hold.renew(),
            release: () => {
              hold.release();
              states.push('released');
            },
          };
        },
      },
    });
    const report = await service.run({ profile: 'test', target: 0, paths: ['lost'], all: false, force: false });
    expect(report.restored).toBeGreaterThanOrEqual(2);
    expect(states).toEqual(['paused: restoring', 'released']);
    // The watcher saw the files arrive; what it owes is pushed, and equals the backup.
    await new Promise((r) => setTimeout(r, 1_500));
    await f.engine.whenIdle('test');
    const after = f.runs().slice(runsBefore);
    expect(after.reduce((n, r) => n + r.deleted, 0)).toBe(0);
    expect(f.status().state).toBe('idle');
    expect(diffByteTrees(before, await byteSnapshot(f.backup))).toEqual([]);
    expect(await readFile(`${f.source}/lost/b.txt`, 'utf8')).toBe('b');
  }, 60_000);
});
