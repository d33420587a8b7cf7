/**
 * A schedule change during a long transfer, against a real rsync daemon: 40 MiB at the
 * schedule's 2 MiB/s, until the schedule says "unlimited" a few seconds in. The running rsync is
 * stopped and started again without a limit, resuming the file in progress from the backup's
 * partial-dir: the run finishes long before 2 MiB/s would have let it (20 s), the backup is
 * byte-identical, what crossed the wire to the daemon (counted by a proxy in between) stays close
 * to the data — nothing re-sent — and the activity log has one good run with the whole's totals.
 *
 * The engine's clock is the real one moved to 17:59:54 local time at the start: the schedule's
 * rule ends at 18:00, six seconds in.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRsync, type RunResult } from '../../electron/core/rsync/rsync-runner.ts';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import type { Clock } from '../../electron/core/sync/clock.ts';
import { startEngine } from '../../electron/core/sync/engine.ts';
import { LIMIT_SWITCH_POLICY } from '../../electron/core/sync/limit-switch.ts';
import { noWatcher } from '../../electron/core/watch/watcher-backends.ts';
import { CONFIG_VERSION, ConfigSchema } from '../../electron/shared/profile-schema.ts';
import type { RunRecord } from '../../electron/shared/status.ts';

const DATA = 40 * 1024 * 1024;
const LIMITED_SECONDS = DATA / (2 * 1024 * 1024);

let work: string;
let daemon: LocalDaemon;
let source: string;
let proxy: net.Server;
let proxyPort: number;
/** Bytes from rsync to the daemon, through the proxy. */
let toDaemon = 0;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-schedule-'));
  daemon = await startLocalDaemon({ rootDir: path.join(work, 'daemon') });
  source = path.join(work, 'source');
  await mkdir(source);
  await writeFile(path.join(source, 'big.bin'), randomBytes(DATA));
  await writeFile(path.join(source, 'small.txt'), 'a small file beside it');
  proxy = net.createServer((client) => {
    const upstream = net.connect(daemon.port, daemon.host);
    client.on('data', (chunk) => {
      toDaemon += chunk.length;
    });
    client.pipe(upstream).on('error', () => client.destroy());
    upstream.pipe(client).on('error', () => upstream.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyPort = (proxy.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => proxy?.close(r));
  await daemon?.dispose();
  if (work) await rm(work, { recursive: true, force: true });
});

/** The real clock, moved so that it reads `start` now (local time), real timers. */
function clockFrom(start: Date): Clock {
  const offset = start.getTime() - Date.now();
  return {
    now: () => Date.now() + offset,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
}

const sha1 = async (file: string) =>
  createHash('sha1')
    .update(await readFile(file))
    .digest('hex');

describe('a schedule change during a long transfer', () => {
  it('reaches the running rsync: the rest goes unlimited, resumed, nothing sent twice', async () => {
    const config = ConfigSchema.parse({
      version: CONFIG_VERSION,
      profiles: [
        {
          name: 'sched',
          source,
          fullSyncIntervalMinutes: 0,
          keepDeletedDays: 0,
          bandwidthLimit: '',
          bandwidthSchedule: [
            { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '18:00', limit: '2M' },
          ],
          targets: [
            {
              host: daemon.host,
              port: proxyPort,
              module: 'backup',
              user: daemon.user,
              auth: { type: 'passwordFile', path: daemon.passwordFile },
            },
          ],
        },
      ],
    });
    const now = new Date();
    const clock = clockFrom(new Date(now.getFullYear(), now.getMonth(), now.getDate(), 17, 59, 54));
    const parts: Array<{ args: readonly string[]; result: RunResult }> = [];
    const run: typeof runRsync = async (req) => {
      const result = await runRsync(req);
      parts.push({ args: req.args, result });
      return result;
    };
    const runs: RunRecord[] = [];
    const started = performance.now();
    const engine = await startEngine({
      config,
      clock,
      run,
      watcherFactory: noWatcher,
      onEvent: (e) => {
        if (e.type === 'run') runs.push(e.run);
      },
    });
    try {
      await engine.whenIdle('sched');
      const seconds = (performance.now() - started) / 1000;
      const copy = path.join(daemon.modules.backup!, 'big.bin');
      expect(await sha1(copy)).toBe(await sha1(path.join(source, 'big.bin')));
      expect(await readFile(path.join(daemon.modules.backup!, 'small.txt'), 'utf8')).toBe('a small file beside it');
      expect(existsSync(path.join(daemon.modules.backup!, LIMIT_SWITCH_POLICY.partialDir))).toBe(false);

      // Two rsyncs for the one full sync: limited and stopped, then unlimited to the end.
      const full = parts.filter((p) => !p.args.includes('--dry-run'));
      expect(full.map((p) => p.args.find((a) => a.startsWith('--bwlimit=')) ?? 'unlimited')).toEqual([
        '--bwlimit=2048K',
        'unlimited',
      ]);
      expect(full[0]!.result.isCanceled).toBe(true);
      expect(full[1]!.result.exitCode).toBe(0);
      // Not a timing measurement: only that the rest did not go at the old limit.
      expect(seconds).toBeLessThan(LIMITED_SECONDS);
      // The first part sent a good share, which the second did not send again.
      expect(full[1]!.result.stats!.bytesSent).toBeLessThan(DATA * 0.9);
      expect(toDaemon).toBeGreaterThan(DATA);
      expect(toDaemon).toBeLessThan(DATA * 1.1);

      // The activity log: one good run with the whole's totals, no canceled or failed one.
      const real = runs.filter((r) => r.kind === 'full');
      expect(real.map((r) => r.outcome)).toEqual(['ok']);
      expect(real[0]).toMatchObject({ files: 2, bytes: DATA + 'a small file beside it'.length });
    } finally {
      await engine.dispose();
    }
  }, 60_000);
});
