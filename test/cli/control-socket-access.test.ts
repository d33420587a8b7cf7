/**
 * The control socket is never reachable by another user, from its first instant, whatever the
 * umask: whoever can send it `settings.set` can change the rsync program (as root, code execution).
 * `rsync-tray run` is started as root under umask 000 while `nobody` connects in a tight loop to
 * the socket's path from before it exists; nobody never gets a reply, root's own client does.
 */
import { spawn } from 'node:child_process';
import { chmod, chown, lstat, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callControlSocket, privateDir, serveControlSocket } from '../../electron/headless/control-socket.ts';
import { controlSocketFor } from '../../electron/headless/paths.ts';
import type { ApiHandlers } from '../../electron/shared/contract.ts';
import { poll } from '../support/sync-fixture.ts';

const BIN = path.resolve('bin/rsync-tray.mjs');
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

/** What nobody runs: connect, send a request, count replies, until its time is up; then a summary. */
const ATTACKER = `
const net = require('node:net');
const [socketPath, ms] = [process.argv[2], Number(process.argv[3])];
const end = Date.now() + ms;
const seen = { attempts: 0, connected: 0, replies: 0, errors: {} };
function attempt() {
  if (Date.now() > end) return void process.stdout.write(JSON.stringify(seen) + '\\n');
  seen.attempts++;
  if (seen.attempts === 1) process.stderr.write('started\\n');
  const socket = net.connect(socketPath);
  let settled = false;
  const next = () => { if (!settled) { settled = true; socket.destroy(); setImmediate(attempt); } };
  socket.once('connect', () => {
    seen.connected++;
    socket.write('{"method":"status.get","input":{}}\\n');
    setTimeout(next, 200);
  });
  socket.on('data', () => { seen.replies++; next(); });
  socket.once('error', (e) => { seen.errors[e.code] = (seen.errors[e.code] ?? 0) + 1; next(); });
}
attempt();
`;

let root: string;
let configFile: string;
let script: string;
let run: ResultPromise | undefined;

beforeEach(async () => {
  // A world-traversable parent and a 0755 config folder (as an older `import` made it): only the
  // socket's own folder can keep nobody out.
  root = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-access-'));
  await chmod(root, 0o755);
  await mkdir(path.join(root, 'cfg'), { mode: 0o755 });
  await chmod(path.join(root, 'cfg'), 0o755);
  configFile = path.join(root, 'cfg', 'config.json');
  await writeFile(configFile, `${JSON.stringify({ version: 1, profiles: [] })}\n`, { mode: 0o600 });
  script = path.join(root, 'attacker.cjs');
  await writeFile(script, ATTACKER, { mode: 0o644 });
  await chmod(script, 0o644);
});
afterEach(async () => {
  run?.kill('SIGTERM');
  await run;
  run = undefined;
  await rm(root, { recursive: true, force: true });
});

/** Runs the attacker as nobody against `socketPath` for `ms`; resolves with its summary. */
function attack(socketPath: string, ms: number) {
  const child = spawn(process.execPath, [script, socketPath, String(ms)], { uid: NOBODY, gid: NOBODY });
  let summary = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (summary += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ attempts: number; connected: number; replies: number; errors: object }>(
    (resolve, reject) =>
      child.once('close', (code) => (code === 0 ? resolve(JSON.parse(summary)) : reject(new Error(stderr)))),
  );
  const started = poll(
    () => (stderr.includes('started') ? true : undefined),
    10_000,
    () => stderr,
  );
  return { started, done };
}

describe.skipIf(!asRoot)('control socket access', () => {
  it('the attacker does reach a socket it may (so its failing below means something)', async () => {
    const open = path.join(root, 'open.sock');
    const server = net.createServer((socket) => socket.on('data', () => socket.write('{"ok":true}\n')));
    await new Promise<void>((resolve) => server.listen(open, resolve));
    await chmod(open, 0o777);
    try {
      const seen = await attack(open, 300).done;
      expect(seen.replies).toBeGreaterThan(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('nobody never gets a reply, from before the socket exists; root does (umask 000)', async () => {
    const socketPath = controlSocketFor(configFile);
    const attacker = attack(socketPath, 6000);
    await attacker.started;

    run = execa('sh', ['-c', 'umask 000; exec "$0" "$@"', process.execPath, BIN, 'run', '--config', configFile], {
      reject: false,
    });
    const reply = await poll(
      async () => {
        try {
          return await callControlSocket(socketPath, 'status.get', {});
        } catch {
          return undefined; // not up yet
        }
      },
      20_000,
      () => String(run?.stderr ?? ''),
    );
    expect(reply).toMatchObject({ ok: true });
    expect((await stat(path.dirname(socketPath))).mode & 0o777).toBe(0o700);
    expect((await stat(socketPath)).mode & 0o777).toBe(0o600);

    const seen = await attacker.done;
    expect(seen.attempts).toBeGreaterThan(10);
    expect(seen).toMatchObject({ connected: 0, replies: 0 });
    // Before the folder exists nothing is there; after, nobody may not even look inside it.
    expect(Object.keys(seen.errors).sort()).toEqual(expect.arrayContaining(['EACCES']));
  });

  it('under umask 000 the socket folder is made 0700 and the socket 0600', async () => {
    const previous = process.umask(0);
    try {
      const socketPath = path.join(root, 'cfg', 'run', 'x.sock');
      const control = await serveControlSocket(socketPath, { 'status.get': async () => [] } as unknown as ApiHandlers);
      try {
        expect((await stat(path.dirname(socketPath))).mode & 0o777).toBe(0o700);
        expect((await stat(socketPath)).mode & 0o777).toBe(0o600);
      } finally {
        await control.dispose();
      }
    } finally {
      process.umask(previous);
    }
  });

  it('a socket folder of ours left loose is tightened; a symlink or another user’s is refused', async () => {
    const loose = path.join(root, 'loose');
    await mkdir(loose);
    await chmod(loose, 0o755);
    await privateDir(loose);
    expect((await lstat(loose)).mode & 0o777).toBe(0o700);

    const theirs = path.join(root, 'theirs');
    await mkdir(theirs, { mode: 0o700 });
    await chown(theirs, NOBODY, NOBODY);
    await expect(privateDir(theirs)).rejects.toMatchObject({
      code: 'UNSAFE_FOLDER',
      message: expect.stringMatching(/owned by another user/),
      hint: expect.stringMatching(/Remove/),
    });

    const link = path.join(root, 'link');
    await import('node:fs/promises').then((fs) => fs.symlink(loose, link));
    await expect(privateDir(link)).rejects.toMatchObject({ message: expect.stringMatching(/not a folder/) });
  });
});
