/**
 * A real rsync daemon on 127.0.0.1 (auth users + secrets file), a real source folder, and the
 * engine between them, as one disposable fixture.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EngineEvent, ProfileStatus, RunRecord } from '../../electron/shared/status.ts';
import { startEngine, type Engine, type EngineOptions } from '../../electron/core/sync/engine.ts';
import {
  startLocalDaemon,
  type LocalDaemon,
  type LocalDaemonOptions,
} from '../../electron/core/service/local-rsync-daemon.ts';
import { ConfigSchema, type ProfileInput, type TargetSchema } from '../../electron/shared/profile-schema.ts';
import type { z } from 'zod';
import { diffTrees, snapshot } from './trees.ts';

export interface SyncFixture {
  daemon: LocalDaemon;
  source: string;
  backup: string;
  engine: Engine;
  events: EngineEvent[];
  runs(): RunRecord[];
  status(): ProfileStatus;
  /** Polls until backup == source (minus `skip`), or fails with the differences. */
  converged(options?: { timeoutMs?: number; skip?: (rel: string) => boolean }): Promise<void>;
  /** Waits until the profile's status satisfies `predicate`. */
  waitForStatus(predicate: (s: ProfileStatus) => boolean, timeoutMs?: number): Promise<ProfileStatus>;
  dispose(): Promise<void>;
}

export interface FixtureOptions {
  profile?: Partial<ProfileInput>;
  target?: Partial<z.input<typeof TargetSchema>>;
  daemon?: LocalDaemonOptions;
  /** Runs before the engine starts (to lay out the source or the backup). */
  prepare?: (dirs: { source: string; backup: string }) => Promise<void>;
  engine?: Partial<EngineOptions>;
}

export async function poll<T>(
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  describe: () => Promise<string> | string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${await describe()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function startSyncFixture(options: FixtureOptions = {}): Promise<SyncFixture> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-test-'));
  const source = path.join(work, 'source');
  const daemon = await startLocalDaemon({ rootDir: path.join(work, 'daemon'), ...options.daemon });
  const backup = Object.values(daemon.modules)[0]!;
  const { mkdir } = await import('node:fs/promises');
  await mkdir(source, { recursive: true });
  await options.prepare?.({ source, backup });

  const config = ConfigSchema.parse({
    version: 2,
    profiles: [
      {
        name: 'test',
        source,
        fullSyncIntervalMinutes: 0,
        // Off unless a test turns it on: the verdict is "backup == source", and the net's dated
        // folder on the backup would be a difference (test/reliability/safety-net.test.ts).
        keepDeletedDays: 0,
        targets: [
          {
            host: daemon.host,
            port: daemon.port,
            module: Object.keys(daemon.modules)[0]!,
            user: daemon.user,
            auth: { type: 'passwordFile', path: daemon.passwordFile },
            ...options.target,
          },
        ],
        ...options.profile,
      },
    ],
  });
  const events: EngineEvent[] = [];
  const engine = await startEngine({ config, ...options.engine });
  engine.subscribe((e) => events.push(e));
  const status = () => engine.status()[0]!;

  return {
    daemon,
    source,
    backup,
    engine,
    events,
    runs: () => events.flatMap((e) => (e.type === 'run' ? [e.run] : [])),
    status,
    async converged({ timeoutMs = 20_000, skip } = {}) {
      let last: string[] = [];
      await poll(
        async () => {
          last = diffTrees(await snapshot(source, skip), await snapshot(backup, skip));
          return last.length === 0 && status().state === 'idle' && status().pending === 0 ? true : undefined;
        },
        timeoutMs,
        () => `backup differs from source:\n  ${last.join('\n  ')}\nstatus: ${JSON.stringify(status())}`,
      );
    },
    waitForStatus(predicate, timeoutMs = 20_000) {
      return poll(
        () => (predicate(status()) ? status() : undefined),
        timeoutMs,
        () => JSON.stringify(status()),
      );
    },
    async dispose() {
      await engine.dispose();
      await daemon.dispose();
      await rm(work, { recursive: true, force: true });
    },
  };
}
