/**
 * Parsers for rsync's stdout under LC_ALL=C: progress2 lines (--info=progress2, rsync >= 3.1) and
 * the stats block (--stats or --info=stats2), and the deletions rsync names (--info=del).
 * LC_ALL=C matters: numbers use "," as the thousands separator only in the C locale.
 *
 * A progress2 line is printed by progress.c as "\r%15s %3d%% %7.2f%s %s%s":
 *   "      1,081,344  51% 1000.98kB/s    0:00:01  "                       (mid-file: time = ETA)
 *   "         65,536   3%   31.25MB/s    0:00:00 (xfr#2, to-chk=4/7)"     (a file done: time = elapsed)
 * The rate unit says kB/MB/GB but is 1024-based (rsync computes it in KiB). When a file finishes
 * the time column switches from "remaining" to "elapsed since start", so ETA is null there.
 * "ir-chk" instead of "to-chk" means incremental recursion is still building the file list, so
 * the total will still grow.
 */
import { decodeName } from '../../shared/names.ts';

export interface Progress {
  /** Bytes transferred so far in this run. */
  bytes: number;
  /** rsync's percentage of the (possibly still growing) total. */
  percent: number;
  bytesPerSecond: number;
  /** Seconds remaining; null when rsync printed elapsed time or "??:??:??". */
  etaSeconds: number | null;
  /** Files transferred so far (xfr#N). 0 on mid-file lines, which carry no xfr block: keep the last value. */
  transfers: number;
  /** Files still to check, and the total known so far; only on lines with an xfr block. */
  toCheck?: number;
  total?: number;
  /** False while rsync is still building the file list (ir-chk): `total` will grow. */
  fileListComplete?: boolean;
  /** Seconds since the transfer started, on lines with an xfr block. */
  elapsedSeconds?: number;
}

const RATE_UNITS: Readonly<Record<string, number>> = { kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

const PROGRESS2 =
  /^\s*([\d,]+)\s+(\d+)%\s+([\d.]+)(kB|MB|GB)\/s\s+(\d+:\d{2}:\d{2}|\?\?:\?\?:\?\?)(?:\s+\(xfr#(\d+), (to|ir)-chk=(\d+)\/(\d+)\))?\s*$/;

const toInt = (s: string): number => Number(s.replace(/,/g, ''));

function toSeconds(hms: string): number | null {
  const parts = hms.split(':').map(Number);
  if (parts.length !== 3 || parts.some((n) => Number.isNaN(n))) return null;
  const [h = 0, m = 0, s = 0] = parts;
  return h * 3600 + m * 60 + s;
}

/** One progress2 line (without its "\r"), or null when the line is something else. */
export function parseProgress2(line: string): Progress | null {
  const m = PROGRESS2.exec(line);
  if (!m) return null;
  const [, bytes = '0', percent = '0', rate = '0', unit = 'kB', time = '', xfr, chk, toCheck, total] = m;
  const progress: Progress = {
    bytes: toInt(bytes),
    percent: Number(percent),
    bytesPerSecond: Math.round(Number(rate) * (RATE_UNITS[unit] ?? 1024)),
    etaSeconds: xfr === undefined ? toSeconds(time) : null,
    transfers: xfr === undefined ? 0 : Number(xfr),
  };
  if (xfr !== undefined && toCheck !== undefined && total !== undefined) {
    progress.toCheck = Number(toCheck);
    progress.total = Number(total);
    progress.fileListComplete = chk === 'to';
    const elapsed = toSeconds(time);
    if (elapsed !== null) progress.elapsedSeconds = elapsed;
  }
  return progress;
}

/**
 * Splits a stdout stream into complete lines. rsync ends progress updates with "\r" and other
 * output with "\n", so both end a line; empty lines are dropped. Decodes UTF-8 across chunk
 * boundaries (file names can be split between two reads).
 */
export class ProgressSplitter {
  private readonly decoder = new TextDecoder('utf-8');
  private rest = '';

  /** Feed a chunk; returns the lines it completed. */
  push(chunk: string | Uint8Array): string[] {
    this.rest += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const parts = this.rest.split(/[\r\n]/);
    this.rest = parts.pop() ?? '';
    return parts.filter((l) => l.length > 0);
  }

  /** At end of stream: the last line if it had no terminator. */
  flush(): string[] {
    const last = this.rest + this.decoder.decode();
    this.rest = '';
    return last.length > 0 ? [last] : [];
  }
}

export interface TransferStats {
  files: number;
  regularFilesTransferred: number;
  created: number;
  deleted: number;
  totalFileSize: number;
  transferredFileSize: number;
  bytesSent: number;
  bytesReceived: number;
}

/** Field → the stats2 line it comes from. Missing lines read as 0 (e.g. "created" before 3.1). */
const STATS_LINES: Readonly<Record<keyof TransferStats, RegExp>> = {
  files: /^Number of files: ([\d,]+)/m,
  // rsync 3.0 said "Number of files transferred"; 3.1+ "Number of regular files transferred".
  regularFilesTransferred: /^Number of (?:regular )?files transferred: ([\d,]+)/m,
  created: /^Number of created files: ([\d,]+)/m,
  deleted: /^Number of deleted files: ([\d,]+)/m,
  totalFileSize: /^Total file size: ([\d,]+) bytes/m,
  transferredFileSize: /^Total transferred file size: ([\d,]+) bytes/m,
  bytesSent: /^Total bytes sent: ([\d,]+)/m,
  bytesReceived: /^Total bytes received: ([\d,]+)/m,
};

/** Totals from the stats2 block (the whole stdout, or just its tail). */
export function parseStats(text: string): TransferStats {
  const normalized = text.replace(/\r/g, '\n');
  const stats = {} as TransferStats;
  for (const key of Object.keys(STATS_LINES) as (keyof TransferStats)[]) {
    const m = STATS_LINES[key].exec(normalized);
    stats[key] = m?.[1] ? toInt(m[1]) : 0;
  }
  return stats;
}

/**
 * How many deletions `--max-delete` held back, from rsync's warning
 * "Deletions stopped due to --max-delete limit (N skipped)"; 0 when none were.
 */
export function parseSkippedDeletions(stderr: string): number {
  const m = /Deletions stopped due to --max-delete limit \(([\d,]+) skipped\)/.exec(stderr);
  return m?.[1] ? toInt(m[1]) : 0;
}

const DELETING = 'deleting ';
/** The same line where the out-format has %i (rsync-itemize.ts): "*deleting" padded to 11 columns. */
const ITEMIZED_DELETING = '*deleting   ';

/**
 * A name as rsync prints it under LC_ALL=C → the lossless string. rsync writes every byte it will
 * not print as "\#ooo" (octal), so the text is ASCII and the name's exact bytes come back through
 * the lossless name codec (shared/names.ts). `text` holds one byte per character (read as latin1).
 */
export function unescapeName(text: string, from = 0): string {
  let plain = true;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c || c > 0x7f) {
      plain = false;
      break;
    }
  }
  // The common case costs no byte array: an ASCII name without escapes is its own string.
  if (plain) return from === 0 ? text : text.slice(from);
  const bytes: number[] = [];
  for (let i = from; i < text.length; i++) {
    const m = text.charCodeAt(i) === 0x5c ? /^\\#([0-7]{3})/.exec(text.slice(i, i + 5)) : null;
    if (m?.[1]) {
      bytes.push(Number.parseInt(m[1], 8));
      i += 4;
    } else bytes.push(text.charCodeAt(i) & 0xff);
  }
  return decodeName(Uint8Array.from(bytes));
}

/**
 * The entry a "deleting NAME" line names (--info=del), or null for any other line; also the
 * "*deleting   NAME" form rsync prints instead when the out-format itemizes (%i). A folder ends
 * in "/".
 */
export function parseDeletionLine(line: string): string | null {
  if (line.startsWith(DELETING)) return unescapeName(line, DELETING.length);
  if (line.startsWith(ITEMIZED_DELETING)) return unescapeName(line, ITEMIZED_DELETING.length);
  return null;
}

/** Deletions named in a run's output: all of them counted, the first `keep` names kept. */
export class DeletionLines {
  readonly #keep: number;
  count = 0;
  readonly names: string[] = [];

  constructor(keep: number) {
    this.#keep = keep;
  }

  /** Feeds complete lines. */
  add(lines: Iterable<string>): void {
    for (const line of lines) {
      const name = parseDeletionLine(line);
      if (name === null) continue;
      this.count++;
      if (this.names.length < this.#keep) this.names.push(name);
    }
  }
}
