/**
 * A profile with pauseOnBattery against a real rsync daemon: while the machine is on battery it
 * is paused and says why, nothing reaches the backup; when the condition ends it resumes by itself
 * and the backup catches up — unless a person paused it meanwhile.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { startEngine } from '../../electron/core/sync/engine.ts';
import { ManualConditionSource } from '../../electron/core/sync/pause-conditions.ts';
import { noWatcher } from '../../electron/core/watch/watcher-backends.ts';
import { CONFIG_VERSION, ConfigSchema } from '../../electron/shared/profile-schema.ts';
import { statusLine } from '../../electron/shared/presenter.ts';
import { poll } from '../support/sync-fixture.ts';

let work: string;
let daemon: LocalDaemon;
let source: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-conditions-'));
  daemon = await startLocalDaemon({ rootDir: path.join(work, 'daemon') });
  source = path.join(work, 'source');
  await mkdir(source);
});
afterAll(async () => {
  await daemon?.dispose();
  if (work) await rm(work, { recursive: true, force: true });
});

const config = (name: string) =>
  ConfigSchema.parse({
    version: CONFIG_VERSION,
    profiles: [
      {
        name,
        source,
        fullSyncIntervalMinutes: 0,
        pauseOnBattery: true,
        targets: [
          {
            host: daemon.host,
            port: daemon.port,
            module: 'backup',
            path: name,
            user: daemon.user,
            auth: { type: 'passwordFile', path: daemon.passwordFile },
          },
        ],
      },
    ],
  });

describe('pause on battery', () => {
  it('pauses with a reason while on battery and resumes by itself when plugged in', async () => {
    const conditions = new ManualConditionSource({ onBattery: 'yes', metered: 'unknown' });
    await writeFile(path.join(source, 'a.txt'), 'alpha');
    const engine = await startEngine({ config: config('bat'), watcherFactory: noWatcher, conditions });
    const copy = path.join(daemon.modules.backup!, 'bat', 'a.txt');
    try {
      const s = engine.status()[0]!;
      expect(s.state).toBe('paused');
      expect(s.pauseReason).toBe('on battery');
      expect(statusLine(s, Date.now())).toMatch(/^paused: on battery/);
      engine.syncNow('bat');
      await new Promise((r) => setTimeout(r, 300));
      expect(existsSync(copy)).toBe(false);

      conditions.set({ onBattery: 'no' });
      await poll(
        () => (existsSync(copy) ? true : undefined),
        10_000,
        () => `not synced; state ${engine.status()[0]?.state}`,
      );
      expect(await readFile(copy, 'utf8')).toBe('alpha');
      expect(engine.status()[0]?.pauseReason).toBeUndefined();
    } finally {
      await engine.dispose();
    }
  });

  it('a profile a person paused stays paused when the condition ends', async () => {
    const conditions = new ManualConditionSource({ onBattery: 'no', metered: 'unknown' });
    const engine = await startEngine({ config: config('person'), watcherFactory: noWatcher, conditions });
    try {
      await engine.whenIdle('person');
      engine.pause('person');
      conditions.set({ onBattery: 'yes' });
      expect(engine.status()[0]).toMatchObject({ state: 'paused', pauseReason: 'on battery' });
      conditions.set({ onBattery: 'no' });
      expect(engine.status()[0]?.state).toBe('paused');
      expect(engine.status()[0]?.pauseReason).toBeUndefined();
    } finally {
      await engine.dispose();
    }
  });
});
