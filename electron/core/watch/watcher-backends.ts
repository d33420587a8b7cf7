/**
 * The watcher backends behind tree-watcher.ts, chosen per profile: `native` is fs.watch
 * (directory-watcher.ts), `poll` is chokidar's stat polling for network file systems
 * (polling-watcher.ts).
 */
import { stat } from 'node:fs/promises';
import { directoryTreeWatcher } from './directory-watcher.ts';
import { pollingWatcher } from './polling-watcher.ts';
import { recursiveWatcher } from './recursive-watcher.ts';
import { troubleFromError, type TreeWatcher, type WatchOptions, type WatcherFactory } from './tree-watcher.ts';

export { pollingWatcher, troubleFromError };

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
