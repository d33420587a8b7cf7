/**
 * The native watcher: Node's fs.watch, one inotify watch per directory on Linux (where
 * `recursive` would mean one per file), or one recursive watch on macOS (FSEvents) and Windows
 * (ReadDirectoryChangesW).
 *
 * Why not @parcel/watcher: its Watcher::triggerCallbacks reads the pending events and clears them
 * in two separately locked steps, so an event arriving in between is lost; under a burst that
 * lost file modifications for good (caught by test/engine/live-sync.test.ts). It also holds
 * every change for 50 ms after a recent one. fs.watch delivers each event as it is read.
 *
 * The order that makes new directories safe: a new directory is watched (with everything below
 * it) *before* its creation is reported, and the engine syncs a created directory as a whole. A
 * file appearing before the watch is covered by that sync; one appearing after raises an event.
 *
 * Names are bytes (shared/names.ts): fs.watch and the listings hand them over as Buffers, every
 * fs call gets a Buffer path (root bytes + '/' + name bytes), and the relative paths reported are
 * strings in the lossless encoding. A name that is not UTF-8 is then watched and reported like
 * any other, instead of as a U+FFFD string that names nothing.
 */
import { lstatSync, readdirSync, statfsSync, statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { mayBeLossy } from '../../shared/names.ts';
import { nameBytes, nameOf, rootBytes } from './byte-paths.ts';
import {
  ROOT_GONE,
  troubleFromError,
  UNNAMED_CHANGE,
  type ChangeKind,
  type TreeWatcher,
  type WatchEvent,
  type WatchHandlers,
  type WatchOptions,
  type WatchTrouble,
  type WatcherFactory,
  watchLimitTrouble,
} from './tree-watcher.ts';

const YIELD_EVERY = 256;
const WATCH_OPTIONS = { persistent: false, encoding: 'buffer' } as const;
const LIST_OPTIONS = { withFileTypes: true, encoding: 'buffer' } as const;
/** How long a vanished directory waits for its other half of a move (both events come in one read). */
const MOVE_PAIRING_MS = 1_000;

const join = (dir: string, name: string): string => (dir ? `${dir}/${name}` : name);

/**
 * The entry an fs.watch event names, as bytes, or null when it names none exactly: Node passes
 * null (or, on some platforms and kernels, undefined or an empty string) when the OS did not say
 * which entry changed, and a name given as text may have lost bytes (U+FFFD). Such an event is
 * never dropped: see rescan.
 */
export const entryName = (name: string | Buffer | null | undefined): Buffer | null => {
  if (name == null || name.length === 0) return null;
  if (typeof name !== 'string') return name;
  return mayBeLossy(name) ? null : nameBytes(name);
};

/**
 * Filesystems (statfs f_type) where a directory's link count is exactly 2 + its subdirectories,
 * so a directory with nlink 2 has none and need not be listed to find them — GNU find's "leaf
 * optimisation". Most directories of a large tree are leaves: on 200k files in 20k directories
 * this skips ~20,000 listings (~0.25 s of a ~0.55 s start). Others are listed: btrfs reports 1,
 * overlayfs, NFS and CIFS do not keep the count reliably, and an unknown one is not trusted.
 * ext4 reports 1 past 65,000 subdirectories, which is not 2, so it is listed too.
 */
export const FS_COUNTING_SUBDIRS: ReadonlyMap<number, string> = new Map([
  [0xef53, 'ext2/ext3/ext4'],
  [0x58465342, 'xfs'],
  [0x01021994, 'tmpfs'],
]);

/** Whether a watched directory must be listed to find its subdirectories. */
export function mustList(dir: { dev: number; nlink: number }, tree: { dev: number; countsSubdirs: boolean }): boolean {
  // Another device below the root (a mount point) may be any filesystem.
  return !(tree.countsSubdirs && dir.dev === tree.dev && dir.nlink === 2);
}

/** The root's device and whether its filesystem's link counts can be trusted (mustList). */
function treeFacts(root: Buffer): { dev: number; countsSubdirs: boolean } {
  try {
    return { dev: statSync(root).dev, countsSubdirs: FS_COUNTING_SUBDIRS.has(Number(statfsSync(root).type)) };
  } catch {
    return { dev: -1, countsSubdirs: false };
  }
}

/**
 * What an entry is now. Synchronous on purpose: this watcher serves local disks, where an lstat
 * takes microseconds, and the 1,000 events of a deleted folder then cost ~2 ms instead of ~30 ms
 * through the thread pool. (Network filesystems use the polling watcher.)
 */
function kindOf(file: Buffer): { kind: 'dir' | 'other' | 'missing'; ino: number; born: number } {
  try {
    const st = lstatSync(file, { throwIfNoEntry: false });
    if (!st) return { kind: 'missing', ino: 0, born: 0 };
    return { kind: st.isDirectory() ? 'dir' : 'other', ino: st.ino, born: st.birthtimeMs };
  } catch {
    return { kind: 'missing', ino: 0, born: 0 }; // ENOTDIR and the like: it is not there as a path
  }
}

/** One folder's watch, and the folder (relative to the root) it is set on. */
type FolderWatch = FSWatcher & { rel: string };

/** Linux: a tree of per-directory watches, kept in step with the tree. */
export const directoryTreeWatcher: WatcherFactory = async (
  options: WatchOptions,
  handlers: WatchHandlers,
): Promise<TreeWatcher> => {
  // Normalised once, so the watches and the listings (root + '/' + rel, as bytes) agree.
  const root = path.resolve(options.root);
  const bytes = rootBytes(root);
  /** rel dir → its watch, and its inode and birth time (to pair a move's two events). */
  const watchers = new Map<string, { w: FSWatcher; ino: number; born: number }>();
  /**
   * inode → a watched directory that just vanished, to pair a move's two events. The birth time
   * must match too: a deleted directory's inode number is often reused at once by a new one.
   */
  const recentlyGone = new Map<number, { rel: string; born: number; at: number }>();
  let disposed = false;
  let failed = false;
  let started = false;

  const fail = (trouble: WatchTrouble): void => {
    if (failed || disposed) return;
    failed = true;
    handlers.onTrouble(trouble);
  };

  const unwatchTree = (rel: string): void => {
    // Only a watched directory has watches beneath it (and a file's deletion must not walk 20k watches).
    if (!watchers.has(rel)) return;
    for (const [dir, { w }] of watchers) {
      if (dir === rel || dir.startsWith(`${rel}/`)) {
        w.close();
        watchers.delete(dir);
      }
    }
  };

  /** The root's filesystem facts, read once (a directory below on another device is listed). */
  const tree = treeFacts(bytes.bytes);

  /**
   * Watches one directory: 'list' when its listing is needed to find subdirectories, 'leaf' when
   * its link count says it has none, false when it could not be watched (vanished). The watch is
   * set before the lstat: a subdirectory made before the lstat is in the link count, one made
   * after it raises an event. `abs` is rel's absolute path, as bytes.
   */
  /** fs.watch's listeners are called on their watch (EventEmitter), which knows its folder. */
  function onChange(this: FolderWatch, type: string, name: Buffer | null): void {
    void onEvent(this.rel, type, name);
  }
  function onWatchError(this: FolderWatch, error: NodeJS.ErrnoException): void {
    // The directory itself went away (or cannot be read any more).
    this.close();
    if (watchers.get(this.rel)?.w === this) watchers.delete(this.rel);
    const trouble = troubleFromError(error);
    if (this.rel === '' || trouble.reason !== 'root-gone') fail(trouble);
  }

  const watchOne = (rel: string, abs: Buffer): 'list' | 'leaf' | false => {
    if (watchers.has(rel)) return 'list';
    let w: FSWatcher | undefined;
    try {
      // The watch carries its folder, and two shared listeners serve every watch: a closure per
      // folder (holding rel, and its absolute path as a Buffer) was ~0.2 KiB of heap each, 20 MiB
      // on 100k folders. Events are rare enough to encode the path again (bytes.abs) when one comes.
      const watcher = Object.assign(watch(abs, WATCH_OPTIONS, onChange), { rel });
      w = watcher;
      watcher.on('error', onWatchError);
      const st = lstatSync(abs);
      watchers.set(rel, { w: watcher, ino: st.ino, born: st.birthtimeMs });
      return mustList(st, tree) ? 'list' : 'leaf';
    } catch (error) {
      w?.close();
      let trouble = troubleFromError(error as Error);
      // Said with the folder count reached, so the advised limit is enough for this tree.
      if (trouble.reason === 'watch-limit') {
        trouble = watchLimitTrouble(watchers.size);
        Object.assign(error as Error, { trouble });
      }
      if (trouble.reason === 'root-gone' && rel !== '') return false; // a subfolder gone before we got to it
      if (started) fail(trouble); // while starting, the factory's caller gets the error instead
      throw error;
    }
  };

  /**
   * Watches `rel` and every directory below it that is not excluded. Listing is synchronous
   * (readdirSync is ~7x faster than promise-based listing here: 0.27 s against 1.9 s for 20k
   * directories), yielding to the event loop every few hundred directories. A child's path
   * is its parent's bytes + its name's: nothing is encoded while starting.
   */
  const watchTree = async (rel: string, abs = bytes.abs(rel)): Promise<void> => {
    if (watchOne(rel, abs) !== 'list') return;
    const stack: Array<[string, Buffer]> = [[rel, abs]];
    for (let listed = 0; stack.length && !disposed; listed++) {
      if (listed % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((r) => setImmediate(r));
      const [dir, dirAbs] = stack.pop()!;
      let entries;
      try {
        entries = readdirSync(dirAbs, LIST_OPTIONS);
      } catch {
        continue; // vanished meanwhile: its parent's event reports that
      }
      for (const e of entries) {
        if (!e.isDirectory()) continue;
        const child = join(dir, nameOf(e.name));
        if (options.isExcluded(child, true)) continue;
        const childAbs = bytes.child(dirAbs, e.name);
        if (watchOne(child, childAbs) === 'list') stack.push([child, childAbs]);
      }
    }
  };

  let queued: WatchEvent[] = [];
  /** An event at the root named no entry: UNNAMED_CHANGE goes out with the next hand-over. */
  let unnamedAtRoot = false;
  let flushScheduled = false;
  const scheduleFlush = (): void => {
    if (flushScheduled) return;
    flushScheduled = true;
    // One hand-over per turn of the event loop, however many events the kernel delivered.
    setImmediate(() => {
      flushScheduled = false;
      const events = queued;
      queued = [];
      const unnamed = unnamedAtRoot;
      unnamedAtRoot = false;
      if (disposed) return;
      if (events.length) handlers.onEvents(events);
      if (unnamed && !failed) handlers.onTrouble(UNNAMED_CHANGE);
    });
  };
  const report = (event: WatchEvent): void => {
    queued.push(event);
    scheduleFlush();
  };

  /** Folders to look at again (an event there named no entry), and those being looked at now. */
  const rescanWanted = new Set<string>();
  const rescanning = new Set<string>();

  /**
   * An event in `dir` that named no entry: anything directly in it may have been made, deleted,
   * changed or replaced. Its subfolders are checked against their watches first — a new one, or
   * another directory under a watched name, is watched with everything below it; one gone is
   * unwatched — then `dir` is reported whole: a subfolder as created (synced recursively, like a
   * new directory), the root as UNNAMED_CHANGE (one full sync). Such events during a rescan of
   * the same folder make one more rescan after it, not one each.
   */
  const rescan = async (dir: string): Promise<void> => {
    rescanWanted.add(dir);
    if (rescanning.has(dir)) return;
    rescanning.add(dir);
    try {
      while (rescanWanted.delete(dir) && !disposed && !failed) await rescanOnce(dir);
    } finally {
      rescanning.delete(dir);
    }
  };

  const rescanOnce = async (dir: string): Promise<void> => {
    const dirAbs = bytes.abs(dir);
    let entries: Array<{ name: Buffer; isDirectory(): boolean }> = [];
    try {
      entries = readdirSync(dirAbs, LIST_OPTIONS);
    } catch {
      // Gone or unreadable: reported all the same; the sync finds what it is now.
    }
    const present = new Set<string>();
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const child = join(dir, nameOf(e.name));
      if (options.isExcluded(child, true)) continue;
      present.add(child);
      const childAbs = bytes.child(dirAbs, e.name);
      const watched = watchers.get(child);
      if (watched) {
        const now = kindOf(childAbs);
        // A watch follows the inode it was set on (and inode numbers are reused: birth time too).
        if (now.kind === 'dir' && now.ino === watched.ino && now.born === watched.born) continue;
        unwatchTree(child);
      }
      try {
        await watchTree(child, childAbs);
      } catch {
        return; // watch limit: reported as trouble, and the engine falls back to rescans
      }
      if (disposed) return;
    }
    // Watched subfolders no longer there (or excluded now).
    const prefix = dir ? `${dir}/` : '';
    for (const rel of [...watchers.keys()]) {
      if (rel !== '' && rel.startsWith(prefix) && !rel.includes('/', prefix.length) && !present.has(rel))
        unwatchTree(rel);
    }
    if (dir) {
      report({ path: dir, kind: 'create' });
    } else {
      // The pending paths cannot hold the root itself: the trouble channel asks for a full sync.
      unnamedAtRoot = true;
      scheduleFlush();
    }
  };

  const onEvent = async (dir: string, type: string, name: string | Buffer | null | undefined): Promise<void> => {
    if (disposed) return;
    const entry = entryName(name);
    if (entry === null) {
      // The OS did not say (exactly) which entry changed: look at the whole folder again.
      await rescan(dir);
      return;
    }
    const rel = join(dir, nameOf(entry));
    if (type === 'change') {
      if (!options.isExcluded(rel, undefined)) report({ path: rel, kind: 'update' });
      return;
    }
    // 'rename': created, deleted or moved, in or out. What it is now decides.
    const abs = bytes.child(bytes.abs(dir), entry);
    const { kind, ino, born } = kindOf(abs);
    if (kind === 'missing') {
      const watched = watchers.get(rel);
      if (watched) {
        const now = Date.now();
        for (const [gone, { at }] of recentlyGone) if (now - at >= MOVE_PAIRING_MS) recentlyGone.delete(gone);
        recentlyGone.set(watched.ino, { rel, born: watched.born, at: now });
      }
      unwatchTree(rel);
      if (rel === path.basename(root) && dir === '' && kindOf(bytes.bytes).kind === 'missing') {
        fail(ROOT_GONE);
        return;
      }
      report({ path: rel, kind: 'delete' });
      return;
    }
    if (options.isExcluded(rel, kind === 'dir')) return;
    let movedFrom: string | undefined;
    if (kind === 'dir') {
      // Made or moved in under a name already watched: it may be another directory now (deleted
      // and made again — even between our watch and its lstat, so inode numbers cannot tell),
      // and a watch follows the inode it was set on. Watch it afresh; it is reported whole below.
      if (watchers.has(rel)) unwatchTree(rel);
      // A watched directory that just vanished under another name: moved within the tree.
      const gone = recentlyGone.get(ino);
      if (gone && born > 0 && gone.born === born && Date.now() - gone.at < MOVE_PAIRING_MS) movedFrom = gone.rel;
      recentlyGone.delete(ino);
      try {
        await watchTree(rel, abs);
      } catch {
        return; // watch limit: the engine falls back to rescans
      }
    }
    report({ path: rel, kind: 'create' satisfies ChangeKind, ...(movedFrom !== undefined ? { movedFrom } : {}) });
  };

  try {
    await watchTree('');
  } catch (error) {
    for (const { w } of watchers.values()) w.close();
    throw error;
  }
  started = true;
  return {
    async dispose() {
      disposed = true;
      for (const { w } of watchers.values()) w.close();
      watchers.clear();
    },
  };
};
