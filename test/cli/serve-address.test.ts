/**
 * `rsync-tray serve` keeps its access token out of logs: with stdout not a terminal (systemd's
 * journal, a file, this test) it prints the address without the token and says how to get it;
 * `rsync-tray address` prints the full one, and `--print-address` prints it anyway.
 */
import { execa, type ResultPromise } from 'execa';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serveAddressFileFor, tokenFileFor } from '../../electron/headless/paths.ts';
import { poll } from '../support/sync-fixture.ts';

const BIN = path.resolve('bin/rsync-tray.mjs');
let home: string;
let configFile: string;
const cli = (args: string[]) =>
  execa(process.execPath, [BIN, ...args], { reject: false, env: { RSYNC_TRAY_HOME: home } });

/** serve with stdout a pipe (not a TTY), until it printed "Ctrl+C stops."; its output so far. */
async function startServe(extra: string[] = []): Promise<{ run: ResultPromise; output: () => string }> {
  const run: ResultPromise = execa(process.execPath, [BIN, 'serve', '--config', configFile, ...extra], {
    reject: false,
    env: { RSYNC_TRAY_HOME: home },
  });
  let output = '';
  run.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  run.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  await poll(
    () => {
      if (run.exitCode !== null && run.exitCode !== undefined) throw new Error(`serve exited:\n${output}`);
      return /Ctrl\+C stops\./.test(output) ? true : undefined;
    },
    20_000,
    () => `serve did not start:\n${output}`,
  );
  return { run, output: () => output };
}

async function stop(run: ResultPromise): Promise<number | undefined> {
  run.kill('SIGTERM');
  return (await run).exitCode;
}

beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-address-'));
  configFile = path.join(home, 'config.json'); // none yet: serve starts empty
});

afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('serve and address', () => {
  it('without a TTY serve prints no token, says how to get it, and `address` prints the full one', async () => {
    const { run, output } = await startServe();
    try {
      const token = (await readFile(tokenFileFor(configFile), 'utf8')).trim();
      expect(token).toMatch(/^[\w-]{43,}$/);
      expect(output()).not.toContain(token);
      expect(output()).not.toContain('#token=');
      expect(output()).toContain(`rsync-tray address --config ${configFile}`);
      const origin = /Serving the window on (http:\/\/127\.0\.0\.1:\d+)\//.exec(output())?.[1];
      expect(origin).toBeDefined();

      const saved = JSON.parse(await readFile(serveAddressFileFor(configFile), 'utf8'));
      expect(`http://${saved.host}:${saved.port}`).toBe(origin);
      if (process.platform !== 'win32') expect((await stat(serveAddressFileFor(configFile))).mode & 0o777).toBe(0o600);

      const address = await cli(['address', '--config', configFile]);
      expect(address.exitCode).toBe(0);
      expect(address.stdout.trim()).toBe(`${origin}/#token=${token}`);

      // The address works: the token it carries opens the API.
      const reply = await fetch(`${origin}/api/call`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, origin: origin! },
        body: JSON.stringify({ method: 'status.get', input: {} }),
      });
      expect(reply.status).toBe(200);
    } finally {
      expect(await stop(run)).toBe(0);
    }
    // Stopped: the address file is gone and `address` says no serve runs (exit 3).
    const after = await cli(['address', '--config', configFile]);
    expect(after.exitCode).toBe(3);
    expect(after.stderr).toMatch(/No `rsync-tray run` is running for this config/);
  });

  it('with --print-address serve prints the full address', async () => {
    const { run, output } = await startServe(['--print-address']);
    try {
      const token = (await readFile(tokenFileFor(configFile), 'utf8')).trim();
      expect(output()).toMatch(new RegExp(`http://127\\.0\\.0\\.1:\\d+/#token=${token}`));
      expect(output()).not.toContain('rsync-tray address');
    } finally {
      expect(await stop(run)).toBe(0);
    }
  });

  it('address with no engine for the config exits 3 with NOT_RUNNING', async () => {
    const r = await cli(['address', '--config', configFile]);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/No `rsync-tray run` is running for this config/);
  });
});
