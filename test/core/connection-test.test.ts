/**
 * "Test connection" against real rsync daemons on 127.0.0.1 (auth users + secrets file): besides
 * the daemon and the login it writes a probe file where the syncs go and takes it back out. A
 * read-only module and a folder the daemon's uid cannot write each give their own verdict and
 * what to do, and no run of the test changes anything on the backup — checked by comparing the
 * module's tree before and after. Through the function, the API and the CLI.
 */
import { execa } from 'execa';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { PROBE_PREFIX, testConnection } from '../../electron/core/service/connection-test.ts';
import type { ConnectionReport } from '../../electron/shared/contract.ts';
import { CONFIG_VERSION, TargetSchema, type Target } from '../../electron/shared/profile-schema.ts';
import { startScriptedService } from '../support/scripted-service.ts';
import { snapshot } from '../support/trees.ts';

const BIN = path.resolve('bin/rsync-tray.mjs');
/**
 * A daemon started by root serves this module as `nobody`, and its folder is root's, mode 755:
 * readable, not writable. Not as root, the daemon runs as us, so the folder is made 555 instead.
 */
const asRoot = process.getuid?.() === 0;

let work: string;
let daemon: LocalDaemon;
let lockedFolder: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-conntest-'));
  // `nobody` must be able to reach the module folder through its parents.
  await chmod(work, 0o755);
  lockedFolder = path.join(work, 'locked');
  daemon = await startLocalDaemon({
    rootDir: path.join(work, 'daemon'),
    modules: [
      { name: 'backup' },
      { name: 'archive', readOnly: true },
      { name: 'locked', path: lockedFolder, extra: asRoot ? ['uid = nobody', 'gid = nogroup'] : [] },
    ],
  });
  for (const dir of [path.join(work, 'daemon'), path.join(work, 'daemon', 'modules')]) await chmod(dir, 0o755);
  // What is on the backup already, a look-alike of the probe's name included: none of it may change.
  for (const m of ['backup', 'archive', 'locked']) {
    const root = daemon.modules[m]!;
    await mkdir(path.join(root, 'photos', '2024'), { recursive: true });
    await writeFile(path.join(root, 'photos', '2024', 'a.jpg'), 'jpeg');
    await writeFile(path.join(root, 'notes.txt'), 'keep me');
    await writeFile(path.join(root, `${PROBE_PREFIX}not-ours`), 'someone else’s');
    await writeFile(path.join(root, 'photos', 'plain-file'), 'a file, not a folder');
  }
  await chmod(lockedFolder, asRoot ? 0o755 : 0o555);
}, 30_000);

afterAll(async () => {
  await chmod(lockedFolder, 0o755).catch(() => undefined);
  await daemon?.dispose();
  if (work) await rm(work, { recursive: true, force: true });
});

const target = (module: string, extra: Partial<Target> = {}): Target =>
  TargetSchema.parse({
    host: daemon.host,
    port: daemon.port,
    module,
    user: daemon.user,
    auth: { type: 'passwordFile', path: daemon.passwordFile },
    ...extra,
  });

/** Runs the test and checks that the module's tree is exactly as it was. */
async function testUnchanged(t: Target): Promise<ConnectionReport> {
  const before = await snapshot(daemon.modules[t.module]!);
  const report = await testConnection(t);
  expect(await snapshot(daemon.modules[t.module]!)).toEqual(before);
  return report;
}

describe('the write probe', () => {
  it('a writable module passes, and the probe file is gone afterwards', async () => {
    const report = await testUnchanged(target('backup'));
    expect(report).toMatchObject({
      reachable: true,
      module: 'ok',
      write: { state: 'ok', folder: '', folderMissing: false, leftover: null },
      error: null,
    });
  });

  it('into the target’s folder when it exists', async () => {
    const report = await testUnchanged(target('backup', { path: 'photos/2024' }));
    expect(report.write).toEqual({ state: 'ok', folder: 'photos/2024', folderMissing: false, leftover: null });
  });

  it('a folder that does not exist yet is probed where the first sync creates it, and is not created', async () => {
    const report = await testUnchanged(target('backup', { path: 'photos/2025/summer' }));
    expect(report.write).toEqual({ state: 'ok', folder: 'photos', folderMissing: true, leftover: null });
    const fresh = await testUnchanged(target('backup', { path: 'laptop' }));
    expect(fresh.write).toMatchObject({ state: 'ok', folder: '', folderMissing: true });
  });

  it('a file where the path needs a folder is said as such', async () => {
    const report = await testUnchanged(target('backup', { path: 'photos/plain-file/x' }));
    expect(report.write.state).toBe('failed');
    expect(report.error?.message).toBe(
      '"photos/plain-file" in module "backup" is a file, so the folder "photos/plain-file/x" cannot be made.',
    );
  });

  it('a read-only module: the login works, writing is refused, and the hint names the setting', async () => {
    const report = await testUnchanged(target('archive'));
    expect(report.module).toBe('ok');
    expect(report.write.state).toBe('read-only');
    expect(report.error).toEqual({
      code: 'ACCESS_DENIED',
      message:
        'The module "archive" is read-only (read only = yes in the daemon\'s rsyncd.conf): ' +
        'the login works, but every sync into it would be refused.',
      hint:
        'On the server, set "read only = no" in the [archive] section of rsyncd.conf ' +
        '(the daemon reads it at the next connection), or choose a module you may write to.',
    });
  });

  it('a folder the daemon’s uid cannot write: permission denied, with the folder and the fix', async () => {
    const top = await testUnchanged(target('locked'));
    expect(top.module).toBe('ok');
    expect(top.write).toMatchObject({ state: 'denied', folder: '' });
    expect(top.error?.code).toBe('PERMISSION_DENIED');
    expect(top.error?.message).toMatch(/^The daemon may not write into the top folder of module "locked": permission/);
    expect(top.error?.hint).toMatch(/uid\/gid .*write access to that folder/);

    const deeper = await testUnchanged(target('locked', { path: 'photos/new' }));
    expect(deeper.write).toMatchObject({ state: 'denied', folder: 'photos', folderMissing: true });
    expect(deeper.error?.message).toMatch(
      /^The daemon may not write into the folder "photos" of module "locked" \(to create "photos\/new" in it\)/,
    );
  });

  it('a wrong rsync program in the settings is said as such, not as an unreachable daemon', async () => {
    const report = await testConnection(target('backup'), { rsyncPath: '/nonexistent/bin/rsync' });
    expect(report).toMatchObject({ reachable: false, module: 'skipped', write: { state: 'skipped' } });
    expect(report.error?.code).toBe('RSYNC_MISSING');
    expect(report.error?.message).toBe('rsync was not found at /nonexistent/bin/rsync.');
    expect(report.error?.hint).toMatch(/^Correct the rsync program in Settings/);
  });

  it('is not tried when the login fails', async () => {
    const report = await testConnection(target('backup', { auth: { type: 'none' } }));
    expect(report.module).toBe('failed');
    expect(report.write.state).toBe('skipped');
    expect(report.error?.code).toBe('AUTH_FAILED');
  });
});

describe('through the API and the CLI', () => {
  it('connection.test answers the write verdict', async () => {
    const h = await startScriptedService({ config: { version: CONFIG_VERSION, profiles: [] } });
    try {
      const r = await h.call('connection.test', { target: target('archive'), password: daemon.password });
      expect(r).toMatchObject({ ok: true, value: { module: 'ok', write: { state: 'read-only' } } });
      const ok = await h.call('connection.test', { target: target('backup'), password: daemon.password });
      expect(ok).toMatchObject({ ok: true, value: { write: { state: 'ok' }, error: null } });
    } finally {
      await h.service.dispose();
    }
  });

  it('rsync-tray test says which targets cannot be written and why, and exits 1', async () => {
    const configFile = path.join(work, 'config.json');
    const profile = (name: string, module: string) => ({
      name,
      source: work,
      targets: [{ ...target(module), path: name }],
    });
    await writeFile(
      configFile,
      JSON.stringify({
        version: 1,
        profiles: [profile('good', 'backup'), profile('ro', 'archive'), profile('denied', 'locked')],
      }),
    );
    const r = await execa(process.execPath, [BIN, 'test', '--config', configFile], {
      reject: false,
      env: { RSYNC_TRAY_HOME: work },
    });
    const port = daemon.port;
    expect(r.stdout).toContain(`[good] rsynctray@127.0.0.1:${port}/backup/good: OK`);
    expect(r.stdout).toContain(
      '  write: writable (a test file was written and removed in the top folder of module "backup"); ' +
        'the target folder does not exist yet, the first sync creates it',
    );
    expect(r.stdout).toContain(`[ro] rsynctray@127.0.0.1:${port}/archive/ro: FAILED`);
    expect(r.stdout).toContain('  write: refused: module "archive" is read-only (read only = yes)');
    expect(r.stdout).toMatch(/The module "archive" is read-only .* — On the server, set "read only = no"/);
    expect(r.stdout).toContain(`[denied] rsynctray@127.0.0.1:${port}/locked/denied: FAILED`);
    expect(r.stdout).toContain('  write: refused: permission denied in the top folder of module "locked"');
    expect(r.exitCode).toBe(1);
  });
});
