/**
 * The mass-deletion guard against a real daemon: a source that vanishes, is replaced by an empty
 * folder, or is emptied never wipes the backup; the status says why; confirming lets the
 * deletions through.
 */
import { execa } from 'execa';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runRsync } from '../../electron/core/rsync/rsync-runner.ts';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.ts';
import { snapshot } from '../support/trees.ts';

let fx: SyncFixture | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

const timings = { rootGoneRetryMs: 200, rescanEveryMs: 500, rewatchAfterMs: 500 };

async function populated(): Promise<SyncFixture> {
  const f = await startSyncFixture({
    engine: { timings },
    prepare: async ({ source }) => {
      for (let i = 0; i < 40; i++) {
        await mkdir(path.join(source, `dir${i % 4}`), { recursive: true });
        await writeFile(path.join(source, `dir${i % 4}/file${i}`), `content ${i}`);
      }
    },
  });
  await f.converged();
  return f;
}

async function expectHeldThenConfirm(f: SyncFixture, atLeast = 40): Promise<void> {
  const before = await snapshot(f.backup);
  const held = await f.waitForStatus((s) => s.state === 'needs-confirmation');
  const hold = held.targets[0]!.hold!;
  expect(hold.reason).toMatch(/source folder is empty \(is its disk mounted\?\)/);
  expect(hold.deletions).toBeGreaterThanOrEqual(atLeast);
  await new Promise((r) => setTimeout(r, 300));
  expect(await snapshot(f.backup)).toEqual(before); // every file kept
  f.engine.confirmDeletions('test');
  await f.converged();
  expect((await snapshot(f.backup)).size).toBe(0);
}

describe('mass-deletion guard', () => {
  it('a source folder that disappears deletes nothing and says why', async () => {
    fx = await populated();
    const before = await snapshot(fx.backup);
    await rm(fx.source, { recursive: true });
    const s = await fx.waitForStatus((x) => x.targets[0]?.lastError?.code === 'SOURCE_MISSING');
    expect(s.state).toBe('error');
    expect(s.lastError!.message).toMatch(/nothing on the backup was changed/);
    await new Promise((r) => setTimeout(r, 500));
    expect(await snapshot(fx.backup)).toEqual(before);
  });

  it('a source folder replaced by an empty one (an unmounted disk) is held for confirmation', async () => {
    fx = await populated();
    await rm(fx.source, { recursive: true });
    await mkdir(fx.source);
    await expectHeldThenConfirm(fx);
  });

  it('a source folder emptied while watched is held for confirmation', async () => {
    fx = await populated();
    for (let i = 0; i < 4; i++) await rm(path.join(fx.source, `dir${i}`), { recursive: true });
    await expectHeldThenConfirm(fx);
  });

  it('a wide source emptied folder by folder, with pauses, is held whole (no folder goes first)', async () => {
    // A single deleted folder looks like the first one of an emptying: deletions wait for 50 ms
    // of quiet, so an rm -rf src/* with pauses below that is seen whole.
    fx = await startSyncFixture({
      prepare: async ({ source }) => {
        for (let d = 0; d < 20; d++) {
          await mkdir(path.join(source, `dir${String(d).padStart(2, '0')}`));
          for (let f = 0; f < 5; f++)
            await writeFile(path.join(source, `dir${String(d).padStart(2, '0')}`, `f${f}`), 'x');
        }
      },
    });
    await fx.converged();
    const before = await snapshot(fx.backup);
    // From another process, 8 ms between folders (a cold disk, a busy machine).
    const code = `const fs = require('fs'), p = require('path'); const s = ${JSON.stringify(fx.source)};
      for (const d of fs.readdirSync(s).sort()) {
        fs.rmSync(p.join(s, d), { recursive: true });
        const e = Date.now() + 8;
        while (Date.now() < e);
      }`;
    await execa(process.execPath, ['-e', code]);
    await fx.waitForStatus((s) => s.state === 'needs-confirmation');
    await new Promise((r) => setTimeout(r, 300));
    expect(await snapshot(fx.backup)).toEqual(before);
  });

  it('a count whose stats did not arrive whole is repeated, not judged without them', async () => {
    // rsync's stats can be lost to the runner's output trimming in a microseconds-wide window;
    // here the first count's are dropped on purpose.
    let dropped = false;
    const run: typeof runRsync = async (req) => {
      const result = await runRsync(req);
      if (!dropped && req.args.includes('--max-delete=0')) {
        dropped = true;
        return { ...result, stats: null };
      }
      return result;
    };
    fx = await startSyncFixture({
      engine: { run },
      prepare: async ({ source, backup }) => {
        for (let i = 0; i < 100; i++) await writeFile(path.join(source, `kept${i}`), 'x');
        for (let i = 0; i < 12; i++) await writeFile(path.join(backup, `stale${i}`), 'x'); // 11 % of the backup
      },
    });
    await fx.converged();
    expect(dropped).toBe(true);
    expect(fx.status().targets[0]!.hold).toBeNull();
    expect(fx.runs().filter((r) => r.kind === 'full').length).toBeGreaterThanOrEqual(3); // count, count again, delete
  });

  it('a source emptied while the engine was not running is held at start', async () => {
    fx = await startSyncFixture({
      prepare: async ({ backup }) => {
        for (let i = 0; i < 30; i++) await writeFile(path.join(backup, `kept${i}`), 'x');
      },
    });
    await expectHeldThenConfirm(fx, 30);
  });

  it('deleting a large share is held; refusing keeps the backup and pauses', async () => {
    fx = await populated();
    await writeFile(path.join(fx.source, 'survivor'), 'stays');
    await fx.engine.dispose();
    for (let i = 0; i < 3; i++) await rm(path.join(fx.source, `dir${i}`), { recursive: true });
    const { startEngine } = await import('../../electron/core/sync/engine.ts');
    const { ConfigSchema } = await import('../../electron/shared/profile-schema.ts');
    const before = await snapshot(fx.backup);
    const status = fx.status(); // the disposed engine's config lives on in the fixture: restart with the same
    expect(status.state).toBe('stopped');
    const engine = await startEngine({
      config: ConfigSchema.parse({
        version: 2,
        profiles: [
          {
            name: 'test',
            source: fx.source,
            fullSyncIntervalMinutes: 0,
            keepDeletedDays: 0, // as the fixture's
            targets: [
              {
                host: '127.0.0.1',
                port: fx.daemon.port,
                module: 'backup',
                user: fx.daemon.user,
                auth: { type: 'passwordFile', path: fx.daemon.passwordFile },
              },
            ],
          },
        ],
      }),
    });
    try {
      const deadline = Date.now() + 20_000;
      while (engine.status()[0]!.state !== 'needs-confirmation' && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 25));
      const hold = engine.status()[0]!.targets[0]!.hold!;
      expect(hold.reason).toMatch(
        /would delete 3\d more entries: 3\d of the backup.s 4\d \(\d+ %, more than the 20 % allowed\)/,
      );
      engine.refuseDeletions('test');
      expect(engine.status()[0]!.state).toBe('paused');
      // Nothing the backup had is gone or changed (new files may have arrived).
      const after = await snapshot(fx.backup);
      for (const [rel, entry] of before) expect(after.get(rel), rel).toBe(entry);
    } finally {
      await engine.dispose();
    }
  });
});
