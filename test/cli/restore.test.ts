/**
 * `rsync-tray ls`, `restore` and `versions` as a user runs them: a real process, a config on
 * disk, a real daemon; standalone (no engine running) and through a running `run`, which pauses
 * the profile while the files arrive. The backup is unchanged afterwards in every case.
 */
import { execa, type ResultPromise } from 'execa';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { byteSnapshot, diffByteTrees, writeAt } from '../support/byte-trees.ts';
import { poll } from '../support/sync-fixture.ts';
import { exists } from '../support/trees.ts';

const BIN = path.resolve('bin/rsync-tray.mjs');
let home: string;
let daemon: LocalDaemon;
let source: string;
let backup: string;
let configFile: string;
let before: Map<string, string>;

const cli = (args: string[]) =>
  execa(process.execPath, [BIN, ...args, '--config', configFile], { reject: false, env: { RSYNC_TRAY_HOME: home } });

beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-cli-restore-'));
  daemon = await startLocalDaemon({ rootDir: path.join(home, 'daemon'), modules: [{ name: 'backup' }] });
  source = path.join(home, 'source');
  backup = daemon.modules.backup!;
  await mkdir(source, { recursive: true });
  await writeAt(source, 'notes.txt', 'my local notes');
  await writeAt(backup, 'notes.txt', 'notes on the backup');
  await writeAt(backup, 'lost/report.txt', 'the report');
  await writeAt(backup, '.rsync-tray-deleted/2026-12-01/lost/report.txt', 'an older report');
  configFile = path.join(home, 'config.json');
  const target = { host: '127.0.0.1', port: daemon.port, module: 'backup', user: daemon.user };
  const auth = { type: 'passwordFile', path: daemon.passwordFile };
  await writeFile(
    configFile,
    JSON.stringify({
      version: 2,
      profiles: [{ name: 'docs', source, keepDeletedDays: 7, targets: [{ ...target, auth }] }],
    }),
  );
  before = await byteSnapshot(backup);
});

afterEach(async () => {
  expect(diffByteTrees(before, await byteSnapshot(backup))).toEqual([]);
  await daemon.dispose();
  await rm(home, { recursive: true, force: true });
});

describe('rsync-tray ls / restore / versions, with no engine running', () => {
  it('ls shows each entry beside its local state; --json for scripts', async () => {
    const r = await cli(['ls', '--profile', 'docs']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^backup only .* lost\/$/m);
    expect(r.stdout).toMatch(/^DIFFERS .* notes\.txt$/m);
    expect(r.stdout).not.toContain('.rsync-tray-deleted');
    const json = JSON.parse((await cli(['ls', '--profile', 'docs', 'lost', '--json'])).stdout);
    expect(json.items).toMatchObject([{ path: 'lost/report.txt', state: 'backup-only', size: 10 }]);
  });

  it('restore: a dry run first, a conflict refused without a choice, then keep-both', async () => {
    const dry = await cli(['restore', '--profile', 'docs', 'notes.txt', 'lost', '--dry-run']);
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toMatch(/Would restore .*1 local file differs/);
    expect(dry.stdout).toContain('differs: notes.txt');
    expect(await exists(path.join(source, 'lost'))).toBe(false);

    const refused = await cli(['restore', '--profile', 'docs', 'notes.txt', 'lost']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/differ from the backup[\s\S]*What to do: .*--on-conflict keep-both/);

    const done = await cli(['restore', '--profile', 'docs', 'notes.txt', 'lost', '--on-conflict', 'keep-both']);
    expect(done.exitCode).toBe(0);
    expect(done.stdout).toMatch(/kept both: notes\.txt — restored copy: notes \(restored \d{4}-\d\d-\d\d\)\.txt/);
    expect(await readFile(path.join(source, 'notes.txt'), 'utf8')).toBe('my local notes');
    expect(await readFile(path.join(source, 'lost/report.txt'), 'utf8')).toBe('the report');
  });

  it('versions lists the kept days; restore --version brings one back elsewhere', async () => {
    const v = await cli(['versions', '--profile', 'docs', 'lost/report.txt']);
    expect(v.exitCode).toBe(0);
    expect(v.stdout).toMatch(/^lost\/report\.txt now: 10 B/m);
    expect(v.stdout).toMatch(/^2026-12-01 .* lost\/report\.txt$/m);
    const to = path.join(home, 'old');
    const r = await cli(['restore', '--profile', 'docs', 'lost/report.txt', '--version', '2026-12-01', '--to', to]);
    expect(r.exitCode).toBe(0);
    expect(await readFile(path.join(to, 'report.txt'), 'utf8')).toBe('an older report');
  });

  it('--all into a new folder, with the next steps; into a non-empty one refused (NOT_EMPTY)', async () => {
    const to = path.join(home, 'new-machine');
    const r = await cli(['restore', '--profile', 'docs', '--all', '--to', to]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`Next: Point profile "docs" at ${to}`);
    expect(await readFile(path.join(to, 'lost/report.txt'), 'utf8')).toBe('the report');
    expect(await exists(path.join(to, '.rsync-tray-deleted'))).toBe(false);
    const again = await cli(['restore', '--profile', 'docs', '--all', '--to', to]);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/already holds files[\s\S]*--force/);
  });

  it('bad input says what to do', async () => {
    const r = await cli(['restore', '--profile', 'docs', 'x', '--on-conflict', 'merge']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--on-conflict must be one of keep-both, overwrite, skip/);
    const up = await cli(['restore', '--profile', 'docs', '../etc/passwd']);
    expect(up.exitCode).toBe(2);
    expect(up.stderr).toMatch(/climbs out of the backup/);
  });
});

describe('through a running engine', () => {
  it('restores into the watched source without pushing anything back', async () => {
    await writeFile(path.join(source, 'notes.txt'), 'notes on the backup');
    const run: ResultPromise = execa(process.execPath, [BIN, 'run', '--config', configFile], {
      reject: false,
      env: { RSYNC_TRAY_HOME: home },
    });
    let output = '';
    run.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    await poll(
      () => (/: current/.test(output) ? true : undefined),
      20_000,
      () => output,
    );
    // The first sync mirrored the source (lost/ went to the safety net): lost on this machine now.
    await writeAt(backup, 'lost/report.txt', 'the report');
    before = await byteSnapshot(backup);
    const r = await cli(['restore', '--profile', 'docs', 'lost']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(await readFile(path.join(source, 'lost/report.txt'), 'utf8')).toBe('the report');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const status = await cli(['status']);
    expect(status.stdout).toMatch(/docs: current/);
    run.kill('SIGTERM');
    await run;
  }, 60_000);
});
