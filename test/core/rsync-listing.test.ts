/**
 * rsync-listing.ts: the `--list-only` reader every screen that looks at a backup uses. Table cases
 * for the line format, then rsync's own output over a folder of hostile names, then a real daemon
 * with a password (never on the command line) and --files-from.
 */
import { execa } from 'execa';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTarget, parseListing, parseListingLine } from '../../electron/core/rsync/rsync-listing.ts';
import { resolveAuth } from '../../electron/core/rsync/auth.ts';
import type { RunRequest } from '../../electron/core/rsync/rsync-runner.ts';
import { runRsync } from '../../electron/core/rsync/rsync-runner.ts';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { decodeName } from '../../electron/shared/names.ts';
import { TargetSchema } from '../../electron/shared/profile-schema.ts';

const at = (y: number, mo: number, d: number, h: number, mi: number, s: number) =>
  new Date(y, mo - 1, d, h, mi, s).getTime();

describe('parseListingLine', () => {
  it.each([
    [
      'a file with a size over a thousand',
      '-rw-r--r--      1,234,567 2023/01/31 12:34:56 2023/big.bin',
      { name: '2023/big.bin', kind: 'file', size: 1_234_567, mtime: at(2023, 1, 31, 12, 34, 56) },
    ],
    ['a folder', 'drwxr-xr-x          4,096 2023/01/31 12:00:00 2023', { name: '2023', kind: 'folder', size: 4096 }],
    ['spaces inside and at the end', '-rw-r--r--  0 2023/01/31 12:00:00  two  spaces ', { name: ' two  spaces ' }],
    ['a newline, escaped', '-rw-r--r--  1 2023/01/31 12:00:00 we\\#012ird', { name: 'we\nird' }],
    ['invalid UTF-8 (Latin-1 é)', '-rw-r--r--  2 2023/01/31 12:00:00 caf\\#351.txt', { name: 'caf\udce9.txt' }],
    ['" -> " in a file name', '-rw-r--r--  1 2023/01/31 12:00:00 a -> b', { name: 'a -> b', kind: 'file' }],
    [
      'a symlink without -l: no target',
      'lrwxrwxrwx  6 2023/01/31 12:00:00 link -> x',
      { name: 'link -> x', kind: 'symlink', size: 6 },
    ],
    [
      'a symlink with -l: the size tells the name from the target',
      'lrwxrwxrwx  6 2023/01/31 12:00:00 link -> x -> a -> b',
      { name: 'link -> x', linkTarget: 'a -> b', kind: 'symlink' },
    ],
    ['a character device', 'crw-r--r--  0 2023/01/31 12:00:00 dev/null', { name: 'dev/null', kind: 'device' }],
    ['a device as major,minor', 'brw-rw----  8,1 2023/01/31 12:00:00 sda1', { kind: 'device', size: 81 }],
    ['a fifo', 'prw-r--r--  0 2023/01/31 12:00:00 fifo', { kind: 'special' }],
    ['an ACL mark', '-rw-r--r--+ 10 2023/01/31 12:00:00 acl', { name: 'acl', size: 10 }],
    ['setuid and sticky bits', 'drwxrwxrwt 4,096 2023/01/31 12:00:00 tmp', { kind: 'folder' }],
  ])('%s', (_what, line, want) => {
    expect(parseListingLine(line)).toMatchObject(want);
  });

  it.each([
    ['the folder itself', 'drwxr-xr-x          4,096 2023/01/31 12:00:00 .'],
    ['a MOTD line', 'Welcome to the backup server'],
    ['a warning', 'rsync: [sender] link_stat "/x" (in m) failed: No such file or directory (2)'],
    ['nothing', ''],
    ['a size that is no number', '-rw-r--r--  12a 2023/01/31 12:00:00 x'],
  ])('%s is no entry', (_what, line) => {
    expect(parseListingLine(line)).toBeNull();
  });
});

describe('rsync --list-only, as rsync prints it', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rsync-listing-'));
    await mkdir(path.join(dir, 'tree/2023/jan'), { recursive: true });
    await writeFile(path.join(dir, 'tree/2023/big.bin'), Buffer.alloc(1_234_567));
    await writeFile(path.join(dir, 'tree/2023/jan/a.txt'), 'hello');
    await writeFile(path.join(dir, 'tree/we\nird -> name'), 'x');
    await writeFile(Buffer.from(`${dir}/tree/caf\xe9.txt`, 'latin1'), 'é');
    await writeFile(path.join(dir, 'tree/ trailing '), '');
    await symlink('a -> b', path.join(dir, 'tree/link -> x'));
    await execa('mkfifo', [path.join(dir, 'tree/fifo')]);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads every entry, its kind, size and exact name', async () => {
    for (const flags of [['-r'], ['-rl']]) {
      const r = await runRsync({
        rsyncPath: 'rsync',
        args: ['--list-only', ...flags, `${dir}/tree/`],
        captureStdout: true,
      });
      expect(r.exitCode).toBe(0);
      const byName = new Map(parseListing(r.stdout!).map((e) => [e.name, e]));
      expect([...byName.keys()].sort()).toEqual(
        [
          ' trailing ',
          '2023',
          '2023/big.bin',
          '2023/jan',
          '2023/jan/a.txt',
          'caf\udce9.txt',
          'fifo',
          'link -> x',
          'we\nird -> name',
        ].sort(),
      );
      expect(byName.get('2023/big.bin')).toMatchObject({ kind: 'file', size: 1_234_567 });
      expect(byName.get('2023/jan')).toMatchObject({ kind: 'folder' });
      expect(byName.get('link -> x')).toMatchObject({ kind: 'symlink', size: 6 });
      expect(byName.get('fifo')).toMatchObject({ kind: 'special', size: 0 });
      expect(byName.get('we\nird -> name')).toMatchObject({ kind: 'file', size: 1 });
      // The lossless name is the bytes on disk.
      expect(byName.has(decodeName(Buffer.from('caf\xe9.txt', 'latin1')))).toBe(true);
      const mtime = byName.get('2023/jan/a.txt')!.mtime;
      expect(Math.abs(mtime - Date.now())).toBeLessThan(120_000);
    }
    expect(
      parseListing(
        (await runRsync({ rsyncPath: 'rsync', args: ['--list-only', '-rl', `${dir}/tree/`], captureStdout: true }))
          .stdout!,
      ).find((e) => e.kind === 'symlink'),
    ).toMatchObject({ name: 'link -> x', linkTarget: 'a -> b' });
  });
});

describe('listTarget against a daemon', () => {
  let daemon: LocalDaemon;
  beforeAll(async () => {
    daemon = await startLocalDaemon();
    const root = Object.values(daemon.modules)[0]!;
    await mkdir(path.join(root, '2023/jan'), { recursive: true });
    await writeFile(path.join(root, '2023/big.bin'), Buffer.alloc(5_000));
    await writeFile(path.join(root, '2023/jan/a.txt'), 'hello');
    await writeFile(path.join(root, '#comment'), 'abc');
  });
  afterAll(() => daemon.dispose());

  const target = () =>
    TargetSchema.parse({
      host: daemon.host,
      port: daemon.port,
      module: Object.keys(daemon.modules)[0]!,
      user: daemon.user,
      auth: { type: 'env', variable: 'LISTING_TEST_PASSWORD' },
    });
  const request = async (over: { paths?: string[]; recursive?: boolean; password?: string }) => {
    const t = target();
    const auth = await resolveAuth(t, undefined, { LISTING_TEST_PASSWORD: over.password ?? daemon.password });
    const seen: RunRequest[] = [];
    const run = (req: RunRequest) => {
      seen.push(req);
      return runRsync(req);
    };
    const url = `rsync://${t.user}@${t.host}:${t.port}/${t.module}/`;
    const where = { host: t.host, port: t.port, module: t.module, user: t.user };
    return { seen, list: () => listTarget({ rsyncPath: 'rsync', url, auth, where, timeoutSeconds: 10, run, ...over }) };
  };

  it('lists a module recursively, the password only in the environment', async () => {
    const { list, seen } = await request({ recursive: true });
    const entries = await list();
    expect(entries.map((e) => e.name).sort()).toEqual([
      '#comment',
      '2023',
      '2023/big.bin',
      '2023/jan',
      '2023/jan/a.txt',
    ]);
    expect(seen[0]!.args.join(' ')).not.toContain(daemon.password);
    expect(seen[0]!.env).toEqual({ RSYNC_PASSWORD: daemon.password });
  });

  it('lists exactly the paths asked for (a missing one is no error), writing nothing', async () => {
    const { list, seen } = await request({ paths: ['2023/big.bin', '#comment', 'gone.txt', '2023/jan/'] });
    const entries = await list();
    const files = entries.filter((e) => e.kind !== 'folder');
    expect(files.map((e) => [e.name, e.size]).sort()).toEqual([
      ['#comment', 3],
      ['2023/big.bin', 5_000],
    ]);
    const dest = seen[0]!.args.at(-1)!;
    await expect(import('node:fs/promises').then((fs) => fs.stat(dest))).rejects.toThrow(/ENOENT/);
  });

  it('a wrong password throws the sync’s own explanation, without the password', async () => {
    const { list } = await request({ recursive: true, password: 'wrong-secret-value' });
    const error = await list().then(
      () => null,
      (e: unknown) => e as Error & { code: string },
    );
    expect(error).toMatchObject({ code: 'AUTH_FAILED' });
    expect(error!.message).not.toContain('wrong-secret-value');
  });
});
