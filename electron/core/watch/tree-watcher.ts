/**
 * One small interface over the ways of watching a tree, so the engine does not care which one
 * runs. The choice is per profile (see watcher-backends.ts):
 * - native: fs.watch — one inotify watch per directory on Linux, the OS's recursive watch on
 *   macOS and Windows (directory-watcher.ts);
 * - poll: chokidar with stat polling, for network file systems (an NFS or SMB source), where
 *   native events never see changes made by other machines.
 */
import type { ErrorCode } from '../../shared/errors.ts';
import { mayBeLossy, REPLACEMENT_CHAR, safeText } from '../../shared/names.ts';
import { formatCount } from '../../shared/presenter.ts';

/** What happened to a path, as the pending-paths stage collapses it. */
export type ChangeKind = 'create' | 'update' | 'delete';

export interface WatchEvent {
  /**
   * Relative to the watched root, '/'-separated, in the lossless encoding of shared/names.ts
   * (bytes that are not UTF-8 as lone surrogates): encodeName gives the exact name on disk.
   */
  path: string;
  kind: ChangeKind;
  /**
   * A created directory that is a directory moved within the tree (same inode): its old path,
   * reported deleted just before. That deletion is a move, not the source emptying.
   */
  movedFrom?: string;
}

/**
 * A watcher problem that may have lost events (queue overflow or an event naming no entry,
 * watch limit reached, root gone). The engine answers every one with a full rescan: events may
 * be lost, changes never.
 */
export interface WatchTrouble {
  reason: 'overflow' | 'watch-limit' | 'root-gone' | 'error';
  message: string;
  /** The stable code of a trouble the user can act on (errors.ts). */
  code?: ErrorCode;
}

/** The least limit the advice names: the common distribution default of newer kernels. */
const SUGGESTED_WATCHES = 524_288;

/**
 * The watch-limit trouble, with the exact sysctl line: at least twice the folders watched when
 * the limit was met (the tree has more, and other programs hold watches too).
 */
export function watchLimitTrouble(foldersReached = 0): WatchTrouble {
  const want = Math.max(SUGGESTED_WATCHES, Math.ceil((foldersReached * 2) / 65_536) * 65_536);
  return {
    reason: 'watch-limit',
    code: 'WATCH_LIMIT',
    message:
      `The system ran out of inotify watches (fs.inotify.max_user_watches${foldersReached ? `, after ${formatCount(foldersReached)} folders` : ''}); ` +
      'changes are found by periodic rescans until it has more. ' +
      `Raise the limit: sudo sysctl fs.inotify.max_user_watches=${want} (and add it to /etc/sysctl.d/ to keep it).`,
  };
}

/** The troubles every backend can meet, worded once. */
export const WATCH_LIMIT: WatchTrouble = watchLimitTrouble();
export const ROOT_GONE: WatchTrouble = { reason: 'root-gone', message: 'The watched folder disappeared.' };
/**
 * An event that did not say which entry changed (fs.watch passes no file name on some
 * platforms, kernels and filesystems, and when events were dropped) where the watcher cannot
 * name a narrower folder to sync: like an overflow, one full sync catches up.
 */
export const UNNAMED_CHANGE: WatchTrouble = {
  reason: 'overflow',
  message:
    'The file watcher was told that something changed in the watched folder, but not what; a full sync catches up.',
};

/**
 * For a backend that names entries as text (chokidar, which lists and stats through strings; the
 * recursive fs.watch on Windows, whose UTF-16 names may hold lone surrogates): the path to sync
 * for `rel`. A segment that may have lost bytes (U+FFFD, see shared/names.ts) names no file on
 * disk, so the deepest folder above it is synced whole instead ('' is the root).
 */
export function exactFolder(rel: string): string {
  if (!mayBeLossy(rel)) return rel;
  const cut = rel.lastIndexOf('/', rel.indexOf(REPLACEMENT_CHAR));
  return cut === -1 ? '' : rel.slice(0, cut);
}

/**
 * Hands over the events of a backend that names entries as text, one at a time: exact paths
 * as they are, an inexact one as its folder created (synced whole, like a new directory) or, at
 * the root, as UNNAMED_CHANGE — never skipped. UNNAMED_CHANGE goes out once per turn of the event
 * loop, however many such events come.
 */
export function textNamedEvents(options: WatchOptions, handlers: WatchHandlers) {
  let queued = false;
  let closed = false;
  const unnamed = (): void => {
    if (queued) return;
    queued = true;
    setImmediate(() => {
      queued = false;
      if (!closed) handlers.onTrouble(UNNAMED_CHANGE);
    });
  };
  return {
    /** An event that named no entry at all. */
    unnamed,
    report(rel: string, kind: ChangeKind): void {
      if (closed) return;
      const folder = exactFolder(rel);
      // Excludes are not applied to an inexact name: what it stands for is not known.
      if (folder === '') unnamed();
      else if (folder !== rel) handlers.onEvents([{ path: folder, kind: 'create' }]);
      else if (!options.isExcluded(rel, undefined)) handlers.onEvents([{ path: rel, kind }]);
    },
    close(): void {
      closed = true;
    },
  };
}

export interface WatchHandlers {
  onEvents(events: WatchEvent[]): void;
  onTrouble(trouble: WatchTrouble): void;
}

export interface WatchOptions {
  root: string;
  /** Paths for which no event is wanted (the profile's excludes). isDir is unknown for some events. */
  isExcluded(rel: string, isDir: boolean | undefined): boolean;
  pollIntervalMs?: number;
}

export interface TreeWatcher {
  /** Stops watching and releases every OS handle. */
  dispose(): Promise<void>;
}

/** Resolves once the watcher sees every change made after it. */
export type WatcherFactory = (options: WatchOptions, handlers: WatchHandlers) => Promise<TreeWatcher>;

/**
 * What an error from a watcher means. ENOENT/ENOTDIR say a watched folder is gone: the root (the
 * caller knows which) or a subfolder whose deletion arrives as an event anyway.
 */
export function troubleFromError(error: Error): WatchTrouble {
  // A watcher that knew more (how far it got) said so on the error it threw.
  const known = (error as { trouble?: WatchTrouble }).trouble;
  if (known) return known;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EMFILE' || /max_user_watches|watch limit/i.test(error.message)) return WATCH_LIMIT;
  if (code === 'ENOENT' || code === 'ENOTDIR') return ROOT_GONE;
  // Node's message holds the path decoded lossily, and a name may hold a newline: shown safe.
  return { reason: 'error', message: `The file watcher failed: ${safeText(error.message)}` };
}
