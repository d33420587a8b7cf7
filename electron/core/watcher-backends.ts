/**
 * The watcher backends behind watcher.ts, chosen per profile: `native` is fs.watch
 * (directory-watcher.ts), `poll` is chokidar's stat polling for network file systems.
 */
import path from 'node:path';
import { watch as chokidarWatch } from 'chokidar';
import { directoryTreeWatcher, recursiveWatcher } from './directory-watcher.ts';
import type { ChangeKind } from './path-aggregator.ts';
import { ROOT_GONE, WATCH_LIMIT, type TreeWatcher, type WatchEvent, type WatchHandlers, type WatchOptions, type WatchTrouble, type WatcherFactory } from './watcher.ts';

const toRel = (root: string, file: string): string => path.relative(root, file).split(path.sep).join('/');

/**
 * What a watcher's error text means for us (null: nothing lost). inotify's limits show up as
 * ENOSPC / "watch limit".
 */
export function troubleFromError(error: Error): WatchTrouble | null {
  const text = `${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}`;
  if (/ENOSPC|max_user_watches|inotify_add_watch|watch limit/i.test(text)) return WATCH_LIMIT;
  if (/overflow|Q_OVERFLOW|events were dropped/i.test(text)) {
    return { reason: 'overflow', message: 'The kernel dropped file events (queue overflow); a rescan catches up.' };
  }
  if (/ENOENT|no such file|deleted/i.test(text)) return ROOT_GONE;
  return { reason: 'error', message: `The file watcher failed: ${error.message}` };
}

const CHOKIDAR_KIND: Record<string, ChangeKind | undefined> = { add: 'create', addDir: 'create', change: 'update', unlink: 'delete', unlinkDir: 'delete' };

export const pollingWatcher: WatcherFactory = async (options: WatchOptions, handlers: WatchHandlers): Promise<TreeWatcher> => {
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
  watcher.on('all', (event: string, file: string) => {
    const kind = CHOKIDAR_KIND[event];
    const rel = toRel(options.root, file);
    if (kind && rel) handlers.onEvents([{ path: rel, kind }]);
  });
  watcher.on('error', (error: unknown) => {
    const trouble = troubleFromError(error as Error);
    if (trouble) handlers.onTrouble(trouble);
  });
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return { dispose: () => watcher.close() };
};

export const WATCHERS: Record<'native' | 'poll', WatcherFactory> = {
  native: process.platform === 'linux' ? directoryTreeWatcher : recursiveWatcher,
  poll: pollingWatcher,
};
