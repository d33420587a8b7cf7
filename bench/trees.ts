/**
 * The bench's trees: generated on the fly (10k files in 100 dirs, 200k files in 200 × 100 dirs —
 * 20,201 directories, hence 20,201 inotify watches), and compared fast enough for 200k files.
 *
 * The comparison is a real check, not a count: every entry's type, mode, size and (for files and
 * links) nanosecond mtime — what rsync's own quick check relies on — listed by `find` on both
 * sides. Scenarios that rewrite files in place also check the bytes of what they wrote.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldLoop } from 'node:timers/promises';

export interface TreeShape {
  /** Directory levels below the root: [200, 100] = 200 dirs, each with 100 subdirs. */
  dirs: number[];
  /** Files in each leaf directory. */
  filesPerDir: number;
}

export const SMALL_TREE: TreeShape = { dirs: [100], filesPerDir: 100 };
export const LARGE_TREE: TreeShape = { dirs: [200, 100], filesPerDir: 10 };

export const countFiles = (shape: TreeShape): number => shape.dirs.reduce((a, b) => a * b, 1) * shape.filesPerDir;
export const countDirs = (shape: TreeShape): number => {
  let total = 0;
  let level = 1;
  for (const n of shape.dirs) total += level *= n;
  return total;
};

/** Incompressible bytes the generator slices file contents from. */
const POOL = randomBytes(1 << 20);

/** Deterministic sizes (100 B … 2 KiB, ~1 KiB on average): a 200k tree is ~210 MB. */
function* sizes(seed: number): Generator<number> {
  let x = seed >>> 0 || 1;
  for (;;) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    yield 100 + (x % 1948);
  }
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * Writes a tree of the given shape under `root` (created). Synchronous writes in slices, yielding
 * to the event loop between slices so the tools' output pipes keep being read.
 */
export async function generateTree(
  root: string,
  shape: TreeShape,
  options: { seed?: number; prefix?: string } = {},
): Promise<number> {
  const size = sizes(options.seed ?? 1);
  const prefix = options.prefix ?? 'd';
  let written = 0;
  let offset = 0;
  mkdirSync(root, { recursive: true });
  async function fill(dir: string, level: number): Promise<void> {
    const n = shape.dirs[level];
    if (n === undefined) {
      for (let i = 0; i < shape.filesPerDir; i++) {
        const len = size.next().value as number;
        if (offset + len > POOL.length) offset = 0;
        writeFileSync(path.join(dir, `f${pad(i, 4)}`), POOL.subarray(offset, offset + len));
        offset += 7919; // a different slice for every file
        if (++written % 500 === 0) await yieldLoop();
      }
      return;
    }
    for (let i = 0; i < n; i++) {
      const sub = path.join(dir, `${prefix}${pad(i, 4)}`);
      mkdirSync(sub);
      await fill(sub, level + 1);
    }
  }
  await fill(root, 0);
  return written;
}

/** `n` files in one directory (the delete and rename scenarios' 1,000-file directory). */
export async function generateFlatDir(dir: string, n: number, seed = 7): Promise<void> {
  await generateTree(dir, { dirs: [], filesPerDir: n }, { seed });
}

/**
 * Lists a tree with find(1) — rel path → "type mode size mtime" (a directory: type and mode; a
 * link: mtime and target) — much faster than a Node walk.
 */
export function listTree(root: string): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    // %y type, %m mode, %s size, %T@ mtime with nanoseconds, %l link target, %P relative path.
    const child = spawn('find', [root, '-mindepth', '1', '-printf', '%y %m %s %T@ %l\\t%P\\0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`find ${root} failed (${code}): ${stderr.trim()}`));
      const out = new Map<string, string>();
      for (const record of Buffer.concat(chunks).toString('utf8').split('\0')) {
        if (!record) continue;
        const tab = record.indexOf('\t');
        const [type, mode, fileSize, mtime, ...target] = record.slice(0, tab).split(' ');
        const rel = record.slice(tab + 1);
        // A directory's size is the file system's business and its mtime is touched by every
        // change inside it; neither says whether the backup holds the same data.
        out.set(
          rel,
          type === 'd'
            ? `d ${mode}`
            : type === 'l'
              ? `l ${mtime} ${target.join(' ')}`
              : `${type} ${mode} ${fileSize} ${mtime}`,
        );
      }
      resolve(out);
    });
  });
}

export interface Comparison {
  equal: boolean;
  entries: number;
  /** The first few differences, readable. */
  differences: string[];
  differenceCount: number;
}

/** Compares source and backup listings. */
export async function compareTrees(source: string, backup: string, limit = 5): Promise<Comparison> {
  const [a, b] = await Promise.all([listTree(source), listTree(backup)]);
  const differences: string[] = [];
  let count = 0;
  const note = (text: string) => {
    count++;
    if (differences.length < limit) differences.push(text);
  };
  for (const [rel, sig] of a) {
    const other = b.get(rel);
    if (other === undefined) note(`${rel}: missing on the backup`);
    else if (other !== sig) note(`${rel}: source ${sig}, backup ${other}`);
  }
  for (const rel of b.keys()) if (!a.has(rel)) note(`${rel}: only on the backup`);
  return { equal: count === 0, entries: a.size, differences, differenceCount: count };
}

/** Compares until equal (the tool may still be finishing) or the deadline passes. */
export async function awaitEqualTrees(
  source: string,
  backup: string,
  timeoutMs: number,
): Promise<Comparison & { firstTry: boolean; waitedMs: number }> {
  const started = performance.now();
  for (let attempt = 0; ; attempt++) {
    const c = await compareTrees(source, backup);
    const waitedMs = performance.now() - started;
    if (c.equal || waitedMs > timeoutMs) return { ...c, firstTry: c.equal && attempt === 0, waitedMs };
    await new Promise((r) => setTimeout(r, 250));
  }
}
