/**
 * A running rsync's progress from the end of its stdout (the runner reads the newest bytes ten
 * times a second, never every line): its newest progress2 line, and from the newest line with an
 * xfr block how many of the file list's entries are done. With ITEMIZE_FORMAT (rsync-itemize.ts)
 * the newest line is mostly an itemized one, so the tail is searched backwards for progress.
 */
import { parseProgress2, type Progress } from './rsync-output.ts';
import { withoutProgress } from './rsync-itemize.ts';

/** What the runner passes on (RunProgress in rsync-runner.ts, before the executor smooths the rate). */
export interface ProgressReading {
  bytes: number;
  /** Null where no honest percentage is known. */
  percent: number | null;
  bytesPerSecond: number;
  etaSeconds: number | null;
  /** Entries of the file list checked so far (to-chk: total − to check). */
  filesDone?: number;
  /** Entries in the file list, once it is whole; null while rsync is still finding files. */
  filesTotal?: number | null;
  /** Bytes of file data in all, from rsync's percentage; null while unknown. */
  bytesTotal?: number | null;
  /**
   * What the rsync process has written in all (Linux's /proc/PID/io), beside a lines reading: the
   * rate is measured on it, as the lines come in bursts (block-buffered) and it never stalls with them.
   */
  wireBytes?: number;
}

/** How much of the end of stdout is searched: a few dozen itemized lines. */
export const PROGRESS_TAIL = 4 * 1024;
/**
 * rsync's percentage is a whole number: below this, bytes ÷ percent is too rough a total
 * (at 1 % it may be off by half).
 */
const TOTAL_FROM_PERCENT = 5;

/** A progress2 line, or one glued in front of an itemized line (rsync ends progress with "\r" only). */
function progressOf(line: string): Progress | null {
  const direct = parseProgress2(line);
  if (direct) return direct;
  const rest = withoutProgress(line);
  return rest.length < line.length ? parseProgress2(line.slice(0, line.length - rest.length)) : null;
}

export class ProgressLines {
  /** Whether the file list is whole (to-chk) or still growing (ir-chk); null before rsync said. */
  #listComplete: boolean | null = null;
  #files: { done: number; total: number } | null = null;

  /** The reading for this tail of stdout, or null when it holds no complete progress line. */
  read(tail: string): ProgressReading | null {
    const lines = tail.split(/[\r\n]/);
    lines.pop(); // not complete yet
    let newest: Progress | null = null;
    for (let i = lines.length - 1; i >= 0; i--) {
      const p = progressOf(lines[i]!);
      if (!p) continue;
      newest ??= p;
      if (p.total !== undefined && p.toCheck !== undefined) {
        this.#listComplete = p.fileListComplete ?? null;
        this.#files = { done: p.total - p.toCheck, total: p.total };
        break;
      }
    }
    if (!newest) return null;
    // While incremental recursion is still finding files, rsync's percentage is of the files found
    // so far: 94-99 % through nearly all of an initial sync of 200k files. None beats a wrong one.
    // Before rsync has said either way (a first big file), its percentage is shown: that of a
    // single big file is real, and a batch seldom starts mid-way through a growing list.
    const partial = this.#listComplete === false;
    const percent = partial ? null : newest.percent;
    return {
      bytes: newest.bytes,
      percent,
      bytesPerSecond: newest.bytesPerSecond,
      etaSeconds: partial ? null : newest.etaSeconds,
      ...(this.#files ? { filesDone: this.#files.done, filesTotal: partial ? null : this.#files.total } : {}),
      bytesTotal: percent !== null && percent >= TOTAL_FROM_PERCENT ? Math.round((newest.bytes * 100) / percent) : null,
    };
  }
}
