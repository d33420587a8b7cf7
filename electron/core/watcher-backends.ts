/**
 * The two watcher backends behind watcher.ts.
 */
import path from 'node:path';
import parcel from '@parcel/watcher';
import { watch as chokidarWatch } from 'chokidar';
import type { ChangeKind } from './path-aggregator.ts';
import type { TreeWatcher, WatchEvent, WatchHandlers, WatchOptions, WatchTrouble, WatcherFactory } from './watcher.ts';

const toRel = (root: string, file: string): string => path.relative(root, file).split(path.sep).join('/');

/**
 * What a watcher's error text means for us (null: nothing lost). inotify's limits show up as
 * ENOSPC / "watch limit".
 */
export function troubleFromError(error: Error): WatchTrouble | null {
  const text = `${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}`;
  // @parcel/watcher reports the kernel's own removal of a deleted directory's watch (EINVAL on
  // inotify_rm_watch); the deletion itself arrived as an event.
  if (/Unable to remove watcher/i.test(text)) return null;
  if (/ENOSPC|max_user_watches|inotify_add_watch|watch limit/i.test(text)) {
    return {
      reason: 'watch-limit',
      message: 'The system ran out of inotify watches; changes are found by periodic rescans until it has more. Raise the limit: sudo sysctl fs.inotify.max_user_watches=524288 (and add it to /etc/sysctl.d/ to keep it).',
    };
  }
  if (/overflow|Q_OVERFLOW|events were dropped/i.test(text)) {
    return { reason: 'overflow', message: 'The kernel dropped file events (queue overflow); a rescan catches up.' };
  }
  if (/ENOENT|no such file|deleted/i.test(text)) {
    return { reason: 'root-gone', message: 'The watched folder disappeared.' };
  }
  return { reason: 'error', message: `The file watcher failed: ${error.message}` };
}

export const nativeWatcher: WatcherFactory = async (options: WatchOptions, handlers: WatchHandlers): Promise<TreeWatcher> => {
  const subscription = await parcel.subscribe(options.root, (error, events) => {
    if (error) {
      const trouble = troubleFromError(error);
      if (trouble) handlers.onTrouble(trouble);
      return;
    }
    const out: WatchEvent[] = [];
    for (const e of events) {
      const rel = toRel(options.root, e.path);
      if (rel === '' || rel.startsWith('..')) continue;
      if (options.isExcluded(rel, undefined)) continue;
      out.push({ path: rel, kind: e.type });
    }
    if (out.length) handlers.onEvents(out);
  });
  return { dispose: () => subscription.unsubscribe().catch(() => undefined) };
};

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

export const WATCHERS: Record<'native' | 'poll', WatcherFactory> = { native: nativeWatcher, poll: pollingWatcher };
