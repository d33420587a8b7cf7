/**
 * Node's own fs.watch on every directory, measured alone in its own process (run by
 * engine-breakdown.ts) — the ground the engine's directory watcher stands on (one inotify watch per directory,
 * like @parcel/watcher and inotifywait), found by a walk that reads directories only — no stat
 * of files.
 *   node fswatch-probe.ts LARGE_TREE SCRATCH_DIR
 * prints one JSON line: ready time and memory on the large tree, and the delay from a write to
 * its event. (Not a drop-in: fs.watch reports no inotify queue overflow, so a watcher built on it
 * would need its own safety net, e.g. a rescan after any burst larger than the queue.)
 */
import { watch, writeFileSync, mkdirSync, type FSWatcher } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

const [largeTree, scratch] = process.argv.slice(2) as [string, string];
const rssMiB = () => process.memoryUsage().rss / (1024 * 1024);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)] ?? NaN;

async function watchTree(root: string, onEvent: (dir: string, name: string | null) => void): Promise<FSWatcher[]> {
  const watchers: FSWatcher[] = [];
  const queue = [root];
  while (queue.length) {
    // A few directories at a time: readdir goes to the thread pool.
    const batch = queue.splice(0, 64);
    await Promise.all(
      batch.map(async (dir) => {
        watchers.push(watch(dir, { persistent: true }, (_type, name) => onEvent(dir, name)));
        for (const e of await readdir(dir, { withFileTypes: true }))
          if (e.isDirectory()) queue.push(path.join(dir, e.name));
      }),
    );
  }
  return watchers;
}

const rssBefore = rssMiB();
const t = performance.now();
const big = await watchTree(largeTree, () => undefined);
const readyMs = performance.now() - t;
const rssAfter = rssMiB();
await sleep(300);
const cpu = process.cpuUsage();
await sleep(1_000);
const idle = process.cpuUsage(cpu);
for (const w of big) w.close();

mkdirSync(scratch, { recursive: true });
let waiting: { name: string; at: number; resolve: (ms: number) => void } | null = null;
const small = await watchTree(scratch, (_dir, name) => {
  if (waiting && name === waiting.name) {
    const w = waiting;
    waiting = null;
    w.resolve(performance.now() - w.at);
  }
});
const delays: number[] = [];
for (let i = 0; i < 5; i++) {
  await sleep(100);
  const name = `f${i}`;
  delays.push(
    await new Promise<number>((resolve) => {
      writeFileSync(path.join(scratch, name), 'x');
      waiting = { name, at: performance.now(), resolve };
    }),
  );
}
for (const w of small) w.close();

const report = {
  watches: big.length,
  readyMs,
  rssBeforeMiB: rssBefore,
  rssAfterMiB: rssAfter,
  idleCpuPercent: ((idle.user + idle.system) / 1e6) * 100,
  deliveryMs: median(delays),
};
process.stdout.write(`${JSON.stringify(report)}\n`);
