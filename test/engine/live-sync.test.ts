/**
 * The engine against a real rsync daemon on 127.0.0.1 with real file watching: every test ends in
 * a comparison of the source and backup trees.
 */
import { appendFile, mkdir, readFile, rename, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runRsync } from '../../electron/core/rsync/rsync-runner.ts';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.ts';
import { exists } from '../support/trees.ts';

let fx: SyncFixture | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

const write = async (root: string, rel: string, data: string | Buffer = rel) => {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), data);
};

describe('live sync to a real daemon', () => {
  it('does the initial full sync of an existing tree, deleting what the source does not have', async () => {
    fx = await startSyncFixture({
      prepare: async ({ source, backup }) => {
        for (let i = 0; i < 50; i++) await write(source, `d${i % 5}/f${i}.txt`);
        await symlink('d0/f0.txt', path.join(source, 'link'));
        await write(backup, 'stale/old.txt'); // not in the source: a mirror removes it
      },
    });
    await fx.converged();
    expect(await exists(path.join(fx.backup, 'stale'))).toBe(false);
    expect(fx.runs()[0]).toMatchObject({ kind: 'full', outcome: 'ok' });
    expect(fx.status().state).toBe('idle');
    expect(fx.status().lastSuccessAt).toBeTypeOf('number');
  });

  it('propagates creates, modifications, deletions and renames of files and directories', async () => {
    fx = await startSyncFixture({ prepare: async ({ source }) => write(source, 'keep/a.txt') });
    await fx.converged();
    const s = fx.source;
    await write(s, 'new/deep/dir/file.txt', 'hello');
    await write(s, 'top.txt', 'one');
    await fx.converged();
    await appendFile(path.join(s, 'top.txt'), ' two');
    await writeFile(path.join(s, 'keep/a.txt'), 'changed content');
    await fx.converged();
    await rename(path.join(s, 'new'), path.join(s, 'renamed'));
    await rename(path.join(s, 'top.txt'), path.join(s, 'keep/top-moved.txt'));
    await fx.converged();
    await rm(path.join(s, 'renamed'), { recursive: true });
    await rm(path.join(s, 'keep/a.txt'));
    await fx.converged();
    expect(await exists(path.join(fx.backup, 'renamed'))).toBe(false);
    expect(await exists(path.join(fx.backup, 'keep/top-moved.txt'))).toBe(true);
    // Live changes went as batches, not full syncs.
    expect(fx.runs().filter((r) => r.kind === 'full')).toHaveLength(1);
  });

  it('a folder made again with same-size files of the same mtime still gets the new content', async () => {
    // rsync's quick check (size + whole-second mtime) would call these unchanged; a batch of new
    // directories must not (--ignore-times, or --checksum with the safety net on).
    for (const keepDeletedDays of [0, 3]) {
      fx = await startSyncFixture({
        profile: { keepDeletedDays },
        prepare: ({ source }) => write(source, 'made/again.txt', 'old!'),
      });
      await fx.converged();
      const { mtime } = await stat(path.join(fx.source, 'made/again.txt'));
      await rm(path.join(fx.source, 'made'), { recursive: true });
      await write(fx.source, 'made/again.txt', 'new!');
      await utimes(path.join(fx.source, 'made/again.txt'), mtime, mtime);
      await fx.converged({ skip: (rel) => rel.startsWith('.rsync-tray-deleted') });
      expect(await readFile(path.join(fx.backup, 'made/again.txt'), 'utf8')).toBe('new!');
      expect(fx.runs().at(-1)).toMatchObject({ kind: 'batch', outcome: 'ok' });
      await fx.dispose();
      fx = undefined;
    }
  });

  it('a deleted folder waits for a moment of quiet; a renamed one goes in a single run', async () => {
    fx = await startSyncFixture({
      prepare: async ({ source }) => {
        for (const d of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']) await write(source, `${d}/file.txt`);
      },
    });
    await fx.converged();
    let from = fx.runs().length;
    await rename(path.join(fx.source, 'a'), path.join(fx.source, 'a-renamed'));
    await fx.converged();
    expect(
      fx
        .runs()
        .slice(from)
        .map((r) => r.paths),
    ).toEqual([2]); // the new name and the old, together
    from = fx.runs().length;
    await rm(path.join(fx.source, 'b'), { recursive: true });
    await fx.converged();
    expect(fx.runs().slice(from)).toHaveLength(1);
  });

  it('moves a burst of thousands of files in a few rsync runs', async () => {
    fx = await startSyncFixture();
    await fx.converged();
    const before = fx.runs().length;
    const writes: Promise<void>[] = [];
    for (let d = 0; d < 40; d++) {
      await mkdir(path.join(fx.source, `burst/d${d}`), { recursive: true });
      for (let f = 0; f < 100; f++) writes.push(writeFile(path.join(fx.source, `burst/d${d}/f${f}`), `${d}/${f}`));
    }
    await Promise.all(writes);
    await fx.converged({ timeoutMs: 30_000 });
    const runs = fx.runs().length - before;
    expect(runs).toBeGreaterThan(0);
    expect(runs).toBeLessThanOrEqual(20);
  });

  it('copies awkward names exactly: spaces, newlines, unicode, leading - # ;, wildcards, backslashes', async () => {
    const names = [
      'with space.txt',
      'new\nline.txt',
      'ünïcødé-日本語.txt',
      '-leading-dash',
      '#hash',
      ';semicolon',
      'star*q?[br]',
      'back\\slash',
      ' lead-space',
      'trailing-space ',
      '--delete',
    ];
    fx = await startSyncFixture({ prepare: async ({ source }) => write(source, `initial/${names[0]}`) });
    await fx.converged();
    for (const n of names) await write(fx.source, n, `content of ${n}`);
    await mkdir(path.join(fx.source, '#dir ;x'));
    await write(fx.source, '#dir ;x/-inner*', 'x');
    await fx.converged();
    for (const n of names.slice(0, 5)) await rm(path.join(fx.source, n));
    await fx.converged();
  });

  it('applies excludes identically in the initial sync and in live batches', async () => {
    const excludes = ['*.tmp', 'cache/', '/build', '.git/'];
    fx = await startSyncFixture({
      profile: { excludes },
      prepare: async ({ source }) => {
        await write(source, 'a.tmp');
        await write(source, 'sub/cache/x');
        await write(source, 'build/out');
        await write(source, 'sub/build/kept');
        await write(source, '.git/HEAD');
        await write(source, 'kept.txt');
      },
    });
    const isExcluded = (rel: string) =>
      /\.tmp$/.test(rel) || /(^|\/)cache(\/|$)/.test(rel) || /^build(\/|$)/.test(rel) || /(^|\/)\.git(\/|$)/.test(rel);
    await fx.converged({ skip: isExcluded });
    await write(fx.source, 'live.tmp');
    await write(fx.source, 'deep/cache/y');
    await write(fx.source, 'build/more');
    await write(fx.source, 'deep/live.txt');
    await fx.converged({ skip: isExcluded });
    for (const rel of ['a.tmp', 'live.tmp', 'sub/cache', 'deep/cache', 'build', '.git'])
      expect(await exists(path.join(fx.backup, rel)), rel).toBe(false);
    expect(await exists(path.join(fx.backup, 'sub/build/kept'))).toBe(true);
  });

  it('keeps deleted files on the backup when deletions do not propagate', async () => {
    fx = await startSyncFixture({
      profile: { deletions: false },
      prepare: async ({ source, backup }) => {
        await write(source, 'a.txt');
        await write(source, 'dir/b.txt');
        await write(backup, 'only-on-backup.txt');
      },
    });
    await fx.converged({ skip: (rel) => rel === 'only-on-backup.txt' });
    await rm(path.join(fx.source, 'a.txt'));
    await rm(path.join(fx.source, 'dir'), { recursive: true });
    await write(fx.source, 'c.txt');
    await fx.waitForStatus((s) => s.state === 'idle' && s.pending === 0 && fx!.runs().length >= 2);
    await new Promise((r) => setTimeout(r, 300));
    for (const rel of ['a.txt', 'dir/b.txt', 'only-on-backup.txt', 'c.txt'])
      expect(await exists(path.join(fx.backup, rel)), rel).toBe(true);
  });

  it('hands the bandwidth limit to every rsync run, the batch that carries a big file too', async () => {
    // The rate itself is measured by `npm run bench` (the 5M row): a test asserts no durations.
    const seen: string[][] = [];
    fx = await startSyncFixture({
      profile: { bandwidthLimit: '2M' },
      engine: { run: (req) => (seen.push([...req.args]), runRsync(req)) },
    });
    await fx.converged();
    await writeFile(path.join(fx.source, '..', 'big.bin'), randomBytes(1024 * 1024));
    await rename(path.join(fx.source, '..', 'big.bin'), path.join(fx.source, 'big.bin'));
    await fx.converged({ timeoutMs: 30_000 });
    expect(fx.runs().some((r) => r.kind === 'batch' && r.outcome === 'ok' && r.bytes === 1024 * 1024)).toBe(true);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (const args of seen) expect(args).toContain('--bwlimit=2048K');
  });
});
