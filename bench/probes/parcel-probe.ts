/**
 * Measures @parcel/watcher alone, in a process of its own (run by engine-breakdown.ts):
 *   node parcel-probe.ts LARGE_TREE SCRATCH_DIR
 * prints one JSON line: how long subscribing to the large tree takes and what it costs in memory,
 * then how long an event takes to reach the callback — for a change after a quiet second, and for
 * a change 100 ms after the previous one (its debounce: notify at once after > 500 ms of quiet,
 * otherwise wait for 50 ms without events).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The part of @parcel/watcher used here; it is loaded only if installed (the engine dropped it). */
interface Parcel {
  subscribe(dir: string, fn: (error: Error | null, events: Array<{ path: string; type: string }>) => void): Promise<{ unsubscribe(): Promise<void> }>;
}
const moduleName = '@parcel/watcher';
let parcel: Parcel;
try {
  parcel = ((await import(moduleName)) as { default: Parcel }).default;
} catch {
  process.stdout.write(`${JSON.stringify({ missing: true })}\n`);
  process.exit(0);
}

const [largeTree, scratch] = process.argv.slice(2) as [string, string];
const rssMiB = () => process.memoryUsage().rss / (1024 * 1024);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)] ?? NaN;

const rssBefore = rssMiB();
let t = performance.now();
const big = await parcel.subscribe(largeTree, () => undefined);
const subscribeMs = performance.now() - t;
const rssAfter = rssMiB();
await sleep(300);
const cpu = process.cpuUsage();
await sleep(1_000);
const idle = process.cpuUsage(cpu);
await big.unsubscribe();

mkdirSync(scratch, { recursive: true });
let waiting: { file: string; at: number; resolve: (ms: number) => void } | null = null;
const sub = await parcel.subscribe(scratch, (_error, events) => {
  if (waiting && events.some((e) => e.path === waiting!.file)) {
    const w = waiting;
    waiting = null;
    w.resolve(performance.now() - w.at);
  }
});
const delivery = async (gapMs: number, n: number): Promise<number[]> => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    await sleep(gapMs);
    const file = path.join(scratch, `f${gapMs}-${i}`);
    out.push(
      await new Promise<number>((resolve) => {
        writeFileSync(file, 'x');
        waiting = { file, at: performance.now(), resolve };
      }),
    );
  }
  return out;
};
await sleep(700);
const isolated = await delivery(650, 5);
const rapid = await delivery(100, 5);
await sub.unsubscribe();

process.stdout.write(
  `${JSON.stringify({
    subscribeMs,
    rssBeforeMiB: rssBefore,
    rssAfterMiB: rssAfter,
    idleCpuPercent: ((idle.user + idle.system) / 1e6) * 100,
    deliveryIsolatedMs: median(isolated),
    deliveryRapidMs: median(rapid),
  })}\n`,
);
