/**
 * The fault suite: a real daemon on 127.0.0.1 taken away and brought back, an engine process
 * SIGKILLed mid-sync, a watcher that runs out of inotify watches, a file rewritten while it is
 * copied, and a churn run — each ends with the source and backup trees identical. The figures
 * printed here go into the README's reliability section.
 */
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { WATCHERS } from '../../electron/core/watch/watcher-backends.ts';
import type { WatcherFactory } from '../../electron/core/watch/tree-watcher.ts';
import { poll, startSyncFixture, type SyncFixture } from '../support/sync-fixture.ts';
import { treesEqual } from '../support/trees.ts';

let fx: SyncFixture | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

const figure = (name: string, value: string) => console.log(`[figure] ${name}: ${value}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('faults', () => {
  it('the daemon goes away during a burst and comes back: the backup converges', async () => {
    fx = await startSyncFixture();
    await fx.converged();
    await fx.daemon.stop();
    for (let i = 0; i < 300; i++) {
      await mkdir(path.join(fx.source, `d${i % 10}`), { recursive: true });
      await writeFile(path.join(fx.source, `d${i % 10}/f${i}`), `${i}`);
    }
    await rm(path.join(fx.source, 'd3'), { recursive: true });
    const down = await fx.waitForStatus((s) => s.state === 'retrying' && (s.targets[0]!.retry?.attempt ?? 0) >= 2);
    expect(down.targets[0]!.lastError!.code).toBe('CONNECTION_REFUSED');
    expect(down.pending).toBeGreaterThan(0);
    const restarted = Date.now();
    await fx.daemon.start();
    await fx.converged({ timeoutMs: 30_000 });
    const attempts = down.targets[0]!.retry!.attempt;
    figure(
      'daemon outage',
      `converged ${Date.now() - restarted} ms after the daemon came back (${attempts}+ failed attempts while down, ` +
        `backoff then ${Math.round((down.targets[0]!.retry!.nextAt - down.targets[0]!.lastSuccessAt!) / 1000)} s)`,
    );
  });

  it('the engine is SIGKILLed in the middle of a large sync and started again: it converges', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-kill-'));
    const daemon = await startLocalDaemon({ rootDir: path.join(home, 'daemon') });
    try {
      const source = path.join(home, 'source');
      await mkdir(source);
      for (let i = 0; i < 40; i++) await writeFile(path.join(source, `big${i}.bin`), randomBytes(512 * 1024));
      const config = path.join(home, 'config.json');
      const profile = (limit: string) => ({
        version: 1,
        profiles: [
          {
            name: 'big',
            source,
            bandwidthLimit: limit,
            targets: [
              {
                host: '127.0.0.1',
                port: daemon.port,
                module: 'backup',
                user: daemon.user,
                auth: { type: 'passwordFile', path: daemon.passwordFile },
              },
            ],
          },
        ],
      });
      await writeFile(config, JSON.stringify(profile('4M')));
      const bin = path.resolve('bin/rsync-tray.mjs');
      // Its own process group, so the kill takes rsync down with it, as a power cut would.
      const first = execa(process.execPath, [bin, 'run', '--config', config], {
        detached: true,
        reject: false,
        env: { RSYNC_TRAY_HOME: home },
      });
      let output = '';
      first.stdout!.on('data', (d: Buffer) => (output += d.toString()));
      await poll(
        async () => ((await readdir(daemon.modules.backup!)).length > 3 ? true : undefined),
        20_000,
        () => output,
      );
      process.kill(-first.pid!, 'SIGKILL');
      await first;
      const partial = (await readdir(daemon.modules.backup!)).filter((n) => !n.startsWith('.')).length;
      expect(partial).toBeLessThan(40);

      await writeFile(config, JSON.stringify(profile('')));
      const started = Date.now();
      const second = execa(process.execPath, [bin, 'run', '--config', config], {
        reject: false,
        env: { RSYNC_TRAY_HOME: home },
      });
      await poll(
        async () => ((await treesEqual(source, daemon.modules.backup!)).length === 0 ? true : undefined),
        30_000,
        async () => (await treesEqual(source, daemon.modules.backup!)).join('\n'),
      );
      figure(
        'SIGKILL mid-sync',
        `${partial}/40 files were on the backup when killed; ` +
          `converged ${Date.now() - started} ms after the restart, no temp files left`,
      );
      second.kill('SIGTERM');
      expect((await second).exitCode).toBe(0);
    } finally {
      await daemon.dispose();
      await rm(home, { recursive: true, force: true });
    }
  });

  it('out of inotify watches: the profile converges by rescans, says so, and watches again later', async () => {
    let failures = 2;
    const limited: WatcherFactory = async (options, handlers) => {
      if (failures-- > 0)
        throw Object.assign(new Error(`inotify_add_watch on '${options.root}/x' failed: No space left on device`), {
          code: 'ENOSPC',
        });
      return WATCHERS.native(options, handlers);
    };
    fx = await startSyncFixture({
      engine: { watcherFactory: limited, timings: { rescanEveryMs: 300, rewatchAfterMs: 1_500 } },
    });
    const degraded = await fx.waitForStatus((s) => s.watch.mode === 'rescanning');
    expect(degraded.watch.note).toMatch(/sudo sysctl fs\.inotify\.max_user_watches=524288/);
    const started = Date.now();
    await writeFile(path.join(fx.source, 'while-unwatched.txt'), 'found by a rescan');
    await fx.converged();
    figure(
      'watch limit',
      `a change converged ${Date.now() - started} ms later by rescans ` +
        `(rescan every 300 ms in the test, 30 s by default)`,
    );
    await fx.waitForStatus((s) => s.watch.mode === 'watching', 10_000);
    await writeFile(path.join(fx.source, 'watched-again.txt'), 'seen by the watcher');
    await fx.converged();
  });

  it(
    'a kernel queue overflow is inferred from one large hand-over and repaired by a rescan; ' + 'a long burst is not',
    async () => {
      // libuv drops IN_Q_OVERFLOW, so the test plays the overflow: events for one file are lost,
      // and the watcher hands over more events at once than half the kernel's queue holds.
      const half = Math.floor(Number(readFileSync('/proc/sys/fs/inotify/max_queued_events', 'utf8')) / 2);
      let handlers: Parameters<WatcherFactory>[1] | undefined;
      const lossy: WatcherFactory = async (options, real) => {
        handlers = real;
        return WATCHERS.native(options, {
          ...real,
          onEvents: (events) => real.onEvents(events.filter((e) => !e.path.startsWith('lost'))),
        });
      };
      // (Not an empty source: deletions into an empty one are held and trigger a full pass.)
      fx = await startSyncFixture({
        engine: { watcherFactory: lossy },
        prepare: ({ source }) => writeFile(path.join(source, 'kept.txt'), 'x'),
      });
      await fx.converged();
      const fullRuns = () => fx!.runs().filter((r) => r.kind === 'full').length;
      const ghosts = (n: number, tag: string) =>
        Array.from({ length: n }, (_, i) => ({ path: `ghost-${tag}/${i}`, kind: 'delete' as const }));

      // A long burst, read as it comes: many hand-overs, each well under the queue's size.
      const before = fullRuns();
      for (let i = 0; i < 20; i++) {
        handlers!.onEvents(ghosts(Math.ceil(half / 10), `long${i}`));
        await sleep(5);
      }
      await sleep(1_500);
      expect(fullRuns()).toBe(before);

      // An overflow: a change lost, then one hand-over near the queue's size.
      await writeFile(path.join(fx.source, 'lost.txt'), 'its event was dropped');
      await sleep(100);
      handlers!.onEvents(ghosts(half + 1, 'overflow'));
      await fx.converged({ timeoutMs: 10_000 });
      expect(fullRuns()).toBe(before + 1);
      expect(
        fx.events.some((e) => e.type === 'log' && /may have overflowed the kernel's event queue/.test(e.message)),
      ).toBe(true);
    },
  );

  it('watchers that hand events over one by one (polling, macOS, Windows) rescan after a long burst', async () => {
    const half = Math.floor(Number(readFileSync('/proc/sys/fs/inotify/max_queued_events', 'utf8')) / 2);
    let handlers: Parameters<WatcherFactory>[1] | undefined;
    const capture: WatcherFactory = async (options, real) => {
      handlers = real;
      return WATCHERS.native(options, real);
    };
    fx = await startSyncFixture({
      profile: { watch: 'poll' },
      engine: { watcherFactory: capture },
      prepare: ({ source }) => writeFile(path.join(source, 'kept.txt'), 'x'),
    });
    await fx.converged();
    const fullRuns = () => fx!.runs().filter((r) => r.kind === 'full').length;
    const before = fullRuns();
    for (let i = 0; i < 20; i++) {
      handlers!.onEvents(
        Array.from({ length: Math.ceil(half / 10) }, (_, j) => ({ path: `ghost${i}/${j}`, kind: 'delete' as const })),
      );
      await sleep(5);
    }
    await fx.converged({ timeoutMs: 10_000 });
    await sleep(1_500);
    await fx.converged({ timeoutMs: 10_000 });
    expect(fullRuns()).toBe(before + 1);
  });

  it('a file rewritten continuously during its transfer ends identical once the writes stop', async () => {
    fx = await startSyncFixture({ profile: { bandwidthLimit: '4M' } });
    await fx.converged();
    const file = path.join(fx.source, 'busy.bin');
    const until = Date.now() + 3_000;
    let writes = 0;
    while (Date.now() < until) {
      await writeFile(file, randomBytes(1024 * 1024));
      writes++;
      await sleep(40);
    }
    const stopped = Date.now();
    await fx.converged({ timeoutMs: 30_000 });
    const runs = fx.runs().filter((r) => r.kind === 'batch');
    figure(
      'rewritten file',
      `${writes} rewrites of 1 MiB in 3 s at a 4M limit; identical ${Date.now() - stopped} ms after the last write, ` +
        `in ${runs.length} batches (${runs.filter((r) => r.outcome === 'vanished').length} met the file changing)`,
    );
  });

  it('churn: random creates, writes, renames and deletes with a daemon restart in the middle', async () => {
    // A small tree where random deletes take a large share: this is about converging, so the
    // deletion budget (test/reliability/deletion-streams.test.ts) is off.
    fx = await startSyncFixture({ profile: { maxDeletePercent: 100 } });
    await fx.converged();
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
    const files: string[] = [];
    const dirs = ['a', 'b', 'c', 'a/x', 'b/y'];
    for (const d of dirs) await mkdir(path.join(fx.source, d), { recursive: true });
    const counts = { create: 0, write: 0, rename: 0, delete: 0 };
    const until = Date.now() + 6_000;
    let restarted = false;
    const started = Date.now();
    while (Date.now() < until) {
      if (!restarted && Date.now() - started > 2_500) {
        await fx.daemon.stop();
        await sleep(1_500);
        await fx.daemon.start();
        restarted = true;
      }
      const op = files.length < 20 ? 'create' : pick(['create', 'write', 'write', 'rename', 'delete'] as const);
      try {
        if (op === 'create') {
          const f = `${pick(dirs)}/n${counts.create}`;
          await writeFile(path.join(fx.source, f), randomBytes(Math.floor(random() * 8192)));
          files.push(f);
        } else if (op === 'write') {
          await writeFile(path.join(fx.source, pick(files)), randomBytes(Math.floor(random() * 8192)));
        } else if (op === 'rename') {
          const i = Math.floor(random() * files.length);
          const to = `${pick(dirs)}/r${counts.rename}`;
          await rename(path.join(fx.source, files[i]!), path.join(fx.source, to));
          files[i] = to;
        } else {
          const i = Math.floor(random() * files.length);
          await rm(path.join(fx.source, files[i]!));
          files.splice(i, 1);
        }
        counts[op]++;
      } catch {
        /* a racing pick of the same file; the next op goes on */
      }
      await sleep(random() * 5);
    }
    const stopped = Date.now();
    await fx.converged({ timeoutMs: 40_000 });
    const runs = fx.runs();
    expect(runs.filter((r) => r.outcome === 'retry').length).toBeGreaterThan(0); // the outage was really met
    figure(
      'churn',
      `${JSON.stringify(counts)} over 6 s with a daemon restart; identical ` +
        `${Date.now() - stopped} ms after the churn stopped; ${runs.length} rsync runs, ` +
        `${runs.filter((r) => r.outcome === 'retry').length} failed while the daemon was down and were retried`,
    );
  });
});
