/**
 * The CLI as a user runs it: a real process (bin/rsync-tray.mjs), a config file on disk, a real
 * rsync daemon on 127.0.0.1.
 */
import { execa, type ResultPromise } from 'execa';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { poll } from '../support/sync-fixture.ts';
import { exists, treesEqual } from '../support/trees.ts';

const BIN = path.resolve('bin/rsync-tray.mjs');
const cli = (args: string[], options: { input?: string; env?: Record<string, string> } = {}) =>
  execa(process.execPath, [BIN, ...args], {
    reject: false,
    input: options.input,
    env: { ...options.env, RSYNC_TRAY_HOME: home },
  });

let home: string;
let daemon: LocalDaemon;
let source: string;
let configFile: string;

function config(targetOverrides: Record<string, unknown> = {}, profileOverrides: Record<string, unknown> = {}) {
  return {
    version: 1,
    profiles: [
      {
        name: 'docs',
        source,
        bandwidthLimit: '5M',
        targets: [
          {
            host: '127.0.0.1',
            port: daemon.port,
            module: 'backup',
            user: daemon.user,
            auth: { type: 'passwordFile', path: daemon.passwordFile },
            ...targetOverrides,
          },
        ],
        ...profileOverrides,
      },
    ],
  };
}

beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-cli-'));
  daemon = await startLocalDaemon({
    rootDir: path.join(home, 'daemon'),
    modules: [{ name: 'backup' }, { name: 'more' }],
  });
  source = path.join(home, 'source');
  await import('node:fs/promises').then((fs) => fs.mkdir(source));
  await writeFile(path.join(source, 'a.txt'), 'alpha');
  configFile = path.join(home, 'config.json');
  await writeFile(configFile, JSON.stringify(config()));
});

afterEach(async () => {
  await daemon.dispose();
  await rm(home, { recursive: true, force: true });
});

describe('rsync-tray CLI', () => {
  it('demo --once shows a change arriving through a private local daemon', async () => {
    const r = await execa(process.execPath, [BIN, 'demo', '--once'], { reject: false });
    expect(r.stdout).toMatch(/Local test server: rsync daemon on 127\.0\.0\.1:\d+/);
    expect(r.stdout).toMatch(/hello\.txt was on the backup \d+ ms after it was written/);
    expect(r.exitCode).toBe(0);
  });

  it('validate explains a good config and lists every problem of a bad one', async () => {
    const good = await cli(['validate', '--config', configFile]);
    expect(good.exitCode).toBe(0);
    expect(good.stdout).toContain('5M = 5 MiB/s');
    const bad = config({ port: 'eight', module: '' }, { bandwidthLimit: '5' });
    await writeFile(configFile, JSON.stringify(bad));
    const r = await cli(['validate', '--config', configFile]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/profiles\[0\]\.targets\[0\]\.port \(profile "docs"\): /);
    expect(r.stderr).toMatch(
      /profiles\[0\]\.targets\[0\]\.module \(profile "docs"\): The module name must not be empty/,
    );
    expect(r.stderr).toMatch(/profiles\[0\]\.bandwidthLimit .*5M for 5 MiB\/s/);
    await writeFile(configFile, '{ "version": 1, "profiles": [ }');
    const syntax = await cli(['validate', '--config', configFile]);
    expect(syntax.exitCode).toBe(2);
    expect(syntax.stderr).toMatch(/is not valid JSON/);
    const missing = await cli(['validate', '--config', path.join(home, 'nope.json')]);
    expect(missing.stderr).toMatch(/There is no config file at .*nope\.json/);
  });

  it('test reports modules, then a good login, a wrong password and an unknown module', async () => {
    const ok = await cli(['test', '--config', configFile]);
    expect(ok.stdout).toMatch(/docs\] rsynctray@127\.0\.0\.1:\d+\/backup: OK/);
    expect(ok.stdout).toContain('lists modules: backup');
    expect(ok.exitCode).toBe(0);
    await writeFile(configFile, JSON.stringify(config({ auth: { type: 'env', variable: 'BACKUP_PW' } })));
    const wrong = await cli(['test', '--config', configFile], { env: { BACKUP_PW: 'wrong-password' } });
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stdout).toMatch(/FAILED[\s\S]*Authentication failed/);
    expect(wrong.stdout + wrong.stderr).not.toContain('wrong-password');
    await writeFile(configFile, JSON.stringify(config({ module: 'nope' })));
    const unknown = await cli(['test', '--config', configFile]);
    expect(unknown.stdout).toMatch(/Unknown module `nope` on 127\.0\.0\.1:\d+\. The daemon lists `backup`, `more`\./);
  });

  it('sync without a running engine does one full sync and exits; a failure exits 1 and changes nothing', async () => {
    const r = await cli(['sync', '--config', configFile]);
    expect(r.exitCode).toBe(0);
    expect(await treesEqual(source, daemon.modules.backup!)).toEqual([]);
    await writeFile(path.join(source, 'b.txt'), 'beta');
    await writeFile(configFile, JSON.stringify(config({ auth: { type: 'env', variable: 'BACKUP_PW' } })));
    const failed = await cli(['sync', '--config', configFile], { env: { BACKUP_PW: 'wrong' } });
    expect(failed.exitCode).toBe(1);
    expect(failed.stdout).toMatch(/FAILED \[docs\].*Authentication failed/);
    // The status line before it announced a retry; this one pass says there will be none.
    expect(failed.stdout).toMatch(/FAILED \[docs\].*Not retried: `sync` without a running engine is one pass/);
    expect(await exists(path.join(daemon.modules.backup!, 'b.txt'))).toBe(false);
  });

  it('a one-shot sync runs and ends though an earlier run left the profile paused', async () => {
    const stateDir = path.join(path.dirname(configFile), 'state', path.basename(configFile, '.json'));
    await import('node:fs/promises').then((fs) => fs.mkdir(stateDir, { recursive: true }));
    const paused = JSON.stringify({ version: 1, all: { until: null }, profiles: {} });
    await writeFile(path.join(stateDir, 'control.json'), paused);
    const r = await cli(['sync', '--config', configFile]);
    expect(r.exitCode).toBe(0);
    expect(await treesEqual(source, daemon.modules.backup!)).toEqual([]);
    expect(await readFile(path.join(stateDir, 'control.json'), 'utf8')).toBe(paused);
  });

  it('run syncs live, answers status/sync/pause/resume from another shell, and stops cleanly on SIGTERM', async () => {
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
    await writeFile(path.join(source, 'live.txt'), 'live');
    await poll(
      async () => ((await exists(path.join(daemon.modules.backup!, 'live.txt'))) ? true : undefined),
      10_000,
      () => output,
    );

    const status = await cli(['status', '--config', configFile]);
    expect(status.stdout).toMatch(/docs: current/);
    // The window's target panel facts, in the same words (shared/transfer-presenter.ts).
    expect(status.stdout).toMatch(/^ {4}server: reachable · last contact (just now|\d+ s ago)$/m);
    expect(status.stdout).toMatch(/^ {4}last synced: (just now|\d+ s ago) \(\d\d:\d\d\)$/m);
    expect((await cli(['status', '--config', configFile, '--json'])).stdout).toContain('"lastSuccessAt"');
    expect((await cli(['pause', '--config', configFile, '--profile', 'docs'])).exitCode).toBe(0);
    expect((await cli(['status', '--config', configFile])).stdout).toMatch(/docs: paused/);
    await writeFile(path.join(source, 'while-paused.txt'), 'later');
    await new Promise((r) => setTimeout(r, 300));
    expect(await exists(path.join(daemon.modules.backup!, 'while-paused.txt'))).toBe(false);
    expect((await cli(['resume', '--config', configFile])).exitCode).toBe(0);
    await poll(
      async () => ((await exists(path.join(daemon.modules.backup!, 'while-paused.txt'))) ? true : undefined),
      10_000,
      () => output,
    );
    const sync = await cli(['sync', '--config', configFile]);
    expect(sync.stdout).toContain('Asked the running engine to sync every profile now');
    await poll(
      () => ((output.match(/full sync →/g) ?? []).length >= 2 ? true : undefined),
      10_000,
      () => output,
    );

    run.kill('SIGTERM');
    const result = await run;
    expect(result.exitCode).toBe(0);
    expect(output).toContain('SIGTERM: stopping');
    expect((await cli(['status', '--config', configFile])).exitCode).toBe(3);
  });

  it('export then import round-trips profiles; a malformed import changes nothing', async () => {
    const exported = path.join(home, 'export.json');
    expect((await cli(['export', '--config', configFile, '--output', exported])).exitCode).toBe(0);
    const data = JSON.parse(await readFile(exported, 'utf8'));
    expect(data.version).toBe(2);
    expect(data.profiles[0].name).toBe('docs');
    expect(JSON.stringify(data)).not.toContain(daemon.password);

    const other = path.join(home, 'other.json');
    const first = await cli(['import', exported, '--config', other]);
    expect(first.stdout).toContain('1 created (docs)');
    const conflict = await cli(['import', exported, '--config', other]);
    expect(conflict.exitCode).toBe(2);
    expect(conflict.stderr).toMatch(/"docs" exists already/);
    // A renamed copy would mirror into the same backup folder as the original: refused whole.
    const copy = await cli(['import', exported, '--config', other, '--on-conflict', 'rename']);
    expect(copy.exitCode).toBe(2);
    expect(copy.stderr).toMatch(/Profile "docs \(2\)" target 1 .* is the same backup folder as profile "docs"/);

    const before = await readFile(other, 'utf8');
    const broken = path.join(home, 'broken.json');
    await writeFile(
      broken,
      JSON.stringify({
        version: 1,
        profiles: [{ name: 'x', source: 'relative/path', targets: [{ host: 'h', module: 'm', port: 70000 }] }],
      }),
    );
    const r = await cli(['import', broken, '--config', other]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/profiles\[0\]\.source \(profile "x"\): The source folder must be an absolute path/);
    expect(r.stderr).toMatch(/profiles\[0\]\.targets\[0\]\.port/);
    expect(await readFile(other, 'utf8')).toBe(before);
  });

  it('password set stores a secret (mode 600) from stdin, never from argv, and a "secret" target uses it', async () => {
    await writeFile(configFile, JSON.stringify(config({ auth: { type: 'secret' } })));
    const set = await cli(['password', 'set', 'docs', '--config', configFile], { input: `${daemon.password}\n` });
    expect(set.exitCode).toBe(0);
    const secrets = path.join(home, 'secrets.json');
    expect((await stat(secrets)).mode & 0o777).toBe(0o600);
    const r = await cli(['sync', '--config', configFile]);
    expect(r.exitCode).toBe(0);
    expect(await treesEqual(source, daemon.modules.backup!)).toEqual([]);
  });

  it('validate names what this machine lacks: a missing source, a readable password file', async () => {
    await writeFile(configFile, JSON.stringify(config({}, { source: path.join(home, 'not-there') })));
    const r = await cli(['validate', '--config', configFile]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/PROBLEM \[docs\] the source folder .*not-there is missing/);
  });

  it('a one-shot sync of a missing source says so, exits 1 and leaves the backup as it was', async () => {
    await writeFile(path.join(source, 'kept.txt'), 'x');
    expect((await cli(['sync', '--config', configFile])).exitCode).toBe(0);
    await rm(source, { recursive: true });
    const r = await cli(['sync', '--config', configFile]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(
      /FAILED \[docs\].*source folder .* is missing or not a folder; nothing was sent and nothing on the backup was changed/,
    );
    expect(r.stdout).toContain('a one-shot `rsync-tray sync` does not'); // no promise that it resumes by itself
    expect(await exists(path.join(daemon.modules.backup!, 'kept.txt'))).toBe(true);
  });

  it(
    'a one-shot sync that meets a mass deletion holds it, exits 1, ' + 'and --confirm-deletions carries it out',
    async () => {
      for (let i = 0; i < 20; i++) await writeFile(path.join(source, `f${i}`), 'x');
      expect((await cli(['sync', '--config', configFile])).exitCode).toBe(0);
      for (let i = 0; i < 20; i++) await rm(path.join(source, `f${i}`));
      const held = await cli(['sync', '--config', configFile]);
      expect(held.exitCode).toBe(1);
      expect(held.stdout).toMatch(
        /HELD \[docs\].*would delete 20 more entries.*moved to .rsync-tray-deleted.*rsync-tray sync --profile "docs" --confirm-deletions/,
      );
      expect(await exists(path.join(daemon.modules.backup!, 'f0'))).toBe(true);
      const confirmed = await cli(['sync', '--config', configFile, '--confirm-deletions']);
      expect(confirmed.exitCode).toBe(0);
      // The mirror matches; what it deleted waits in the safety net (on by default).
      const net = (rel: string) => rel.startsWith('.rsync-tray-deleted');
      expect(await treesEqual(source, daemon.modules.backup!, net)).toEqual([]);
      expect(await exists(path.join(daemon.modules.backup!, '.rsync-tray-deleted'))).toBe(true);
    },
  );

  it('a running engine holds deletions over the budget; `held` names them (escaped), totals folders, searches; confirming says where they go', async () => {
    await writeFile(configFile, JSON.stringify(config({}, { bandwidthLimit: '' })));
    for (let i = 0; i < 20; i++) await writeFile(path.join(source, `f${i}`), 'x');
    await import('node:fs/promises').then((fs) => fs.mkdir(path.join(source, 'sub')));
    await writeFile(path.join(source, 'sub/a.bin'), Buffer.alloc(1_500));
    await writeFile(path.join(source, 'sub/b.bin'), Buffer.alloc(600));
    await writeFile(Buffer.from(path.join(source, 'caf\xe9.txt'), 'latin1'), 'latin-1 name');
    const run: ResultPromise = execa(process.execPath, [BIN, 'run', '--config', configFile], {
      reject: false,
      env: { RSYNC_TRAY_HOME: home },
    });
    let output = '';
    run.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await poll(
        () => (/: current/.test(output) ? true : undefined),
        20_000,
        () => output,
      );
      await rm(Buffer.from(path.join(source, 'caf\xe9.txt'), 'latin1'));
      for (let i = 0; i < 20; i++) await rm(path.join(source, `f${i}`));
      await rm(path.join(source, 'sub'), { recursive: true });
      await poll(
        () => (/needs confirmation: 24 deletions held/.test(output) ? true : undefined),
        20_000,
        () => output,
      );
      const held = await cli(['held', '--config', configFile, '--profile', 'docs', '--limit', '50']);
      expect(held.exitCode).toBe(0);
      expect(held.stdout).toMatch(/backup: 24 held \(1–24 of 24 named\)/);
      // Sizes come from the backup (rsync --list-only with the profile's password file).
      expect(held.stdout).toContain('\n  In all: 23 files, 2.1 KiB\n');
      expect(held.stdout).toContain('\n  Folders:\n    sub/ — 2 files, 2.1 KiB\n');
      expect(held.stdout).toContain('\n    caf\\xE9.txt  12 B\n');
      expect(held.stdout).toContain('\n    f7  1 B\n');
      const found = await cli(['held', '--config', configFile, '--profile', 'docs', '--search', 'B.BIN']);
      expect(found.stdout).toMatch(/backup: 24 held \(1–1 of 1 matching "B\.BIN"\)\n {2}In all: 1 file, 600 B\n/);
      expect(found.stdout).toMatch(/\n {2}Folders:\n {4}sub\/ — 1 file, 600 B\n {2}Names:\n {4}sub\/b\.bin {2}600 B$/);
      const into = await cli(['held', '--config', configFile, '--profile', 'docs', '--folder', 'sub']);
      expect(into.stdout).toMatch(/\(1–2 of 2 under sub\/\)/);
      expect(await exists(path.join(daemon.modules.backup!, 'f7'))).toBe(true);
      const confirmed = await cli(['confirm-deletions', '--config', configFile, '--profile', 'docs']);
      expect(confirmed.stdout).toMatch(
        /^Confirmed: the next full sync deletes the 24 held entries: moved to \.rsync-tray-deleted\/\d{4}-\d\d-\d\d on the backup and kept 7 days/,
      );
      await poll(
        async () => ((await exists(path.join(daemon.modules.backup!, 'f7'))) ? undefined : true),
        20_000,
        () => output,
      );
      expect(await exists(path.join(daemon.modules.backup!, '.rsync-tray-deleted'))).toBe(true);
    } finally {
      run.kill('SIGTERM');
      await run;
    }
  });

  it.each(['run', 'serve'])(
    '%s with a bad config says what to fix and exits (2), nothing left running',
    async (command) => {
      const bad = path.join(home, 'bad.json');
      await writeFile(
        bad,
        JSON.stringify({ version: 2, profiles: [{ name: 'a', source, deletion: false, targets: [] }] }),
      );
      // Before the fix the host printed the error and then waited for ever (its poll timers).
      const r = await execa(process.execPath, [BIN, command, '--config', bad], {
        reject: false,
        env: { RSYNC_TRAY_HOME: home },
        timeout: 20_000,
      });
      expect(r.timedOut, 'it exited by itself').toBe(false);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(/Unknown field "deletion" \(did you mean "deletions"\?\)/);
    },
  );

  it('refuses a second engine on the same config, and imports into the running one', async () => {
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
    const second = await cli(['run', '--config', configFile]);
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toMatch(/already running for this config/);
    expect((await cli(['status', '--config', configFile])).exitCode).toBe(0); // the first one still answers

    const other = path.join(home, 'other-source');
    await import('node:fs/promises').then((fs) => fs.mkdir(other));
    await writeFile(path.join(other, 'new.txt'), 'from an import');
    const file = path.join(home, 'more.json');
    // Its own module: a sub-path of docs' module root would be inside docs' backup (refused).
    const more = config({ module: 'more' }, { name: 'more', source: other });
    await writeFile(file, JSON.stringify(more));
    const imported = await cli(['import', file, '--config', configFile]);
    expect(imported.stdout).toContain('Imported into the running engine');
    await poll(
      async () => ((await exists(path.join(daemon.modules.more!, 'new.txt'))) ? true : undefined),
      15_000,
      () => output,
    );
    run.kill('SIGTERM');
    await run;
  });

  it('exits by the one table: 2 for a bad command line, 3 with no engine, and says what to do', async () => {
    const unknown = await cli(['frobnicate']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "frobnicate"');
    expect((await cli(['toString'])).exitCode).toBe(2); // not a command, whatever Object.prototype has
    expect((await cli([])).exitCode).toBe(2);
    expect((await cli(['help'])).exitCode).toBe(0);
    const option = await cli(['status', '--nope']);
    expect(option.exitCode).toBe(2);
    expect(option.stderr).toContain('Usage: rsync-tray status');
    const minutes = await cli(['pause', '--config', configFile, '--minutes', '0']);
    expect(minutes.exitCode).toBe(2);
    expect(minutes.stderr).toMatch(/--minutes must be .*\nWhat to do: /);
    expect((await cli(['confirm-deletions', '--config', configFile])).stderr).toContain(
      'Name the profile with --profile NAME',
    );
    expect((await cli(['serve', '--config', configFile, '--port', '70000'])).exitCode).toBe(2);
    expect((await cli(['resume', '--config', configFile])).exitCode).toBe(3);
  });

  it('serve on a port in use stops with PORT_IN_USE and leaves no engine behind', async () => {
    const { createServer } = await import('node:net');
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (busy.address() as { port: number }).port;
      const r = await cli(['serve', '--config', configFile, '--port', String(port)]);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain(`Cannot serve on 127.0.0.1:${port}: the port is in use.`);
      expect(r.stderr).toContain('Choose another --port');
      // The engine it had started is stopped again: nothing answers on the control socket.
      expect((await cli(['status', '--config', configFile])).exitCode).toBe(3);
    } finally {
      busy.close();
    }
  });
});
