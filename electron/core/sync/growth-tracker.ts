/**
 * Which listed files only grew since the engine last synced them (logs, mailboxes), so a batch
 * can send them by their new bytes (rsync --append) instead of --checksum, which re-reads and
 * hashes the whole file on both ends every run (64 MiB read for a 4 KiB append).
 *
 * "Only grew" must be known, not guessed: --append trusts the backup's first N bytes, so a file
 * rewritten and then grown would end corrupt on the backup. After each good sync the engine
 * remembers per file its size, mtime and a hash of a small window just before its end; a file
 * takes the append path only when it is larger now and that window still hashes the same. A
 * rewrite, truncation, same-size edit or an mtime that went back takes the exact path. The
 * window cannot prove bytes before it unchanged; an in-place edit earlier in a growing file is
 * the one case it misses, which is why a memory expires (GROWTH_POLICY.maxAgeMs): the file then
 * goes the exact path once and is remembered afresh.
 *
 * Bounded: at most GROWTH_POLICY.maxFiles entries, least recently synced dropped first.
 */
import { createHash } from 'node:crypto';
import { lstat, open, stat } from 'node:fs/promises';
import { rootBytes, type RootBytes } from '../watch/byte-paths.ts';
import type { Clock } from './clock.ts';

export interface GrowthPolicy {
  readonly windowBytes: number;
  readonly maxFiles: number;
  readonly maxAgeMs: number;
  readonly minBytes: number;
  readonly snapshotsPerBatch: number;
  readonly cadenceMs: number;
  readonly pacedFiles: number;
}

/** Policy as data: the window hashed, how many files are remembered, how long a memory holds. */
export const GROWTH_POLICY: GrowthPolicy = {
  /** Bytes hashed before the old end: enough to catch a rewrite, cheap to read (one read). */
  windowBytes: 64 * 1024,
  /** Files remembered; past it the least recently synced is forgotten (then synced exactly). */
  maxFiles: 2_000,
  /** A memory older than this is not trusted: the file goes the exact path once. */
  maxAgeMs: 6 * 3_600_000,
  /** Files smaller than this gain nothing from --append: a plain exact transfer is as cheap. */
  minBytes: 256 * 1024,
  /**
   * Files not yet remembered that one batch looks at (a stat, and a window read when big): a
   * burst of 10,000 edited files costs at most this many, the rest stay exact as before.
   */
  snapshotsPerBatch: 64,
  /**
   * A batch of nothing but remembered growing files waits this long after the last run: a run
   * costs ~300 B on the wire and ~10 ms of CPU on each end whatever it carries, so a log written
   * every 20 ms would otherwise cost ~40 runs a second (25 % over its bytes). Well inside the
   * 0.5 s a write may take to reach the backup.
   */
  cadenceMs: 200,
  /** Pending paths looked at for that (more: the batch is not a growing file's, it runs as due). */
  pacedFiles: 16,
};

/** What is remembered of one file after it was synced. */
export interface GrowthMemo {
  size: number;
  mtimeMs: number;
  /** Hash of the `windowBytes` ending at `size` (the whole file when smaller). */
  tail: string;
  /** When it was remembered (Clock time). */
  at: number;
}

/**
 * A file as it was just before a run read it: remembered once that run succeeded. rsync reads
 * the file after this was taken, and a file that only grew then has at least these bytes on the
 * backup, so the size is a safe lower bound; one rewritten meanwhile no longer matches the tail,
 * and its next decision is exact.
 */
export type GrowthSnapshot = Omit<GrowthMemo, 'at'>;

/** What the file is like now: its size and mtime, and the same window's hash read now. */
export interface GrowthNow {
  size: number;
  mtimeMs: number;
  /** Hash of the bytes [memo.size - windowBytes, memo.size) as they are now. */
  oldTail: string;
}

export type GrowthDecision =
  | { path: 'append'; grewBy: number }
  | { path: 'exact'; why: 'unknown' | 'expired' | 'small' | 'not-grown' | 'older' | 'rewritten' };

/**
 * The append decision, pure: append only when the file is remembered, fresh, big enough, larger
 * now (or exactly as remembered), not older, and the window before its old end is unchanged.
 * Everything else is exact.
 */
export function decideGrowth(
  memo: GrowthMemo | undefined,
  now: GrowthNow,
  at: number,
  policy: GrowthPolicy = GROWTH_POLICY,
): GrowthDecision {
  if (!memo) return { path: 'exact', why: 'unknown' };
  if (at - memo.at > policy.maxAgeMs) return { path: 'exact', why: 'expired' };
  if (memo.size < policy.minBytes) return { path: 'exact', why: 'small' };
  // Listed again but as remembered (its event came after the snapshot, before rsync read it):
  // the backup has it whole, and --append skips a file the backup has at full length, where the
  // exact path would read and hash all of it on both ends. A same-size rewrite changes the mtime.
  if (now.size === memo.size && now.mtimeMs === memo.mtimeMs && now.oldTail === memo.tail)
    return { path: 'append', grewBy: 0 };
  if (now.size <= memo.size) return { path: 'exact', why: 'not-grown' };
  if (now.mtimeMs < memo.mtimeMs) return { path: 'exact', why: 'older' };
  if (now.oldTail !== memo.tail) return { path: 'exact', why: 'rewritten' };
  return { path: 'append', grewBy: now.size - memo.size };
}

/** Hash of the `windowBytes` of `file` ending at `end`; null when the file is shorter than `end`. */
export async function hashWindow(file: string | Buffer, end: number, windowBytes: number): Promise<string | null> {
  const start = Math.max(0, end - windowBytes);
  const buf = Buffer.alloc(end - start);
  const fh = await open(file, 'r');
  try {
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await fh.read(buf, got, buf.length - got, start + got);
      if (bytesRead === 0) return null;
      got += bytesRead;
    }
  } finally {
    await fh.close();
  }
  return createHash('sha256').update(buf).digest('hex');
}

/** The bounded per-file memory and the decision over real files under a source root. */
export class GrowthTracker {
  readonly #memos = new Map<string, GrowthMemo>();
  readonly #bytes: RootBytes;
  readonly #clock: Clock;
  readonly #policy: GrowthPolicy;

  constructor(root: string, clock: Clock, policy: GrowthPolicy = GROWTH_POLICY) {
    this.#bytes = rootBytes(root);
    this.#clock = clock;
    this.#policy = policy;
  }

  get size(): number {
    return this.#memos.size;
  }

  /** Whether `rel` is remembered (only those are decided; see snapshot for the others). */
  has(rel: string): boolean {
    return this.#memos.has(rel);
  }

  /**
   * The file as it is now, before a run reads it (see GrowthSnapshot); null for what the append
   * path cannot serve: not a regular file, smaller than minBytes, gone or unreadable.
   */
  async snapshot(rel: string): Promise<GrowthSnapshot | null> {
    try {
      const file = this.#bytes.abs(rel);
      const st = await lstat(file);
      if (!st.isFile() || st.size < this.#policy.minBytes) return null;
      const tail = await hashWindow(file, st.size, this.#policy.windowBytes);
      return tail === null ? null : { size: st.size, mtimeMs: st.mtimeMs, tail };
    } catch {
      return null;
    }
  }

  /** Remembers a snapshot taken before a run that carried `rel` and succeeded. */
  keep(rel: string, snap: GrowthSnapshot): void {
    this.#memos.delete(rel);
    this.#memos.set(rel, { ...snap, at: this.#clock.now() });
    while (this.#memos.size > this.#policy.maxFiles) this.#memos.delete(this.#memos.keys().next().value!);
  }

  /** Forgets every path at or under one of `roots` (deleted or replaced folders take their files). */
  forgetUnder(roots: ReadonlySet<string>): void {
    if (roots.size === 0 || this.#memos.size === 0) return;
    for (const rel of [...this.#memos.keys()]) {
      if (roots.has(rel)) this.#memos.delete(rel);
      else
        for (let i = rel.indexOf('/'); i !== -1; i = rel.indexOf('/', i + 1))
          if (roots.has(rel.slice(0, i))) {
            this.#memos.delete(rel);
            break;
          }
    }
  }

  /** Whether `rel` may be sent with --append now. Any read error answers exact. */
  async decide(rel: string): Promise<GrowthDecision> {
    const memo = this.#memos.get(rel);
    const at = this.#clock.now();
    if (!memo) return { path: 'exact', why: 'unknown' };
    try {
      const file = this.#bytes.abs(rel);
      const st = await stat(file);
      // Cheap checks first: only a grown, fresh, big file costs the window read.
      const pre = decideGrowth(memo, { size: st.size, mtimeMs: st.mtimeMs, oldTail: memo.tail }, at, this.#policy);
      if (pre.path === 'exact') return pre;
      const oldTail = await hashWindow(file, memo.size, this.#policy.windowBytes);
      if (oldTail === null) return { path: 'exact', why: 'not-grown' };
      return decideGrowth(memo, { size: st.size, mtimeMs: st.mtimeMs, oldTail }, at, this.#policy);
    } catch {
      return { path: 'exact', why: 'unknown' };
    }
  }

  /**
   * Remembers `rel` as the backup now has it (call after a good run that carried it). The file
   * may have grown again since rsync read it: the memo then holds a size the backup may not
   * reach, and the next decision — window before that size — would wrongly trust it. So the
   * caller passes the size rsync sent when it knows it; without it the file is forgotten.
   */
  async remember(rel: string, sentSize?: number): Promise<void> {
    this.#memos.delete(rel);
    if (sentSize === undefined) return;
    try {
      const file = this.#bytes.abs(rel);
      const st = await stat(file);
      if (st.size < sentSize) return;
      const tail = await hashWindow(file, sentSize, this.#policy.windowBytes);
      if (tail === null) return;
      this.#memos.set(rel, { size: sentSize, mtimeMs: st.mtimeMs, tail, at: this.#clock.now() });
      while (this.#memos.size > this.#policy.maxFiles) this.#memos.delete(this.#memos.keys().next().value!);
    } catch {
      // Gone or unreadable: nothing is remembered, so the next sync is exact.
    }
  }

  /** A path deleted, moved away or synced by a run that failed: its memory is no longer true. */
  forget(rel: string): void {
    this.#memos.delete(rel);
  }
}
