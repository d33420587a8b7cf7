/**
 * The kernel's inotify watch limit, for the tests that lower it (root only): what is in use now,
 * so a lowered limit still leaves the shared machine's other watchers what they hold.
 */
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';

export const LIMIT_FILE = '/proc/sys/fs/inotify/max_user_watches';
export const isRoot = process.getuid?.() === 0;

/** inotify watches held now, across every process (fdinfo lists one line per watch). */
export function watchesInUse(): number {
  let n = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== 'anon_inode:inotify') continue;
        n += readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8').split('\ninotify wd:').length - 1;
      } catch {
        // the process or descriptor went away meanwhile
      }
    }
  }
  return n;
}

/** Sets the limit `headroom` watches above what is in use; returns the way to put it back. */
export function lowerWatchLimit(headroom: number): () => void {
  const saved = readFileSync(LIMIT_FILE, 'utf8').trim();
  writeFileSync(LIMIT_FILE, String(watchesInUse() + headroom));
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    writeFileSync(LIMIT_FILE, saved);
  };
}
