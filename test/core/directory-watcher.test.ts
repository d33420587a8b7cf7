/** The fs.watch tree watcher on real folders: what it reports, and that it follows the tree. */
import fs from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FS_COUNTING_SUBDIRS, mustList } from '../../electron/core/watch/directory-watcher.ts';
import { recursiveWatcher } from '../../electron/core/watch/recursive-watcher.ts';
import { WATCHERS } from '../../electron/core/watch/watcher-backends.ts';
import type { TreeWatcher, WatchEvent, WatcherFactory, WatchTrouble } from '../../electron/core/watch/tree-watcher.ts';
import { poll } from '../support/sync-fixture.ts';

let root: string;
let watcher: TreeWatcher | undefined;
let events: WatchEvent[];
let troubles: WatchTrouble[];

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'watch-'));
  await mkdir(path.join(root, 'existing/deep'), { recursive: true });
  await mkdir(path.join(root, 'cache'));
  events = [];
  troubles = [];
  watcher = await WATCHERS.native(
    { root, isExcluded: (rel) => rel === 'cache' || rel.startsWith('cache/') },
    { onEvents: (e) => events.push(...e), onTrouble: (t) => troubles.push(t) },
  );
});
afterEach(async () => {
  await watcher?.dispose();
  await rm(root, { recursive: true, force: true });
});

const seen = (rel: string, kind?: WatchEvent['kind']) =>
  poll(
    () => (events.some((e) => e.path === rel && (!kind || e.kind === kind)) ? true : undefined),
    5_000,
    () => JSON.stringify(events),
  );

/** Until no event has come for 300 ms. */
async function quiet(): Promise<void> {
  for (let n = -1; n !== events.length; ) {
    n = events.length;
    await new Promise((r) => setTimeout(r, 300));
  }
}

/**
 * Starts the native watcher on `root` while fs[name] is wrapped (fault injection and counting);
 * syncBuiltinESMExports carries the swap into the watcher's `import { … } from 'node:fs'`.
 */
async function startWithFs(
  name: 'watch' | 'readdirSync',
  wrap: (real: (...a: unknown[]) => any) => (...a: any[]) => unknown,
  factory: WatcherFactory = WATCHERS.native,
): Promise<void> {
  const real = fs[name];
  (fs as Record<string, unknown>)[name] = wrap(real as (...a: unknown[]) => any);
  syncBuiltinESMExports();
  try {
    watcher = await factory(
      { root, isExcluded: () => false },
      { onEvents: (e) => events.push(...e), onTrouble: (t) => troubles.push(t) },
    );
  } finally {
    (fs as Record<string, unknown>)[name] = real;
    syncBuiltinESMExports();
  }
}

describe('directory watcher', () => {
  it('reports creates, changes and deletes in directories that existed at start', async () => {
    await writeFile(path.join(root, 'existing/deep/a.txt'), 'one');
    await seen('existing/deep/a.txt', 'create');
    await writeFile(path.join(root, 'existing/deep/a.txt'), 'two');
    await seen('existing/deep/a.txt', 'update');
    await rm(path.join(root, 'existing/deep/a.txt'));
    await seen('existing/deep/a.txt', 'delete');
  });

  it('reports a new directory tree once, and watches inside it from then on', async () => {
    await mkdir(path.join(root, 'new/sub/subsub'), { recursive: true });
    await seen('new', 'create');
    // mkdir -p races the watcher: a level made before its parent was watched is covered by the
    // report of 'new' (synced as a whole); one made after raises its own report. Let it settle.
    await quiet();
    await writeFile(path.join(root, 'new/sub/subsub/later.txt'), 'x');
    await seen('new/sub/subsub/later.txt');
  });

  it('follows a renamed directory: the old name is deleted, events come under the new name', async () => {
    await rename(path.join(root, 'existing'), path.join(root, 'moved'));
    await seen('existing', 'delete');
    await seen('moved', 'create');
    events.length = 0;
    await writeFile(path.join(root, 'moved/deep/after-move.txt'), 'x');
    await seen('moved/deep/after-move.txt');
    expect(events.some((e) => e.path.startsWith('existing/'))).toBe(false);
  });

  it('tells a directory moved within the tree from one deleted and another made', async () => {
    await rename(path.join(root, 'existing'), path.join(root, 'renamed'));
    await seen('renamed', 'create');
    expect(events.find((e) => e.path === 'renamed')).toMatchObject({ kind: 'create', movedFrom: 'existing' });
    events.length = 0;
    await rm(path.join(root, 'renamed'), { recursive: true });
    await seen('renamed', 'delete');
    await mkdir(path.join(root, 'fresh'));
    await seen('fresh', 'create');
    expect(events.find((e) => e.path === 'fresh')!.movedFrom).toBeUndefined();
  });

  it('neither watches nor reports excluded directories', async () => {
    await writeFile(path.join(root, 'cache/junk'), 'x');
    await writeFile(path.join(root, 'marker'), 'x');
    await seen('marker');
    expect(events.some((e) => e.path.startsWith('cache'))).toBe(false);
  });

  it('says so when the watched folder itself disappears', async () => {
    await rm(root, { recursive: true });
    await poll(
      () => (troubles.some((t) => t.reason === 'root-gone') ? true : undefined),
      5_000,
      () => JSON.stringify(troubles),
    );
  });

  it('watches every directory of a wide tree, leaves included, and new ones made inside a leaf', async () => {
    // Leaves are watched without being listed where the filesystem counts subdirectories (ext4
    // and tmpfs here); a directory made in a leaf afterwards must still be found and watched.
    await watcher!.dispose();
    const leaves = Array.from({ length: 30 }, (_, i) => `wide/d${i}/e${i % 3}`);
    for (const leaf of leaves) await mkdir(path.join(root, leaf), { recursive: true });
    watcher = await WATCHERS.native(
      { root, isExcluded: () => false },
      { onEvents: (e) => events.push(...e), onTrouble: (t) => troubles.push(t) },
    );
    for (const leaf of leaves) await writeFile(path.join(root, leaf, 'f'), 'x');
    for (const leaf of leaves) await seen(`${leaf}/f`, 'create');
    await mkdir(path.join(root, 'wide/d7/e1/inner'));
    await seen('wide/d7/e1/inner', 'create');
    await writeFile(path.join(root, 'wide/d7/e1/inner/g'), 'x');
    await seen('wide/d7/e1/inner/g', 'create');
  });
});

describe('a directory replaced right after its watch was set', () => {
  it('is watched afresh when its creation is reported, so files made in it later are seen', async () => {
    // Fault injection: fs.watch is wrapped so that the moment the watch on a/c is set, a/c is
    // moved away and made again — the old watch then follows the moved directory.
    await watcher!.dispose();
    await mkdir(path.join(root, 'a/c'), { recursive: true });
    const target = path.join(root, 'a/c');
    let replaced = false;
    await startWithFs('watch', (real) => (file: fs.PathLike, ...rest: unknown[]) => {
      const w = real(file, ...rest);
      if (!replaced && String(file) === target) {
        // a Buffer path: names are bytes
        replaced = true;
        fs.renameSync(target, `${target}.old`);
        fs.mkdirSync(target);
      }
      return w;
    });
    expect(replaced).toBe(true);
    await seen('a/c', 'create');
    await quiet();
    await writeFile(path.join(root, 'a/c/later.txt'), 'x');
    await seen('a/c/later.txt', 'create');
  });
});

describe('an event that names no entry (fs.watch passes no file name)', () => {
  type Listener = (type: string, name: string | null | undefined) => void;
  /** The watcher's own listener per watched folder (relative to root), to inject events into. */
  let listeners: Map<string, Listener>;
  /** Folders whose real events are dropped: as if the kernel had not said what changed there. */
  let muted: Set<string>;

  /** Starts the watcher with fs.watch wrapped: each listener is kept, and a muted folder's events dropped. */
  async function startInjectable(factory: WatcherFactory = WATCHERS.native): Promise<void> {
    await watcher!.dispose();
    listeners = new Map();
    muted = new Set();
    await startWithFs(
      'watch',
      (real) => (file: fs.PathLike, options: unknown, listener: Listener) => {
        const rel = path.relative(root, String(file));
        // The first only: on Linux, Node's own recursive watch calls fs.watch again per folder
        // (inside the call below, so the place is taken before it).
        const first = !listeners.has(rel);
        if (first) listeners.set(rel, () => undefined);
        // Node calls a watch's listener on the watch (EventEmitter), and the watcher relies on it.
        const w: fs.FSWatcher = real(file, options, (type: string, name: string | null) => {
          if (!muted.has(rel)) listener.call(w, type, name);
        });
        if (first) listeners.set(rel, listener.bind(w));
        return w;
      },
      factory,
    );
  }
  const overflows = () => troubles.filter((t) => t.reason === 'overflow');

  it('on the root: asks for a full sync (overflow) once, and watches subfolders it did not hear of', async () => {
    await startInjectable();
    muted.add('');
    await mkdir(path.join(root, 'unheard')); // its creation is never reported
    listeners.get('')!('rename', null);
    listeners.get('')!('change', null); // a second in the same turn: the same rescan
    await poll(
      () => (overflows().length ? true : undefined),
      5_000,
      () => JSON.stringify({ troubles, events }),
    );
    expect(overflows()[0]!.message).toMatch(/full sync/);
    await writeFile(path.join(root, 'unheard/f'), 'x');
    await seen('unheard/f', 'create');
    expect(overflows()).toHaveLength(1);
    expect(events.some((e) => e.path === '')).toBe(false);
  });

  it.each([null, undefined])(
    'in a subfolder (name %s): reports the folder whole, and watches new folders in it',
    async (name) => {
      await startInjectable();
      muted.add('existing');
      await mkdir(path.join(root, 'existing/unheard'));
      listeners.get('existing')!('rename', name);
      await seen('existing', 'create');
      await writeFile(path.join(root, 'existing/unheard/f'), 'x');
      await seen('existing/unheard/f', 'create');
      expect(events.filter((e) => /null|undefined/.test(e.path))).toEqual([]);
      expect(troubles).toEqual([]);
    },
  );

  it('in a subfolder: a folder in it replaced under the same name is watched afresh', async () => {
    await startInjectable();
    muted.add('existing');
    // The old watch follows the moved folder: events would keep coming under the old name.
    await rename(path.join(root, 'existing/deep'), path.join(root, 'existing/deep.old'));
    await mkdir(path.join(root, 'existing/deep'));
    listeners.get('existing')!('rename', null);
    await seen('existing', 'create');
    events.length = 0;
    await writeFile(path.join(root, 'existing/deep/f'), 'x');
    await seen('existing/deep/f', 'create');
    await writeFile(path.join(root, 'existing/deep.old/g'), 'x');
    await quiet();
    expect(events.some((e) => e.path === 'existing/deep/g')).toBe(false);
  });

  it('on the recursive watcher (macOS, Windows): asks for a full sync (overflow)', async () => {
    await startInjectable(recursiveWatcher);
    listeners.get('')!('rename', null);
    listeners.get('')!('rename', undefined);
    await poll(
      () => (overflows().length ? true : undefined),
      5_000,
      () => JSON.stringify({ troubles, events }),
    );
    expect(events.filter((e) => e.path === '' || /null|undefined/.test(e.path))).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(overflows()).toHaveLength(1);
  });
});

describe('leaf directories (no listing needed)', () => {
  const ext4 = { dev: 7, countsSubdirs: true };
  it('skips the listing only for nlink 2 on a filesystem that counts subdirectories, on the same device', () => {
    expect(mustList({ dev: 7, nlink: 2 }, ext4)).toBe(false);
    expect(mustList({ dev: 7, nlink: 3 }, ext4)).toBe(true); // one subdirectory
    expect(mustList({ dev: 7, nlink: 1 }, ext4)).toBe(true); // ext4 past 65,000 subdirectories; btrfs always
    expect(mustList({ dev: 9, nlink: 2 }, ext4)).toBe(true); // a mount point below the root
    expect(mustList({ dev: 7, nlink: 2 }, { dev: 7, countsSubdirs: false })).toBe(true); // overlayfs, NFS, unknown
  });
  it('lists only the directories that have subdirectories, where the filesystem keeps the count', async (ctx) => {
    if (!FS_COUNTING_SUBDIRS.has(Number(fs.statfsSync(root).type))) ctx.skip(); // e.g. btrfs or overlayfs temp dirs
    await watcher!.dispose();
    for (let i = 0; i < 20; i++) await mkdir(path.join(root, `tree/d${i}/leaf`), { recursive: true });
    const listed: string[] = [];
    await startWithFs('readdirSync', (real) => (dir: fs.PathLike, ...rest: unknown[]) => {
      listed.push(path.relative(root, String(dir)));
      return real(dir, ...rest);
    });
    // The root, tree, tree/d0..d19, existing: not the 20 leaves, nor existing/deep or cache.
    expect(listed.filter((d) => d.endsWith('leaf'))).toEqual([]);
    expect(listed).toContain('tree/d7');
    await writeFile(path.join(root, 'tree/d7/leaf/f'), 'x');
    await seen('tree/d7/leaf/f', 'create');
  });
  it('trusts only filesystems known to keep the count', () => {
    expect([...FS_COUNTING_SUBDIRS.values()]).toEqual(['ext2/ext3/ext4', 'xfs', 'tmpfs']);
    expect(FS_COUNTING_SUBDIRS.has(0x9123683e)).toBe(false); // btrfs
    expect(FS_COUNTING_SUBDIRS.has(0x794c7630)).toBe(false); // overlayfs
  });
});
