/**
 * `rsync-tray service install | uninstall | status` as a user runs it (a real process), with the
 * unit checked by systemd's own `systemd-analyze verify` and the launchd plist by Python's plistlib.
 * --unit-dir keeps every test away from the real /etc/systemd.
 */
import { execa } from 'execa';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const BIN = path.resolve('bin/rsync-tray.mjs');
let home: string;
let configFile: string;
let sources: [string, string];

const cli = (args: string[]) =>
  execa(process.execPath, [BIN, ...args], { reject: false, env: { RSYNC_TRAY_HOME: home } });

beforeEach(async () => {
  // Not under /tmp: a source there gets no PrivateTmp (tested below), and these check the rest.
  await mkdir('/srv/rsync-tray-tests', { recursive: true });
  home = await mkdtemp('/srv/rsync-tray-tests/rt-service-');
  sources = [path.join(home, 'src one'), path.join(home, 'data')];
  for (const s of sources) await mkdir(s);
  configFile = path.join(home, 'config.json');
  const profile = (name: string, source: string) => ({
    name,
    source,
    targets: [{ host: '127.0.0.1', module: 'backup' }],
  });
  await writeFile(
    configFile,
    JSON.stringify({ version: 2, profiles: [profile('one', sources[0]), profile('two', sources[1])] }),
  );
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

/** The unit's lines as key → values (a key may repeat). */
function keys(text: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^(\w+)=(.*)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) map.set(m[1], [...(map.get(m[1]) ?? []), m[2]]);
  }
  return map;
}

async function verify(text: string, user = false) {
  const dir = path.join(home, 'verify');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'rsync-tray.service');
  await writeFile(file, text);
  return execa('systemd-analyze', [...(user ? ['--user'] : []), 'verify', file], { reject: false });
}

describe('service install --print (system unit)', () => {
  it('is a hardened Type=notify unit that systemd-analyze verify accepts', async () => {
    const r = await cli(['service', 'install', '--print', '--config', configFile]);
    expect(r.exitCode, r.stderr).toBe(0);
    const unit = keys(r.stdout);
    expect(unit.get('Type')).toEqual(['notify']);
    expect(unit.get('NotifyAccess')).toEqual(['all']);
    expect(unit.get('WatchdogSec')).toEqual(['60']);
    expect(unit.get('NoNewPrivileges')).toEqual(['yes']);
    expect(unit.get('PrivateTmp')).toEqual(['yes']);
    expect(unit.get('ProtectSystem')).toEqual(['strict']);
    // Writable: the config folder (state, socket) and the sources (restore writes there), no more.
    const rw = unit.get('ReadWritePaths')?.[0] ?? '';
    expect(rw).toContain(`-${home} `);
    expect(rw).toContain(`"-${sources[0]}"`);
    expect(rw).toContain(`-${sources[1]}`);
    expect(unit.get('ExecStart')?.[0]).toContain(`${BIN} run --config ${configFile}`);
    const verdict = await verify(r.stdout);
    expect(verdict.exitCode, verdict.stderr).toBe(0);
    expect(verdict.stderr).not.toMatch(/rsync-tray\.service:/);
  });

  it('keeps /home readable (read-only, not hidden) when a source lives there', async () => {
    await writeFile(
      configFile,
      JSON.stringify({ version: 2, profiles: [{ name: 'h', source: '/home/alice/docs', targets: [] }] }),
    );
    const inHome = keys((await cli(['service', 'install', '--print', '--config', configFile])).stdout);
    expect(inHome.get('ProtectHome')).toEqual(['read-only']);
    expect(inHome.get('ReadWritePaths')?.[0]).toContain('-/home/alice/docs');
    const elsewhere = path.join(home, 'srv.json');
    await writeFile(elsewhere, JSON.stringify({ version: 2, profiles: [{ name: 's', source: '/srv/www' }] }));
    // home is under /tmp here: nothing under /home, so it is hidden altogether.
    expect(
      keys((await cli(['service', 'install', '--print', '--config', elsewhere])).stdout).get('ProtectHome'),
    ).toEqual(['yes']);
  });
});

describe('a source under /tmp', () => {
  it('gets no PrivateTmp (the service would see an empty /tmp), and the unit still verifies', async () => {
    const tmpSource = await mkdtemp('/tmp/rt-service-src-');
    try {
      await writeFile(
        configFile,
        JSON.stringify({
          version: 2,
          profiles: [{ name: 't', source: tmpSource, targets: [{ host: '127.0.0.1', module: 'm' }] }],
        }),
      );
      const r = await cli(['service', 'install', '--print', '--config', configFile]);
      expect(r.exitCode).toBe(0);
      expect(keys(r.stdout).get('PrivateTmp')).toBeUndefined();
      expect(keys(r.stdout).get('ReadWritePaths')?.[0]).toContain(tmpSource);
      expect((await verify(r.stdout)).stderr).not.toMatch(/PrivateTmp/);
    } finally {
      await rm(tmpSource, { recursive: true, force: true });
    }
  });
});

describe('the script the unit runs', () => {
  it('started through a link (npx runs node_modules/.bin/rsync-tray): the real bin, not a path beside the link', async () => {
    const link = path.join(home, 'bin-link', 'rsync-tray');
    await mkdir(path.dirname(link));
    await symlink(BIN, link);
    const r = await execa(process.execPath, [link, 'service', 'install', '--print', '--config', configFile], {
      reject: false,
      env: { RSYNC_TRAY_HOME: home },
    });
    expect(r.exitCode).toBe(0);
    expect(keys(r.stdout).get('ExecStart')?.[0]).toContain(`${BIN} run --config ${configFile}`);
  });
});

describe('service install --user --print', () => {
  it('is a user unit for default.target without the mount-namespace options', async () => {
    const r = await cli(['service', 'install', '--user', '--print', '--config', configFile]);
    expect(r.exitCode, r.stderr).toBe(0);
    const unit = keys(r.stdout);
    expect(unit.get('WantedBy')).toEqual(['default.target']);
    expect(unit.get('Type')).toEqual(['notify']);
    expect(unit.get('NoNewPrivileges')).toEqual(['yes']);
    expect(unit.has('ProtectSystem')).toBe(false);
    expect(unit.has('User')).toBe(false);
    const verdict = await verify(r.stdout, true);
    expect(verdict.stderr).not.toMatch(/rsync-tray\.service:/);
  });
});

describe('service install / status / uninstall into a folder', () => {
  it('writes the unit, reports it, and removes it again', async () => {
    const dir = path.join(home, 'units');
    const before = await cli(['service', 'status', '--unit-dir', dir, '--config', configFile]);
    expect(before.exitCode).toBe(3);
    expect(before.stdout).toContain('Not installed');
    const installed = await cli(['service', 'install', '--unit-dir', dir, '--config', configFile]);
    expect(installed.exitCode, installed.stderr).toBe(0);
    const file = path.join(dir, 'rsync-tray.service');
    const printed = await cli(['service', 'install', '--print', '--config', configFile]);
    expect(await readFile(file, 'utf8')).toBe(printed.stdout + (printed.stdout.endsWith('\n') ? '' : '\n'));
    expect((await stat(file)).mode & 0o777).toBe(0o644);
    const now = await cli(['service', 'status', '--unit-dir', dir, '--config', configFile]);
    expect(now.exitCode).toBe(0);
    expect(now.stdout).toContain(file);
    const removed = await cli(['service', 'uninstall', '--unit-dir', dir, '--config', configFile]);
    expect(removed.exitCode).toBe(0);
    await expect(stat(file)).rejects.toThrow();
    expect((await cli(['service', 'status', '--unit-dir', dir, '--config', configFile])).exitCode).toBe(3);
  });

  it('refuses an unknown action with the usage', async () => {
    const r = await cli(['service', 'start']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('install, uninstall or status');
  });
});

describe('service install --launchd --print (macOS)', () => {
  it('is a plist launchd reads: the label, the program and its arguments, restarted on failure', async () => {
    const r = await cli(['service', 'install', '--launchd', '--print', '--config', configFile]);
    expect(r.exitCode, r.stderr).toBe(0);
    const parsed = await execa(
      'python3',
      ['-c', 'import json,plistlib,sys; print(json.dumps(plistlib.loads(sys.stdin.buffer.read())))'],
      { input: r.stdout },
    );
    const plist = JSON.parse(parsed.stdout) as Record<string, unknown>;
    expect(plist.Label).toBe('org.rsync-tray.engine');
    expect(plist.ProgramArguments).toEqual([
      process.execPath,
      '--max-semi-space-size=1',
      BIN,
      'run',
      '--config',
      configFile,
    ]);
    expect(plist.RunAtLoad).toBe(true);
    expect(plist.KeepAlive).toEqual({ SuccessfulExit: false });
  });
});
