/**
 * The first-sync preview against a real daemon: a dry run names what the sync would send and
 * delete — hostile names too — while the backup stays exactly as it was, and the password typed in
 * the editor reaches rsync only through its environment.
 */
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { previewSync } from '../../electron/core/service/sync-preview.ts';
import type { RunRequest } from '../../electron/core/rsync/rsync-runner.ts';
import { runRsync } from '../../electron/core/rsync/rsync-runner.ts';
import { ProfileSchema, type Profile } from '../../electron/shared/profile-schema.ts';
import { byteSnapshot, latin1, writeAt } from '../support/byte-trees.ts';

let work: string;
let daemon: LocalDaemon;
let source: string;
let backup: string;

const profile = (auth: unknown = { type: 'secret' }): Profile =>
  ProfileSchema.parse({
    name: 'docs',
    source,
    targets: [{ host: '127.0.0.1', port: daemon.port, module: 'backup', user: daemon.user, auth }],
  });

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-sync-preview-'));
  daemon = await startLocalDaemon({ rootDir: path.join(work, 'daemon'), modules: [{ name: 'backup' }] });
  backup = daemon.modules.backup!;
  source = path.join(work, 'src');
  await mkdir(path.join(source, 'sub'), { recursive: true });
  await writeFile(path.join(source, 'sub/new.txt'), 'new\n');
  await writeFile(path.join(source, 'same.txt'), 'same\n');
  await writeAt(source, '-rf --delete', 'option-like\n');
  await writeAt(source, 'line\nbreak.txt', 'newline\n');
  await writeAt(source, latin1('caf\xe9.txt'), 'latin1\n');
  // The backup: one file also in the source, two the source lacks.
  await writeFile(path.join(backup, 'same.txt'), 'same\n');
  // The same file: the same time too (written a moment later, it could fall in the next second).
  const { mtime } = await stat(path.join(source, 'same.txt'));
  await utimes(path.join(backup, 'same.txt'), mtime, mtime);
  await writeFile(path.join(backup, 'old.txt'), 'old\n');
  await mkdir(path.join(backup, 'gone'));
  await writeFile(path.join(backup, 'gone/x.txt'), 'x\n');
}, 30_000);

afterAll(async () => {
  await daemon?.dispose();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('previewSync', () => {
  it('names what a first sync would send and delete, and changes nothing on the backup', async () => {
    const before = await byteSnapshot(backup);
    const requests: RunRequest[] = [];
    const preview = await previewSync(profile(), {
      rsyncPath: 'rsync',
      passwords: [daemon.password],
      run: (req) => (requests.push(req), runRsync(req)),
    });
    const [t] = preview.targets;
    expect(t?.error).toBeNull();
    expect(new Set(t?.sends.names)).toEqual(
      new Set(['sub/', 'sub/new.txt', '-rf --delete', 'line\nbreak.txt', latin1('caf\xe9.txt')]),
    );
    expect(t?.sends.count).toBe(5);
    expect(new Set(t?.deletes.names)).toEqual(new Set(['old.txt', 'gone/', 'gone/x.txt']));
    expect(t?.deletes.count).toBe(3);
    expect(t?.bytes).toBe('new\n'.length + 'option-like\n'.length + 'newline\n'.length + 'latin1\n'.length);
    expect(await byteSnapshot(backup)).toEqual(before);
    // The typed password went through the environment, never the command line.
    expect(requests[0]?.args.join(' ')).not.toContain(daemon.password);
    expect(requests[0]?.env?.RSYNC_PASSWORD).toBe(daemon.password);
  });

  it('says per target what went wrong, with what to do, and sends nothing', async () => {
    const wrong = await previewSync(profile(), { rsyncPath: 'rsync', passwords: ['not-the-password'] });
    expect(wrong.targets[0]?.error?.code).toBe('AUTH_FAILED');
    const unstored = await previewSync(profile(), { rsyncPath: 'rsync' });
    expect(unstored.targets[0]?.error?.code).toBe('PASSWORD_MISSING');
    const file = await previewSync(profile({ type: 'passwordFile', path: daemon.passwordFile }), {
      rsyncPath: 'rsync',
    });
    expect(file.targets[0]?.error).toBeNull();
    expect(await readFile(path.join(backup, 'old.txt'), 'utf8')).toBe('old\n');
  });

  it('refuses a missing source folder', async () => {
    const p = { ...profile(), source: path.join(work, 'nope') };
    await expect(previewSync(p, { rsyncPath: 'rsync' })).rejects.toMatchObject({ code: 'SOURCE_MISSING' });
  });
});
