/**
 * conf.d: one profile per file beside the main config, merged in at load; problems named by file,
 * a name given twice refused naming both files; `validate --json` as a pipeline reads it (exit
 * codes 0 / 1 / 2, the documented schema); and a host's save writes a conf.d profile back to its
 * own file, not into the main one.
 */
import { execa } from 'execa';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidateReportSchema } from '../../electron/headless/commands/validate-report.ts';
import { fileConfigStore } from '../../electron/headless/file-stores.ts';

const BIN = path.resolve('bin/rsync-tray.mjs');
let home: string;
let main: string;
let src: string;
const cli = (args: string[]) =>
  execa(process.execPath, [BIN, ...args], { reject: false, env: { RSYNC_TRAY_HOME: home } });

const profile = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  source: src,
  targets: [{ host: '127.0.0.1', module: name }],
  ...extra,
});

beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-confd-'));
  src = path.join(home, 'src');
  await mkdir(src);
  main = path.join(home, 'config.json');
  await writeFile(main, JSON.stringify({ version: 2, profiles: [profile('main')] }));
  await mkdir(path.join(home, 'conf.d'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const drop = (name: string, data: unknown) =>
  writeFile(path.join(home, 'conf.d', name), typeof data === 'string' ? data : JSON.stringify(data));

describe('conf.d', () => {
  it('merges one profile per file; validate --json lists where each is from (exit 0)', async () => {
    await drop('web.json', profile('web'));
    await drop('db.json', profile('db', { hooks: { pingUrl: 'https://hc-ping.com/x' } }));
    await drop('notes.txt', 'not a profile: ignored');
    const r = await cli(['validate', '--config', main, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const report = ValidateReportSchema.parse(JSON.parse(r.stdout));
    expect(report.valid).toBe(true);
    expect(report.profiles.map((p) => [p.name, p.file])).toEqual([
      ['main', 'config.json'],
      ['db', 'conf.d/db.json'],
      ['web', 'conf.d/web.json'],
    ]);
    const text = await cli(['validate', '--config', main]);
    expect(text.stdout).toContain('is valid: 3 profiles.');
  });

  it('a bad field is named by its file (exit 2, the same in --json)', async () => {
    await drop('web.json', profile('web', { targets: [{ host: '127.0.0.1', module: 'web', port: 70000 }] }));
    const r = await cli(['validate', '--config', main]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(
      'conf.d/web.json: targets[0].port: The port must be a whole number between 1 and 65535.',
    );
    const j = await cli(['validate', '--config', main, '--json']);
    expect(j.exitCode).toBe(2);
    const report = ValidateReportSchema.parse(JSON.parse(j.stdout));
    expect(report).toMatchObject({ valid: false, profiles: [], error: { code: 'INVALID_CONFIG' } });
    expect(report.error!.message).toContain('conf.d/web.json');
  });

  it('a profile name in two files is refused naming both', async () => {
    await drop('a.json', profile('web'));
    await drop('b.json', profile('web'));
    await drop('c.json', profile('main'));
    const r = await cli(['validate', '--config', main]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('The profile "web" is in both conf.d/a.json and conf.d/b.json');
    expect(r.stderr).toContain('the profile "main" is in both config.json and conf.d/c.json');
  });

  it('what this machine lacks is exit 1, listed in problems', async () => {
    await drop('web.json', profile('web', { source: path.join(home, 'missing') }));
    const r = await cli(['validate', '--config', main, '--json']);
    expect(r.exitCode).toBe(1);
    const report = ValidateReportSchema.parse(JSON.parse(r.stdout));
    expect(report.valid).toBe(true);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toContain('[web]');
  });

  it('a save writes a conf.d profile back to its own file, and sets aside one deleted', async () => {
    await drop('web.json', profile('web'));
    await drop('db.json', profile('db'));
    const store = fileConfigStore(main, () => {});
    const config = await store.read();
    expect(config.profiles.map((p) => p.name)).toEqual(['main', 'db', 'web']);
    const web = config.profiles.find((p) => p.name === 'web')!;
    await store.write({
      ...config,
      profiles: [...config.profiles.filter((p) => p.name === 'main'), { ...web, compress: true }],
    });
    const mainAfter = JSON.parse(await readFile(main, 'utf8')) as { profiles: { name: string }[] };
    expect(mainAfter.profiles.map((p) => p.name)).toEqual(['main']);
    expect(JSON.parse(await readFile(path.join(home, 'conf.d', 'web.json'), 'utf8'))).toMatchObject({
      name: 'web',
      compress: true,
    });
    await expect(readFile(path.join(home, 'conf.d', 'db.json.removed'), 'utf8')).resolves.toContain('"db"');
    expect((await store.read()).profiles.map((p) => p.name)).toEqual(['main', 'web']);
  });
});
