/**
 * The watcher alone on a tree of a million files (issue 17, "scale"): how long until the engine's
 * Linux watcher (directory-watcher.ts) is ready, what it holds in memory while idle, how soon one
 * change is reported, and what one rescan of the tree costs — the fallback when
 * fs.inotify.max_user_watches is below the folder count. No daemon, no sync: the watcher's share.
 *   node bench/probes/million-watch.ts [--dirs 1000x100] [--files 10] [--keep DIR]
 * Builds the tree in /dev/shm (tmpfs), removes it afterwards unless --keep names one to reuse.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { directoryTreeWatcher } from '../../electron/core/watch/directory-watcher.ts';
import { troubleFromError } from '../../electron/core/watch/tree-watcher.ts';

const { values } = parseArgs({
  options: {
    /** fs.inotify.max_user_watches while the watcher starts (root), put back at once after. */
    limit: { type: 'string' },
    dirs: { type: 'string', default: '1000x100' },
    files: { type: 'string', default: '10' },
    keep: { type: 'string' },
  },
});
const [top, sub] = values.dirs.split('x').map(Number) as [number, number];
const filesPerDir = Number(values.files);
const root = values.keep ?? path.join('/dev/shm', `million-watch-${process.pid}`);
const mib = (b: number): string => `${(b / 1048576).toFixed(0)} MiB`;
const now = (): number => performance.now();

function build(): void {
  if (existsSync(path.join(root, 'ready'))) return; // reused (--keep)
  const t = now();
  const body = Buffer.from('x'.repeat(64));
  for (let i = 0; i < top; i++)
    for (let j = 0; j < sub; j++) {
      const dir = path.join(root, `d${i}`, `s${j}`);
      mkdirSync(dir, { recursive: true });
      for (let k = 0; k < filesPerDir; k++) writeFileSync(path.join(dir, `f${k}.txt`), body);
    }
  writeFileSync(path.join(root, 'ready'), '');
  console.log(
    `tree: ${top * sub * filesPerDir} files in ${top * sub + top} folders, built in ${((now() - t) / 1000).toFixed(1)} s`,
  );
}

/** One walk of the tree listing every folder: what a rescan pays at the least (rsync stats every file too). */
function walk(): number {
  const stack = [root];
  let dirs = 0;
  while (stack.length) {
    const dir = stack.pop()!;
    dirs++;
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) stack.push(path.join(dir, e.name));
  }
  return dirs;
}

async function main(): Promise<void> {
  // The watches are not persistent (like the engine's): this keeps the probe alive meanwhile.
  const alive = setInterval(() => undefined, 1000);
  build();
  global.gc?.();
  const before = process.memoryUsage();
  let pending: ((rel: string) => void) | null = null;
  let trouble = '';
  const t0 = now();
  const limitFile = '/proc/sys/fs/inotify/max_user_watches';
  const saved = readFileSync(limitFile, 'utf8').trim();
  // Per user, and the machine is shared: low only for the moment the watches are being set.
  if (values.limit) writeFileSync(limitFile, values.limit);
  let w;
  try {
    w = await directoryTreeWatcher(
      { root, isExcluded: () => false },
      {
        onEvents: (events) => pending?.(events[0]!.path),
        onTrouble: (tr) => void (trouble ||= tr.reason),
      },
    );
  } catch (error) {
    const tr = troubleFromError(error as Error);
    console.log(`start failed after ${((now() - t0) / 1000).toFixed(2)} s: ${tr.reason} — ${tr.message}`);
  } finally {
    if (values.limit) writeFileSync(limitFile, saved);
  }
  if (!w) {
    const t1 = now();
    console.log(`rescan (list ${walk()} folders, no stat): ${((now() - t1) / 1000).toFixed(2)} s`);
    clearInterval(alive);
    return;
  }
  const readyMs = now() - t0;
  await new Promise((r) => setTimeout(r, 2000));
  global.gc?.();
  const idle = process.memoryUsage();
  console.log(`ready: ${(readyMs / 1000).toFixed(2)} s${trouble ? ` (trouble: ${trouble})` : ''}`);
  console.log(
    `idle: RSS ${mib(idle.rss)} (+${mib(idle.rss - before.rss)} for the watches), heap ${mib(idle.heapUsed)} (+${mib(idle.heapUsed - before.heapUsed)}), ` +
      `${os.cpus().length} cores, Node ${process.version}`,
  );
  const lat: number[] = [];
  for (let n = 0; n < 9; n++) {
    const file = path.join(root, `d${(n * 97) % top}`, `s${(n * 13) % sub}`, 'f0.txt');
    const seen = new Promise<void>((r) => (pending = () => r()));
    const t = now();
    writeFileSync(file, `change ${n}`);
    await seen;
    lat.push(now() - t);
  }
  lat.sort((a, b) => a - b);
  console.log(`one change → event: median ${lat[4]!.toFixed(2)} ms, max ${lat[8]!.toFixed(2)} ms`);
  await w.dispose();
  const t1 = now();
  const dirs = walk();
  console.log(`rescan (list ${dirs} folders, no stat): ${((now() - t1) / 1000).toFixed(2)} s`);
  if (!values.keep) rmSync(root, { recursive: true, force: true });
  clearInterval(alive);
}

await main();
