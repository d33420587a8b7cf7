/**
 * A private `rsync --daemon` on 127.0.0.1: the "try it with a local test server" of the demo and
 * the tray's first start, and the real daemon every integration test talks to.
 *
 * It runs in the foreground (--no-detach) as a child of this process, so it dies with us, binds a
 * free loopback port, and uses a generated secret with `auth users` + `secrets file`, exactly as a
 * production daemon would be configured, with `use chroot = no` so it needs no root.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { RsyncTrayError } from '../../shared/errors.ts';
import { probeDaemon } from '../rsync/daemon-probe.ts';

export interface LocalModuleSpec {
  name: string;
  /** Folder served by the module; defaults to <rootDir>/modules/<name>. */
  path?: string;
  readOnly?: boolean;
  /** Extra rsyncd.conf lines for this module (tests use it for `max connections`, etc.). */
  extra?: string[];
}

export interface LocalDaemonOptions {
  /** Where the config, secrets, log and module folders live; a new temp dir by default. */
  rootDir?: string;
  modules?: LocalModuleSpec[];
  user?: string;
  password?: string;
  rsyncPath?: string;
  /** Fixed port; a free one by default. */
  port?: number;
  /**
   * Global `socket options` (the demo uses TCP_NODELAY, as the README recommends for a live
   * mirror). None by default: tests and the bench measure against a daemon as shipped.
   */
  socketOptions?: string;
}

export interface LocalDaemon {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** A mode-600 file holding the password, for profiles that use a password file. */
  readonly passwordFile: string;
  readonly rootDir: string;
  readonly logFile: string;
  /** module name → served folder */
  readonly modules: Readonly<Record<string, string>>;
  readonly running: boolean;
  /** Stop serving (the port is closed); `start()` serves again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stop and, when the root dir was generated, remove it. */
  dispose(): Promise<void>;
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function renderConfig(o: {
  rootDir: string;
  user: string;
  secretsFile: string;
  logFile: string;
  socketOptions?: string;
  modules: Array<LocalModuleSpec & { path: string }>;
}): string {
  // A daemon started by root would switch to `nobody`; serve as whoever we are instead.
  const identity = typeof process.getuid === 'function' && process.getuid() === 0 ? ['uid = 0', 'gid = 0'] : [];
  // Without chroot rsyncd "munges" symlinks by default; this daemon serves only our own files.
  const socket = o.socketOptions ? [`socket options = ${o.socketOptions}`] : [];
  const lines = [
    'use chroot = no',
    'munge symlinks = no',
    ...identity,
    ...socket,
    `log file = ${o.logFile}`,
    `pid file = ${path.join(o.rootDir, 'rsyncd.pid')}`,
    '',
  ];
  for (const m of o.modules) {
    lines.push(`[${m.name}]`, `path = ${m.path}`, `read only = ${m.readOnly ? 'yes' : 'no'}`, 'list = yes');
    lines.push(
      `auth users = ${o.user}`,
      `secrets file = ${o.secretsFile}`,
      'strict modes = yes',
      ...(m.extra ?? []),
      '',
    );
  }
  return lines.join('\n');
}

export async function startLocalDaemon(options: LocalDaemonOptions = {}): Promise<LocalDaemon> {
  const ownsRoot = !options.rootDir;
  const rootDir = options.rootDir ?? (await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-daemon-')));
  await mkdir(rootDir, { recursive: true });
  const user = options.user ?? 'rsynctray';
  const password = options.password ?? randomBytes(18).toString('base64url');
  const rsyncPath = options.rsyncPath ?? 'rsync';
  const secretsFile = path.join(rootDir, 'rsyncd.secrets');
  const passwordFile = path.join(rootDir, 'client.password');
  const logFile = path.join(rootDir, 'rsyncd.log');
  const configFile = path.join(rootDir, 'rsyncd.conf');

  const specs = (options.modules ?? [{ name: 'backup' }]).map((m) => ({
    ...m,
    path: m.path ?? path.join(rootDir, 'modules', m.name),
  }));
  for (const m of specs) await mkdir(m.path, { recursive: true });
  await writeFile(secretsFile, `${user}:${password}\n`, { mode: 0o600 });
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  await writeFile(
    configFile,
    renderConfig({ rootDir, user, secretsFile, logFile, socketOptions: options.socketOptions, modules: specs }),
  );

  const port = options.port ?? (await findFreePort());
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  async function start(): Promise<void> {
    if (child) return;
    let stderr = '';
    const proc = spawn(
      rsyncPath,
      ['--daemon', '--no-detach', `--config=${configFile}`, `--port=${port}`, '--address=127.0.0.1'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child = proc;
    let spawnError: Error | null = null;
    proc.once('error', (e) => (spawnError = e));
    exited = new Promise((resolve) => proc.once('close', () => resolve()));
    void exited.then(() => {
      if (child === proc) child = null;
    });
    // Wait until it accepts connections (rsync binds before it forks per connection).
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (spawnError || child !== proc) break;
      // Up once it greets: the engine's own question (daemon-probe.ts).
      if ((await probeDaemon({ host: '127.0.0.1', port }, 1_000)) === null) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    proc.kill('SIGKILL');
    child = null;
    throw new RsyncTrayError(
      spawnError ? 'RSYNC_MISSING' : 'INTERNAL',
      `Could not start the local rsync daemon on 127.0.0.1:${port}` +
        `${spawnError ? `: ${(spawnError as Error).message}` : ''}${stderr ? `: ${stderr.trim()}` : ''}`,
      spawnError ? 'Install rsync (Debian/Ubuntu: sudo apt-get install rsync).' : `See ${logFile}.`,
    );
  }

  async function stop(): Promise<void> {
    const proc = child;
    if (!proc) return;
    child = null;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 2_000);
    await exited;
    clearTimeout(timer);
  }

  await start();
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    passwordFile,
    rootDir,
    logFile,
    modules: Object.fromEntries(specs.map((m) => [m.name, m.path])),
    get running() {
      return child !== null;
    },
    start,
    stop,
    async dispose() {
      await stop();
      if (ownsRoot) await rm(rootDir, { recursive: true, force: true });
    },
  };
}
