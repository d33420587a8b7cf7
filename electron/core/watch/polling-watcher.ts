/**
 * The polling watcher: chokidar with stat polling, for network file systems (an NFS or SMB
 * source), where native events never see changes made by other machines.
 *
 * chokidar lists and stats through strings, so it drops a name that is not UTF-8 (shared/names.ts)
 * without a word: the U+FFFD string names nothing, its stat fails. So a folder whose mtime
 * changed (an entry made, removed or renamed in it) is listed again here, as bytes, and such
 * names that appeared or vanished since its last listing are reported exactly. What polling
 * still cannot see: a change inside such a file, and anything beneath such a folder; the
 * periodic full sync covers those. A name chokidar does hand over with U+FFFD in it is synced
 * through its folder (textNamedEvents), never skipped.
 */
import { isUtf8 } from 'node:buffer';
import type { Stats } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { watch as chokidarWatch } from 'chokidar';
import { nameBytes, nameOf } from './byte-paths.ts';
import {
  textNamedEvents,
  troubleFromError,
  type ChangeKind,
  type TreeWatcher,
  type WatchHandlers,
  type WatchOptions,
  type WatcherFactory,
} from './tree-watcher.ts';

const toRel = (root: string, file: string): string => path.relative(root, file).split(path.sep).join('/');
const join = (dir: string, name: string): string => (dir ? `${dir}/${name}` : name);

const CHOKIDAR_KIND: Record<string, ChangeKind | undefined> = {
  add: 'create',
  addDir: 'create',
  change: 'update',
  unlink: 'delete',
  unlinkDir: 'delete',
};

/**
 * The names in a folder that chokidar cannot follow, compared with the folder's last listing.
 * One listing at a time per folder, so an older one never lands after a newer one. A folder's
 * first listing reports all it holds as created: it is not known whether they are new.
 */
function undecodableNames(report: (rel: string, kind: ChangeKind) => void) {
  const known = new Map<string, Set<string>>();
  const listing = new Map<string, Promise<void>>();
  const look = async (abs: string, rel: string): Promise<void> => {
    let names: Buffer[] = [];
    try {
      names = await readdir(nameBytes(abs), { encoding: 'buffer' });
    } catch {
      // Gone: its own deletion is chokidar's to report; what it held goes with it.
    }
    const now = new Set(names.filter((n) => !isUtf8(n)).map(nameOf));
    const before = known.get(rel) ?? new Set<string>();
    if (now.size > 0) known.set(rel, now);
    else known.delete(rel);
    for (const name of now) if (!before.has(name)) report(join(rel, name), 'create');
    for (const name of before) if (!now.has(name)) report(join(rel, name), 'delete');
  };
  return {
    changed(abs: string, rel: string): void {
      const next = (listing.get(rel) ?? Promise.resolve()).then(() => look(abs, rel));
      listing.set(rel, next);
      void next.finally(() => {
        if (listing.get(rel) === next) listing.delete(rel);
      });
    },
    gone(rel: string): void {
      known.delete(rel);
    },
  };
}

export const pollingWatcher: WatcherFactory = async (
  options: WatchOptions,
  handlers: WatchHandlers,
): Promise<TreeWatcher> => {
  const watcher = chokidarWatch(options.root, {
    ignoreInitial: true,
    usePolling: true,
    interval: options.pollIntervalMs ?? 2_000,
    binaryInterval: options.pollIntervalMs ?? 2_000,
    followSymlinks: false,
    alwaysStat: false,
    ignored: (file: string, stats?: { isDirectory(): boolean }) => {
      const rel = toRel(options.root, file);
      return rel !== '' && options.isExcluded(rel, stats?.isDirectory());
    },
  });
  // chokidar's `ignored` has applied the excludes to what it reports.
  const events = textNamedEvents({ ...options, isExcluded: () => false }, handlers);
  const bytesNamed = undecodableNames((rel, kind) => {
    // Exact (lone surrogates for the bytes), so not through textNamedEvents' U+FFFD check.
    if (!options.isExcluded(rel, undefined)) handlers.onEvents([{ path: rel, kind }]);
  });
  watcher.on('all', (event: string, file: string) => {
    const kind = CHOKIDAR_KIND[event];
    const rel = toRel(options.root, file);
    if (event === 'unlinkDir') bytesNamed.gone(rel);
    if (kind && rel) events.report(rel, kind);
  });
  watcher.on('raw', (_event: string, file: string, details: unknown) => {
    // Polling's raw event: the stat of a polled entry changed (details: { curr, prev }).
    const { curr, prev } = (details ?? {}) as { curr?: Stats; prev?: Stats };
    if (curr?.isDirectory() && curr.mtimeMs !== prev?.mtimeMs) bytesNamed.changed(file, toRel(options.root, file));
  });
  watcher.on('error', (error: unknown) => handlers.onTrouble(troubleFromError(error as Error)));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    dispose: () => {
      events.close();
      return watcher.close();
    },
  };
};
