/**
 * Disaster recovery against a real daemon (issue 16): a machine mirrored a profile (with the
 * safety net on) and is gone. On the new machine the profile comes in with its old source path,
 * which is not there; the whole backup is restored into an empty folder; the profile is pointed
 * at it and mirroring resumes. Meanwhile and after, nothing on the backup is deleted or changed —
 * not by the missing source, not by the first full sync of the restored folder, and the
 * mass-deletion guard never holds anything — and a new file then reaches the backup as usual.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreService } from '../../electron/core/service/restore-service.ts';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { startEngine, type Engine } from '../../electron/core/sync/engine.ts';
import { CONFIG_VERSION, ConfigSchema } from '../../electron/shared/profile-schema.ts';
import type { EngineEvent } from '../../electron/shared/status.ts';
import { byteSnapshot, diffByteTrees } from '../support/byte-trees.ts';
import { poll } from '../support/sync-fixture.ts';

let work: string;
let daemon: LocalDaemon;
const engines: Engine[] = [];

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-new-machine-'));
  daemon = await startLocalDaemon({ rootDir: path.join(work, 'daemon'), modules: [{ name: 'backup' }] });
});
afterAll(async () => {
  for (const e of engines) await e.dispose();
  await daemon?.dispose();
  if (work) await rm(work, { recursive: true, force: true });
});

const config = (source: string) =>
  ConfigSchema.parse({
    version: CONFIG_VERSION,
    profiles: [
      {
        name: 'docs',
        source,
        fullSyncIntervalMinutes: 0,
        keepDeletedDays: 7,
        targets: [
          {
            host: daemon.host,
            port: daemon.port,
            module: 'backup',
            path: 'docs',
            user: daemon.user,
            auth: { type: 'passwordFile', path: daemon.passwordFile },
          },
        ],
      },
    ],
  });

async function start(source: string, events: EngineEvent[]): Promise<Engine> {
  const engine = await startEngine({ config: config(source), stateDir: await mkdtemp(path.join(work, 'state-')) });
  engine.subscribe((e) => events.push(e));
  engines.push(engine);
  return engine;
}

const idle = (engine: Engine) =>
  poll(
    () => (engine.status()[0]?.state === 'idle' && engine.status()[0]?.pending === 0 ? true : undefined),
    20_000,
    () => JSON.stringify(engine.status()[0]),
  );

describe('the whole profile onto a new machine', () => {
  it('restores into an empty folder, is pointed at it, and mirrors on without deleting anything', async () => {
    // The old machine: a few folders mirrored, one file replaced (its old version in the safety net).
    const old = path.join(work, 'old-machine');
    for (let i = 0; i < 40; i++) {
      await mkdir(path.join(old, `d${i % 4}`), { recursive: true });
      await writeFile(path.join(old, `d${i % 4}`, `f${i}.txt`), `file ${i}\n`.repeat(20));
    }
    const oldEvents: EngineEvent[] = [];
    const oldEngine = await start(old, oldEvents);
    await idle(oldEngine);
    await writeFile(path.join(old, 'd0', 'f0.txt'), 'edited on the old machine\n');
    await oldEngine.whenIdle('docs');
    await poll(
      async () =>
        (await readFile(path.join(daemon.modules.backup!, 'docs/d0/f0.txt'), 'utf8').catch(() => '')).startsWith(
          'edited',
        )
          ? true
          : undefined,
      20_000,
      () => 'the edit never reached the backup',
    );
    await oldEngine.dispose();
    engines.splice(engines.indexOf(oldEngine), 1);
    await rm(old, { recursive: true, force: true });
    const backup = path.join(daemon.modules.backup!, 'docs');
    const before = await byteSnapshot(backup);
    expect([...before.keys()].some((k) => k.startsWith('.rsync-tray-deleted/'))).toBe(true);

    // The new machine: the profile arrives with its old source path, which is not there.
    const events: EngineEvent[] = [];
    const engine = await start(old, events);
    await poll(
      () => (engine.status()[0]?.lastError ? true : undefined),
      20_000,
      () => JSON.stringify(engine.status()[0]),
    );
    expect(engine.status()[0]!.lastError!.code).toBe('SOURCE_MISSING');

    // The whole backup into an empty folder, as the window and `restore --all --to` do it.
    const restored = path.join(work, 'new-machine', 'docs');
    const service = restoreService({ profile: () => config(old).profiles[0]!, rsyncPath: () => 'rsync' });
    const report = await service.run({ profile: 'docs', target: 0, paths: [], all: true, force: false, to: restored });
    expect(report.nextSteps.join(' ')).toContain(restored);
    const content = new Map([...before].filter(([k]) => !k.startsWith('.rsync-tray-deleted')));
    expect(diffByteTrees(content, await byteSnapshot(restored))).toEqual([]);

    // Pointed at it: the first full sync finds the backup equal to the folder.
    const runsBefore = events.filter((e) => e.type === 'run').length;
    await engine.update(config(restored));
    await idle(engine);
    const runs = events.flatMap((e) => (e.type === 'run' ? [e.run] : [])).slice(runsBefore);
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.reduce((n, r) => n + r.deleted, 0)).toBe(0);
    expect(runs.reduce((n, r) => n + r.files, 0)).toBe(0);
    const states = events.flatMap((e) => (e.type === 'status' ? [e.status.state] : []));
    expect(states).not.toContain('needs-confirmation');
    expect(engine.status()[0]!.targets.every((t) => !t.hold)).toBe(true);
    expect(diffByteTrees(before, await byteSnapshot(backup))).toEqual([]);

    // Mirroring goes on from the restored folder.
    await writeFile(path.join(restored, 'd1', 'new.txt'), 'written on the new machine\n');
    await poll(
      async () => ((await readFile(path.join(backup, 'd1/new.txt'), 'utf8').catch(() => '')) ? true : undefined),
      20_000,
      () => 'the new file never reached the backup',
    );
    await engine.whenIdle('docs');
    const after = await byteSnapshot(backup);
    after.delete('d1/new.txt');
    expect(diffByteTrees(before, after)).toEqual([]);
  }, 120_000);
});
