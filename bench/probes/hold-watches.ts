/**
 * Holds one inotify watch per directory of a tree (Node's fs.watch, like the engine), prints
 * "ready" and keeps them until killed: for the baseline that times a plain rsync of a tree that is
 * being watched — the kernel notes every open, read and close beneath a watched directory, a cost
 * every real-time tool pays during its initial sync.
 *   node hold-watches.ts TREE
 */
import { readdirSync, watch } from 'node:fs';
import path from 'node:path';

const stack = [process.argv[2]!];
let watches = 0;
while (stack.length) {
  const dir = stack.pop()!;
  watch(dir, () => undefined);
  watches++;
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) stack.push(path.join(dir, e.name));
}
process.stdout.write(`ready ${watches}\n`);
