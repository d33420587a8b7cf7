/**
 * macOS and Windows: the OS watches recursively (FSEvents, ReadDirectoryChangesW); one fs.watch
 * covers the tree. Names come as bytes (encoding 'buffer') and are decoded losslessly; on
 * Windows, where names are UTF-16, one Node could not convert arrives with U+FFFD and is synced
 * through its folder instead (textNamedEvents).
 */
import { watch } from 'node:fs';
import path from 'node:path';
import { nameOf } from './byte-paths.ts';
import { entryName } from './directory-watcher.ts';
import {
  textNamedEvents,
  troubleFromError,
  type TreeWatcher,
  type WatchHandlers,
  type WatchOptions,
  type WatcherFactory,
} from './tree-watcher.ts';

export const recursiveWatcher: WatcherFactory = async (
  options: WatchOptions,
  handlers: WatchHandlers,
): Promise<TreeWatcher> => {
  const events = textNamedEvents(options, handlers);
  const w = watch(
    options.root,
    { recursive: true, persistent: false, encoding: 'buffer' },
    (type, name: string | Buffer | null | undefined) => {
      const entry = entryName(name);
      // Which entry changed is unknown, and one watch covers the whole tree: one full sync
      // catches up.
      if (entry === null) events.unnamed();
      else events.report(nameOf(entry).split(path.sep).join('/'), type === 'change' ? 'update' : 'create');
    },
  );
  w.on('error', (error: NodeJS.ErrnoException) => handlers.onTrouble(troubleFromError(error)));
  return {
    dispose: async () => {
      events.close();
      w.close();
    },
  };
};
