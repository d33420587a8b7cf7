/**
 * The watcher backends behind tree-watcher.ts, chosen per profile: `native` is fs.watch
 * (directory-watcher.ts), `poll` is chokidar's stat polling for network file systems.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { watch as chokidarWatch } from 'chokidar';
import { directoryTreeWatcher, recursiveWatcher } from './directory-watcher.ts';
import {
  troubleFromError,
  type ChangeKind,
  type TreeWatcher,
  type WatchHandlers,
  type WatchOptions,
  type WatcherFactory,
} from './tree-watcher.ts';

export { troubleFromError };

const toRel = (root: string, file: string): string => path.relative(root, file).split(path.sep).join('/');

const CHOKIDAR_KIND: Record<string, ChangeKind | undefined> = {
  add: 'create',
  addDir: 'create',
  change: 'update',
  unlink: 'delete',
  unlinkDir: 'delete',
};

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
  watcher.on('all', (event: string, file: string) => {
    const kind = CHOKIDAR_KIND[event];
    const rel = toRel(options.root, file);
    if (kind && rel) handlers.onEvents([{ path: rel, kind }]);
  });
  watcher.on('error', (error: unknown) => handlers.onTrouble(troubleFromError(error as Error)));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return { dispose: () => watcher.close() };
};

/**
 * For one full pass and out (`rsync-tray sync` with no engine running): the pass reads the tree
 * as it is, so watches would only cost time and memory (and, polling, a scan of the whole tree).
 * It still fails like the others when the source folder is not there.
 */
export const noWatcher: WatcherFactory = async (options: WatchOptions): Promise<TreeWatcher> => {
  const st = await stat(options.root);
  if (!st.isDirectory())
    throw Object.assign(new Error(`ENOTDIR: not a directory, '${options.root}'`), { code: 'ENOTDIR' });
  return { dispose: async () => undefined };
};

export const WATCHERS: Record<'native' | 'poll', WatcherFactory> = {
  native: process.platform === 'linux' ? directoryTreeWatcher : recursiveWatcher,
  poll: pollingWatcher,
};
