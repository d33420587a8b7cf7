/**
 * Deletions as people make them, against a real daemon: a real `rm -rf`, folders removed one
 * after another at different paces, files unlinked one by one over seconds, a source unmounted
 * (a tmpfs and a bind mount made and removed here), a source replaced by another folder. Each
 * ends with no entry deleted beyond the target's budget (20 % of the backup in the window), the
 * hold shown with its counts, and — the safety net being on, as it is for new profiles — nothing
 * destroyed: what the budget let through is in the dated safety-net folder. An ordinary deletion
 * still goes through at once, as a batch. The figures printed here are the README's.
 */
import { execa } from 'execa';
import { existsSync, type Dirent } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DELETED_DIR } from '../../electron/core/rsync/rsync-args.ts';
import { poll, startSyncFixture, type SyncFixture } from '../support/sync-fixture.ts';

const FOLDERS = 30;
const FILES = 100;
const BUDGET = 20;

let fx: SyncFixture | undefined;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
  for (const c of cleanups.splice(0)) await c().catch(() => undefined);
});

const figure = (name: string, value: string) => console.log(`[figure] ${name}: ${value}`);
const folder = (d: number) => `dir${String(d).padStart(2, '0')}`;

async function fill(root: string): Promise<void> {
  for (let d = 0; d < FOLDERS; d++) {
    await mkdir(path.join(root, folder(d)), { recursive: true });
    for (let f = 0; f < FILES; f++) await writeFile(path.join(root, folder(d), `f${f}.txt`), `${d}/${f}`);
  }
}

/** Every entry below `root` ("dir/", "dir/file"), but the safety net's folder; read again while rsync changes it. */
async function entries(root: string): Promise<Set<string>> {
  let all: Dirent[] = [];
  for (let attempt = 0; ; attempt++) {
    try {
      all = await readdir(root, { recursive: true, withFileTypes: true });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt > 20) throw error;
    }
  }
  const out = new Set<string>();
  for (const e of all) {
    const rel = path.relative(root, path.join(e.parentPath, e.name));
    if (rel === DELETED_DIR || rel.startsWith(`${DELETED_DIR}/`)) continue;
    out.add(e.isDirectory() ? `${rel}/` : rel);
  }
  return out;
}

/** Files kept in the safety net, by their path in the mirror. */
async function inSafetyNet(backup: string): Promise<Set<string>> {
  const net = path.join(backup, DELETED_DIR);
  if (!existsSync(net)) return new Set();
  const out = new Set<string>();
  for (const day of await readdir(net))
    for (const e of await readdir(path.join(net, day), { recursive: true, withFileTypes: true }))
      if (!e.isDirectory()) out.add(path.relative(path.join(net, day), path.join(e.parentPath, e.name)));
  return out;
}

async function started(prepare?: (source: string) => Promise<void>): Promise<SyncFixture> {
  const f = await startSyncFixture({
    profile: { keepDeletedDays: 7, maxDeletePercent: BUDGET },
    prepare: async ({ source }) => (prepare ? prepare(source) : fill(source)),
  });
  await f.converged({ timeoutMs: 60_000, skip: (rel) => rel.startsWith(DELETED_DIR) });
  return f;
}

/** Waits until the target is held (or, with `held: false`, current) and nothing runs any more. */
async function settled(f: SyncFixture, held = true): Promise<void> {
  await f.waitForStatus((s) => s.pending === 0 && s.state === (held ? 'needs-confirmation' : 'idle'), 60_000);
  // A deletion that would still come comes within this: the next batch is due 50 ms after quiet.
  await new Promise((r) => setTimeout(r, 500));
}

interface Outcome {
  before: number;
  mirrored: number;
  deleted: number;
  destroyed: number;
  held: number;
  alreadyDeleted: number;
}

async function measure(f: SyncFixture, before: Set<string>, name: string): Promise<Outcome> {
  const now = await entries(f.backup);
  const net = await inSafetyNet(f.backup);
  const gone = [...before].filter((e) => !now.has(e));
  const destroyed = gone.filter((e) => !e.endsWith('/') && !net.has(e)).length;
  const hold = f.status().targets[0]!.hold;
  const outcome = {
    before: before.size,
    mirrored: now.size,
    deleted: gone.length,
    destroyed,
    held: hold?.deletions ?? 0,
    alreadyDeleted: hold?.alreadyDeleted ?? 0,
  };
  figure(
    name,
    `${outcome.before} entries on the backup; ${outcome.deleted} deleted from the mirror ` +
      `(${((100 * outcome.deleted) / outcome.before).toFixed(1)} %, all in the safety net: ${destroyed} destroyed), ` +
      `${outcome.held} held, ${outcome.mirrored} kept`,
  );
  return outcome;
}

/**
 * The budget's promise: within the share (its bound allows rsync's few uncounted folders more),
 * and the hold holds the rest of what the source lost (`removed` entries), counted whole.
 */
function withinBudget(o: Outcome, removed: number): void {
  expect(
    Math.abs(o.held + o.deleted - removed),
    `${o.deleted} deleted + ${o.held} held of ${removed}`,
  ).toBeLessThanOrEqual(10);
  expect(o.deleted).toBeLessThanOrEqual(Math.ceil((o.before * BUDGET) / 100) + 10);
  expect(o.destroyed).toBe(0);
  expect(o.held).toBeGreaterThan(0);
  // What the hold says went before it is what went.
  expect(Math.abs(o.alreadyDeleted - o.deleted)).toBeLessThanOrEqual(10);
}

/** Deletes from another process, the way a script or a person does, pausing `pauseMs` between steps. */
async function paced(kind: 'folders' | 'files', source: string, count: number, pauseMs: number): Promise<void> {
  const code = `const fs = require('fs'), p = require('path'); const s = ${JSON.stringify(source)};
    const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    let n = 0;
    outer: for (const d of fs.readdirSync(s).sort()) {
      if (${JSON.stringify(kind)} === 'folders') {
        fs.rmSync(p.join(s, d), { recursive: true });
        if (++n >= ${count}) break;
        sleep(${pauseMs});
        continue;
      }
      for (const f of fs.readdirSync(p.join(s, d))) {
        fs.unlinkSync(p.join(s, d, f));
        if (++n >= ${count}) break outer;
        sleep(${pauseMs});
      }
    }`;
  await execa(process.execPath, ['-e', code]);
}

describe('deletions as streams (real daemon, safety net on, 20 % budget)', () => {
  it('an ordinary deletion goes through at once, as a batch, into the safety net', async () => {
    fx = await started();
    const before = await entries(fx.backup);
    await rm(path.join(fx.source, folder(3)), { recursive: true });
    await settled(fx, false);
    const o = await measure(fx, before, 'a folder of 100 files deleted');
    expect(existsSync(path.join(fx.backup, folder(3)))).toBe(false);
    expect(o).toMatchObject({ deleted: FILES + 1, destroyed: 0, held: 0 });
    const deleting = fx.runs().filter((r) => r.deleted > 0);
    expect(deleting.map((r) => r.kind)).toEqual(['batch']);
    expect(deleting[0]!.deleted).toBe(FILES + 1);
    expect(deleting[0]!.deletedNames).toContain(`${folder(3)}/f7.txt`);
  });

  it('a real rm -rf of most of the tree is held whole', async () => {
    fx = await started();
    const before = await entries(fx.backup);
    await execa('rm', ['-rf', ...Array.from({ length: 25 }, (_, d) => path.join(fx!.source, folder(d)))]);
    await settled(fx);
    withinBudget(await measure(fx, before, 'rm -rf of 25 of 30 folders'), 25 * (FILES + 1));
  });

  it.each([
    ['30 ms', 30],
    ['1 s', 1_000],
  ])('folders removed one after another, %s apart, stop at the budget', async (pace, ms) => {
    fx = await started();
    const before = await entries(fx.backup);
    await paced('folders', fx.source, 12, ms);
    await settled(fx);
    withinBudget(await measure(fx, before, `12 of 30 folders removed ${pace} apart`), 12 * (FILES + 1));
  });

  it('files unlinked one by one over seconds stop at the budget', async () => {
    fx = await started();
    const before = await entries(fx.backup);
    await paced('files', fx.source, 1_200, 2);
    await settled(fx);
    const o = await measure(fx, before, '1,200 files unlinked one by one, 2 ms apart');
    withinBudget(o, 1_200);
  });

  it('a source folder replaced by another is held', async () => {
    fx = await started();
    const before = await entries(fx.backup);
    await rename(fx.source, `${fx.source}.old`);
    cleanups.push(() => rm(`${fx?.source}.old`, { recursive: true, force: true }));
    await mkdir(fx.source);
    for (let i = 0; i < 5; i++) await writeFile(path.join(fx.source, `other${i}`), 'another folder');
    await settled(fx);
    const o = await measure(fx, before, 'source replaced by another folder');
    expect(o.deleted).toBe(0);
    expect(o.held).toBeGreaterThanOrEqual(FOLDERS * FILES);
  });

  it.each(['tmpfs', 'bind'])('a source on a %s mount that is unmounted is held, nothing deleted', async (kind) => {
    const real = `/tmp/rsync-tray-mount-${process.pid}-${kind}`;
    let mountPoint = '';
    fx = await started(async (source) => {
      mountPoint = source;
      if (kind === 'tmpfs') await execa('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', source]);
      else {
        await mkdir(real, { recursive: true });
        await execa('mount', ['--bind', real, source]);
      }
      cleanups.push(
        () => execa('umount', ['-l', mountPoint]),
        () => rm(real, { recursive: true, force: true }),
      );
      await fill(source);
    });
    const before = await entries(fx.backup);
    await execa('umount', [mountPoint]);
    await settled(fx);
    const o = await measure(fx, before, `source on a ${kind} mount unmounted`);
    expect(o.deleted).toBe(0);
    expect(fx.status().targets[0]!.hold!.reason).toMatch(/source folder is empty \(is its disk mounted\?\)/);
  });

  it('the hold lists what it holds; confirming deletes it into the safety net', async () => {
    fx = await started();
    await execa('rm', ['-rf', ...Array.from({ length: 25 }, (_, d) => path.join(fx!.source, folder(d)))]);
    await settled(fx);
    const [page] = fx.engine.heldNames('test', 0, 1_000);
    expect(page!.total).toBe(fx.status().targets[0]!.hold!.deletions);
    expect(page!.listed).toBe(page!.total);
    expect(page!.names).toHaveLength(Math.min(1_000, page!.total));
    expect(page!.names.some((n) => /^dir\d\d\/f\d+\.txt$/.test(n))).toBe(true);
    const tail = fx.engine.heldNames('test', page!.total - 5, 1_000)[0]!;
    expect(tail.names).toHaveLength(5);
    fx.engine.confirmDeletions('test');
    await poll(
      async () => ((await entries(fx!.backup)).size <= 5 * (FILES + 1) ? true : undefined),
      30_000,
      () => JSON.stringify(fx!.status()),
    );
    expect((await inSafetyNet(fx.backup)).size).toBeGreaterThanOrEqual(25 * FILES);
  });
});
