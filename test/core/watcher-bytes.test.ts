/**
 * The watchers on names that are not UTF-8 (Latin-1 'caf\xE9'), on real folders: every event
 * names the entry exactly (the lossless encoding of shared/names.ts), never as U+FFFD; an event
 * whose name is not exact becomes a rescan of its folder.
 */
import fs from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WATCHERS } from '../../electron/core/watch/watcher-backends.ts';
import {
  exactFolder,
  textNamedEvents,
  troubleFromError,
  UNNAMED_CHANGE,
  type TreeWatcher,
  type WatchEvent,
  type WatcherFactory,
  type WatchTrouble,
} from '../../electron/core/watch/tree-watcher.ts';
import { encodeName } from '../../electron/shared/names.ts';
import { latin1, mkdirAt, renameAt, rmAt, writeAt } from '../support/byte-trees.ts';
import { poll } from '../support/sync-fixture.ts';

let root: string;
let watcher: TreeWatcher | undefined;
let events: WatchEvent[];
let troubles: WatchTrouble[];

const CAFE = latin1('caf\xe9.txt'); // the byte E9: not 'é'
const CAFE_E8 = latin1('caf\xe8.txt'); // differs from CAFE only in that byte
const DIR = latin1('d\xe9j\xe0');

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'watch-bytes-'));
  await mkdir(path.join(root, 'plain'));
  await mkdirAt(root, `${DIR}/sous`); // a non-UTF-8 folder that exists before the watch
  events = [];
  troubles = [];
});
afterEach(async () => {
  await watcher?.dispose();
  watcher = undefined;
  await rm(root, { recursive: true, force: true });
});

const handlers = { onEvents: (e: WatchEvent[]) => events.push(...e), onTrouble: (t: WatchTrouble) => troubles.push(t) };
const start = async (factory: WatcherFactory = WATCHERS.native, pollIntervalMs?: number) => {
  watcher = await factory({ root, isExcluded: () => false, pollIntervalMs }, handlers);
};
const seen = (rel: string, kind?: WatchEvent['kind']) =>
  poll(
    () => (events.some((e) => e.path === rel && (!kind || e.kind === kind)) ? true : undefined),
    5_000,
    () => JSON.stringify(events),
  );
const noLossyPaths = () => expect(events.filter((e) => e.path.includes('\uFFFD'))).toEqual([]);

describe.runIf(process.platform === 'linux')('the native watcher, names as bytes', () => {
  it('reports a file made, changed and deleted under its exact name, in the root and below', async () => {
    await start();
    await writeAt(root, CAFE, 'one');
    await writeAt(root, `plain/${CAFE}`, 'one');
    await seen(CAFE, 'create');
    await seen(`plain/${CAFE}`, 'create');
    await writeAt(root, CAFE, 'two');
    await seen(CAFE, 'update');
    await writeAt(root, CAFE_E8);
    await seen(CAFE_E8, 'create');
    await rmAt(root, CAFE);
    await seen(CAFE, 'delete');
    expect(events.some((e) => e.path === CAFE_E8 && e.kind === 'delete')).toBe(false);
    noLossyPaths();
    expect(Buffer.from(encodeName(CAFE)).toString('latin1')).toBe('caf\xe9.txt');
  });

  it('watches inside a non-UTF-8 folder that existed at start, and inside one made later', async () => {
    await start();
    await writeAt(root, `${DIR}/sous/f`);
    await seen(`${DIR}/sous/f`, 'create');
    const made = latin1('neu\xfc');
    await mkdirAt(root, made);
    await seen(made, 'create');
    await writeAt(root, `${made}/${CAFE}`);
    await seen(`${made}/${CAFE}`, 'create');
    expect(troubles).toEqual([]);
    noLossyPaths();
  });

  it('follows a folder renamed into a non-UTF-8 name and out of it again, as moves', async () => {
    await writeAt(root, 'plain/a.txt');
    await start();
    await renameAt(root, 'plain', DIR.replace('j', 'J'));
    const inside = DIR.replace('j', 'J');
    await seen(inside, 'create');
    expect(events.find((e) => e.path === inside)).toMatchObject({ kind: 'create', movedFrom: 'plain' });
    await writeAt(root, `${inside}/after.txt`);
    await seen(`${inside}/after.txt`, 'create');
    await renameAt(root, inside, 'out');
    await seen('out', 'create');
    expect(events.find((e) => e.path === 'out')).toMatchObject({ movedFrom: inside });
    await writeAt(root, 'out/later.txt');
    await seen('out/later.txt', 'create');
    noLossyPaths();
  });

  it('turns an event with a name that is not exact into a rescan of its folder', async () => {
    // fs.watch is wrapped so that its listener can be handed a name decoded lossily, as a
    // string-decoding backend would: the watcher cannot tell which entry that is.
    const listeners = new Map<string, (type: string, name: unknown) => void>();
    const real = fs.watch;
    (fs as Record<string, unknown>).watch = (file: fs.PathLike, options: unknown, listener: never) => {
      const w = real(file, options as fs.WatchOptions, listener);
      // Node calls a watch's listener on the watch (EventEmitter), and the watcher relies on it.
      listeners.set(path.relative(root, String(file)), (listener as (type: string, name: unknown) => void).bind(w));
      return w;
    };
    syncBuiltinESMExports();
    try {
      await start();
    } finally {
      (fs as Record<string, unknown>).watch = real;
      syncBuiltinESMExports();
    }
    listeners.get('plain')!('rename', 'caf\uFFFD.txt');
    await seen('plain', 'create'); // the folder, synced whole
    listeners.get('')!('rename', 'caf\uFFFD.txt');
    await poll(
      () => (troubles.includes(UNNAMED_CHANGE) ? true : undefined),
      5_000,
      () => JSON.stringify({ troubles, events }),
    );
    noLossyPaths();
  });
});

describe('the polling watcher (chokidar), names as bytes', () => {
  it('reports non-UTF-8 names made, renamed and deleted, exactly, though chokidar drops them', async () => {
    await start(WATCHERS.poll, 30);
    await writeAt(root, `plain/${CAFE}`);
    await seen(`plain/${CAFE}`, 'create');
    await renameAt(root, `plain/${CAFE}`, `plain/${CAFE_E8}`);
    await seen(`plain/${CAFE_E8}`, 'create');
    await seen(`plain/${CAFE}`, 'delete');
    await mkdirAt(root, latin1('r\xe9p'));
    await seen(latin1('r\xe9p'), 'create');
    await rmAt(root, `plain/${CAFE_E8}`);
    await seen(`plain/${CAFE_E8}`, 'delete');
    noLossyPaths();
  });
});

describe('names given as text', () => {
  it.each([
    ['plain/a.txt', 'plain/a.txt'],
    ['caf\uFFFD.txt', ''],
    ['a/b/caf\uFFFD.txt', 'a/b'],
    ['a/d\uFFFDj/deep/f', 'a'],
    ['a/\uFFFD', 'a'],
  ])('%j is synced as %j', (rel, folder) => expect(exactFolder(rel)).toBe(folder));

  it('an inexact one is never skipped: its folder created, or at the root one UNNAMED_CHANGE per turn', async () => {
    const out: WatchEvent[] = [];
    const seenTroubles: WatchTrouble[] = [];
    const text = textNamedEvents(
      { root, isExcluded: (rel) => rel.endsWith('.tmp') },
      { onEvents: (e) => out.push(...e), onTrouble: (t) => seenTroubles.push(t) },
    );
    text.report('a/b/x\uFFFD.tmp', 'update'); // not excluded: what it stands for is unknown
    text.report('a/b/kept.tmp', 'create');
    text.report('a/ok', 'delete');
    text.report('top\uFFFD', 'delete');
    text.report('other\uFFFD', 'create');
    await new Promise((r) => setImmediate(r));
    expect(out).toEqual([
      { path: 'a/b', kind: 'create' },
      { path: 'a/ok', kind: 'delete' },
    ]);
    expect(seenTroubles).toEqual([UNNAMED_CHANGE]);
  });

  it('a watcher error naming a path cannot break the log line', () => {
    const error = Object.assign(new Error("EACCES: permission denied, watch '/src/a\nforged line'"), {
      code: 'EACCES',
    });
    expect(troubleFromError(error).message).toBe(
      "The file watcher failed: EACCES: permission denied, watch '/src/a\\nforged line'",
    );
  });
});
