/**
 * A name that is not UTF-8 through the command line, as a user runs it (a real process, a real
 * daemon): `ls --json` gives it in the lossless encoding (the byte E9 as \udce9), `ls` shows it as
 * `caf\xE9.txt`, `restore --escaped 'caf\xE9.txt'` brings back exactly that file. A path that
 * reached argv already decoded lossily (Node turns the byte into U+FFFD) is refused with what to
 * do, instead of restoring nothing. The backup is unchanged afterwards, every argv a pull.
 */
import { execa } from 'execa';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { unescapePath } from '../../electron/headless/commands/restore.ts';
import { at, byteSnapshot, diffByteTrees, existsAt, latin1, writeAt } from '../support/byte-trees.ts';

const BIN = path.resolve('bin/rsync-tray.mjs');
const CAFE = latin1('caf\xe9.txt');
let home: string;
let daemon: LocalDaemon;
let source: string;
let backup: string;
let configFile: string;
let before: Map<string, string>;

const cli = (args: string[]) =>
  execa(process.execPath, [BIN, ...args, '--config', configFile], { reject: false, env: { RSYNC_TRAY_HOME: home } });

beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-cli-names-'));
  daemon = await startLocalDaemon({ rootDir: path.join(home, 'daemon'), modules: [{ name: 'backup' }] });
  source = path.join(home, 'source');
  backup = daemon.modules.backup!;
  await mkdir(source, { recursive: true });
  await writeAt(backup, `old/${CAFE}`, 'latin-1 named');
  await writeAt(backup, 'old/cafe.txt', 'the UTF-8 neighbour');
  configFile = path.join(home, 'config.json');
  const target = { host: '127.0.0.1', port: daemon.port, module: 'backup', user: daemon.user };
  await writeFile(
    configFile,
    JSON.stringify({
      version: 2,
      profiles: [
        {
          name: 'docs',
          source,
          keepDeletedDays: 7,
          targets: [{ ...target, auth: { type: 'passwordFile', path: daemon.passwordFile } }],
        },
      ],
    }),
  );
  before = await byteSnapshot(backup);
});

afterEach(async () => {
  expect(diffByteTrees(before, await byteSnapshot(backup))).toEqual([]);
  await daemon.dispose();
  await rm(home, { recursive: true, force: true });
});

describe('a name that is not UTF-8 on the command line', () => {
  it('ls --json gives it losslessly, ls shows it escaped, restore --escaped brings exactly it back', async () => {
    const listed = await cli(['ls', '--profile', 'docs', 'old', '--json']);
    expect(listed.exitCode).toBe(0);
    expect(listed.stdout).toContain('caf\\udce9.txt');
    const json = JSON.parse(listed.stdout) as { items: Array<{ path: string }> };
    expect(json.items.map((e) => e.path)).toContain(`old/${CAFE}`);
    const shown = await cli(['ls', '--profile', 'docs', 'old']);
    expect(shown.stdout).toContain('caf\\xE9.txt');

    const r = await cli(['restore', '--profile', 'docs', '--escaped', 'old/caf\\xE9.txt', '--json']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(await readFile(at(source, `old/${CAFE}`), 'utf8')).toBe('latin-1 named');
    // Only that file: its UTF-8 look-alike stayed on the backup.
    expect(await existsAt(source, 'old/cafe.txt')).toBe(false);
  });

  it('a path Node already decoded lossily is refused, saying to use --escaped', async () => {
    const r = await cli(['restore', '--profile', 'docs', 'old/caf\uFFFD.txt']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--escaped');
    expect(await existsAt(source, 'old')).toBe(false);
  });

  it('unescapePath reverses what ls shows, and refuses a stray backslash', () => {
    expect(unescapePath('caf\\xE9.txt')).toBe(CAFE);
    expect(unescapePath('line\\nbreak \\\\ \\u{202E}x')).toBe('line\nbreak \\ \u202Ex');
    expect(unescapePath('plain/é.txt')).toBe('plain/é.txt');
    expect(() => unescapePath('a\\qb')).toThrow(/backslash/);
  });
});
