/**
 * The physical limits, measured in the same run on the same daemon: one plain `rsync -a` of the
 * large tree into an empty module, a no-op one right after, and a single small file pushed to the
 * daemon — as rsync does it by default, with the client's TCP_NODELAY (what Rsync Tray passes),
 * and with TCP_NODELAY on both ends (a daemon configured with `socket options = TCP_NODELAY`,
 * started here for this measurement only).
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LocalDaemon } from '../electron/core/service/local-rsync-daemon.ts';
import { findFreePort } from '../electron/core/service/local-rsync-daemon.ts';
import { max, median, sleep } from './measure.ts';
import { rsyncUrl, type Destination } from './tools/tool.ts';

export interface Baselines {
  /** The best of the repeats: the limit. */
  plainCopyMs: number;
  noopMs: number;
  plainCopyRuns: number[];
  noopRuns: number[];
  /** The same plain copies while another process watches every directory of the source. */
  watchedCopyRuns: number[];
  singleFile: Array<{ label: string; p50: number; max: number }>;
}

/** Runs rsync, resolves with its wall time; throws on a non-zero exit. */
export function timeRsync(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('rsync', args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve(ms);
      else reject(new Error(`rsync ${args.join(' ')} exited ${code}: ${stderr.trim()}`));
    });
  });
}

async function singleFileRuns(
  dest: string,
  auth: string[],
  extra: string[],
  dir: string,
  n: number,
): Promise<number[]> {
  const file = path.join(dir, 'one.bin');
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    writeFileSync(file, randomBytes(4096));
    out.push(await timeRsync(['-a', ...extra, ...auth, file, dest]));
    await sleep(20);
  }
  return out;
}

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** A second daemon on the same module folder whose sockets have TCP_NODELAY. */
async function startNoDelayDaemon(
  daemon: LocalDaemon,
  folder: string,
  dir: string,
): Promise<{ port: number; stop(): void }> {
  mkdirSync(dir, { recursive: true });
  const secrets = path.join(dir, 'secrets');
  writeFileSync(secrets, `${daemon.user}:${daemon.password}\n`, { mode: 0o600 });
  const identity = process.getuid?.() === 0 ? ['uid = 0', 'gid = 0'] : [];
  const config = path.join(dir, 'rsyncd.conf');
  writeFileSync(
    config,
    [
      'use chroot = no',
      'socket options = TCP_NODELAY',
      ...identity,
      `pid file = ${path.join(dir, 'pid')}`,
      `log file = ${path.join(dir, 'log')}`,
      '',
      '[nodelay]',
      `path = ${folder}`,
      'read only = no',
      `auth users = ${daemon.user}`,
      `secrets file = ${secrets}`,
      '',
    ].join('\n'),
  );
  const port = await findFreePort();
  const child = spawn(
    'rsync',
    ['--daemon', '--no-detach', `--config=${config}`, `--port=${port}`, '--address=127.0.0.1'],
    { stdio: 'ignore' },
  );
  const deadline = performance.now() + 10_000;
  while (!(await canConnect(port))) {
    if (performance.now() > deadline || child.exitCode !== null)
      throw new Error(`the TCP_NODELAY daemon did not start (see ${dir}/log)`);
    await sleep(20);
  }
  return { port, stop: () => child.kill('SIGTERM') };
}

/** Runs `fn` while a separate process holds a watch on every directory of `tree`. */
async function whileWatched<T>(tree: string, fn: () => Promise<T>): Promise<T> {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'probes/hold-watches.ts'), tree], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`hold-watches exited ${code} before it was ready`)));
      child.stdout.once('data', () => resolve());
    });
    return await fn();
  } finally {
    child.kill('SIGKILL');
  }
}

export async function measureBaselines(o: {
  daemon: LocalDaemon;
  destination: Destination;
  largeSource: string;
  dir: string;
  samples: number;
  repeats: number;
  log(m: string): void;
}): Promise<Baselines> {
  const auth = [`--password-file=${o.destination.passwordFile}`];
  const url = rsyncUrl(o.destination);
  const copy = path.join(o.destination.folder, 'tree');
  const plainCopyRuns: number[] = [];
  const noopRuns: number[] = [];
  const watchedCopyRuns: number[] = [];
  for (let i = 0; i < o.repeats; i++) {
    o.log(`baseline: one plain rsync -a of the large tree into the empty module (${i + 1}/${o.repeats})`);
    rmSync(copy, { recursive: true, force: true });
    plainCopyRuns.push(await timeRsync(['-a', ...auth, `${o.largeSource}/`, `${url}tree/`]));
    o.log(`baseline: the same, while another process watches every directory of the source (${i + 1}/${o.repeats})`);
    rmSync(copy, { recursive: true, force: true });
    watchedCopyRuns.push(
      await whileWatched(o.largeSource, () => timeRsync(['-a', ...auth, `${o.largeSource}/`, `${url}tree/`])),
    );
  }
  for (let i = 0; i < o.repeats + 1; i++) {
    o.log(`baseline: the same rsync again, nothing to do (${i + 1}/${o.repeats + 1})`);
    noopRuns.push(await timeRsync(['-a', ...auth, `${o.largeSource}/`, `${url}tree/`]));
  }
  // The copy is not needed any more: remove it now, so it does not weigh on the tools' runs.
  rmSync(copy, { recursive: true, force: true });

  o.log('baseline: a single 4 KiB file to the daemon');
  const dir = path.join(o.dir, 'single');
  mkdirSync(dir, { recursive: true });
  const singleFile: Baselines['singleFile'] = [];
  for (const [label, extra] of [
    ['rsync defaults', []],
    ['--sockopts=TCP_NODELAY (client)', ['--sockopts=TCP_NODELAY']],
  ] as const) {
    const runs = await singleFileRuns(url, auth, [...extra], dir, o.samples);
    singleFile.push({ label, p50: median(runs), max: max(runs) });
  }
  const nd = await startNoDelayDaemon(o.daemon, o.destination.folder, path.join(o.dir, 'nodelay-daemon'));
  try {
    const runs = await singleFileRuns(
      `rsync://${o.destination.user}@127.0.0.1:${nd.port}/nodelay/`,
      auth,
      ['--sockopts=TCP_NODELAY'],
      dir,
      o.samples,
    );
    singleFile.push({ label: 'TCP_NODELAY on client and daemon', p50: median(runs), max: max(runs) });
  } finally {
    nd.stop();
  }
  return {
    plainCopyMs: Math.min(...plainCopyRuns),
    noopMs: Math.min(...noopRuns),
    plainCopyRuns,
    noopRuns,
    watchedCopyRuns,
    singleFile,
  };
}
