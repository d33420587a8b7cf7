/**
 * Runs one rsync process and reports what happened, shaped like execa's result. It never throws
 * for rsync's own failures: the caller classifies them (rsync-exit-codes, rsync-diagnostics).
 */
import { execa, type Options } from 'execa';
import { closeSync, fstatSync, ftruncateSync, openSync, readFileSync, readSync, rmSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ItemizedLines, type NameTally } from './rsync-itemize.ts';
import { parseStats, type TransferStats } from './rsync-output.ts';
import { redactSecrets } from './rsync-diagnostics.ts';
import { PROGRESS_TAIL, ProgressLines, type ProgressReading } from './rsync-progress.ts';

export interface RunRequest {
  rsyncPath: string;
  args: readonly string[];
  /** Added to the child's environment only (RSYNC_PASSWORD). */
  env?: Readonly<Record<string, string>>;
  input?: Buffer;
  signal?: AbortSignal;
  onProgress?: (progress: RunProgress) => void;
  /**
   * Where progress comes from: rsync's progress2 lines (the args must ask for them), or the bytes
   * the rsync process has written so far (Linux's /proc/PID/io; elsewhere no progress).
   */
  progressFrom?: 'lines' | 'process-io';
  /** Keep stdout whole (listings, module lists); otherwise only progress and stats are read. */
  captureStdout?: boolean;
  /** Removed from stderr before it leaves the runner. */
  secrets?: readonly string[];
  /**
   * Stop rsync when it prints nothing for this long: a hang detector for runs that do without
   * rsync's own --timeout (which costs ~40 ms per run against a daemon without TCP_NODELAY).
   */
  idleTimeoutMs?: number;
  /**
   * Read the deletions rsync names (the args ask with --info=del): every one is counted, the
   * first this many names are kept. Read as they are written, so a long output's trimming loses none.
   */
  deletionNames?: number;
  /**
   * Read the entries rsync sent (the args itemize: ITEMIZE_FORMAT in rsync-itemize.ts): every one
   * counted, the first this many names kept, read the same way as the deletions.
   */
  sentNames?: number;
}

/**
 * What a running rsync has done so far (percent null where no honest one is known: see
 * rsync-progress.ts, WrittenBytes); its rate is rsync's own or the last seconds', unsmoothed.
 */
export type RunProgress = ProgressReading;

export interface RunResult {
  exitCode: number | undefined;
  signal: string | undefined;
  timedOut: boolean;
  isCanceled: boolean;
  durationMs: number;
  stderr: string;
  stats: TransferStats | null;
  /** With captureStdout. */
  stdout?: string;
  /** With deletionNames: what rsync said it deleted (or, in a dry run, would delete). */
  deletions?: NameTally;
  /** With sentNames: what rsync said it sent (files created or updated, folders, symlinks). */
  sent?: NameTally;
}

/** How often progress is read while rsync runs — its newest line, or the bytes it has written. */
const PROGRESS_EVERY_MS = 100;
/** The output file is emptied past this size, so a full sync of millions of files stays small. */
const TRUNCATE_AT = 4 * 1024 * 1024;
/** How much of the end is read for the final stats (~1 KiB) and the newest progress line. */
const STATS_TAIL = 16 * 1024;

/**
 * rsync's stdout as an anonymous temp file rather than a pipe. With progress2 rsync prints a line
 * per file: through a pipe a sync of 100k files woke the engine ~67,000 times and cost it ~0.7 s
 * of CPU, on a machine where rsync needs every core; from a file the engine reads the newest line
 * ten times a second for ~10 ms in all. (Full syncs on Linux print no such lines any more, see
 * progressFrom; the file still takes their stats.) Opened with O_APPEND, so emptying it while
 * rsync writes is safe.
 */
class OutputFile {
  readonly fd: number;
  #size = 0;
  /** How far `readNew` has read, and the start of a line not yet complete there. */
  #readAt = 0;
  #partial = '';
  /** Set where an open file cannot be unlinked (Windows without share-delete): removed on close. */
  #path: string | null = null;

  constructor() {
    const file = path.join(os.tmpdir(), `rsync-tray-out-${process.pid}-${Math.random().toString(36).slice(2)}`);
    this.fd = openSync(file, 'a+', 0o600);
    try {
      unlinkSync(file); // nothing to clean up after a crash; the space goes when the fd closes
    } catch {
      this.#path = file;
    }
  }

  /** Whether rsync wrote since the last look. */
  grew(): boolean {
    const size = fstatSync(this.fd).size;
    const grew = size !== this.#size;
    this.#size = size;
    return grew;
  }

  tail(bytes: number): string {
    const size = fstatSync(this.fd).size;
    const length = Math.min(bytes, size);
    const buf = Buffer.alloc(length);
    const read = readSync(this.fd, buf, 0, length, size - length);
    return buf.subarray(0, read).toString('utf8');
  }

  /** The complete lines written since the last call (rsync ends lines with "\r" or "\n"). */
  readNew(): string[] {
    const size = fstatSync(this.fd).size;
    if (size < this.#readAt) this.#readAt = 0; // trimmed meanwhile: only after everything was read
    const buf = Buffer.alloc(size - this.#readAt);
    const read = readSync(this.fd, buf, 0, buf.length, this.#readAt);
    this.#readAt += read;
    const parts = (this.#partial + buf.subarray(0, read).toString('latin1')).split(/[\r\n]/);
    this.#partial = parts.pop() ?? '';
    return parts;
  }

  /** What `readNew` left unterminated, at the end of the run. */
  rest(): string[] {
    return this.#partial ? [this.#partial] : [];
  }

  /**
   * Empties a large file, only when nothing was written since the last look: what is dropped is
   * progress already read (and, with `readNew`, every line). (Should the final stats still fall into the microseconds between
   * the check and the truncation, the result has no stats: callers treat them as unknown.)
   */
  trim(): void {
    if (this.#size > TRUNCATE_AT && fstatSync(this.fd).size === this.#size) {
      ftruncateSync(this.fd, 0);
      this.#size = 0;
      this.#readAt = 0;
    }
  }

  /** Null where no temp file can be made (an unusable TMPDIR): the output then goes through a pipe. */
  static open(): OutputFile | null {
    try {
      return new OutputFile();
    } catch {
      return null;
    }
  }

  close(): void {
    closeSync(this.fd);
    if (this.#path) rmSync(this.#path, { force: true });
  }
}

/**
 * The bytes an rsync process has written so far — its file list and data as sent, compressed
 * where -z is on — from Linux's /proc/PID/io: progress that costs rsync nothing. Nothing
 * elsewhere (progressFrom asks for lines there), or once the process has exited (its pid may be
 * someone else's by then).
 */
class WrittenBytes {
  readonly #file: string | null;
  #exited = false;
  /** Samples of the last ~2 s, for the rate (which falls to 0 while rsync waits); from 0 at the spawn. */
  #samples: Array<{ at: number; bytes: number }> = [{ at: performance.now(), bytes: 0 }];

  constructor(child: { pid?: number | undefined; once(event: 'exit', listener: () => void): unknown }) {
    this.#file = child.pid === undefined ? null : `/proc/${child.pid}/io`;
    child.once('exit', () => (this.#exited = true));
  }

  sample(): { bytes: number; bytesPerSecond: number; grew: boolean } | null {
    if (!this.#file || this.#exited) return null;
    let bytes: number;
    try {
      bytes = Number(/^wchar: (\d+)$/m.exec(readFileSync(this.#file, 'utf8'))?.[1] ?? NaN);
    } catch {
      return null; // no /proc here, or the process just ended
    }
    if (Number.isNaN(bytes)) return null;
    const grew = bytes !== this.#samples.at(-1)?.bytes;
    const at = performance.now();
    this.#samples.push({ at, bytes });
    while (this.#samples.length > 2 && at - this.#samples[1]!.at >= 2_000) this.#samples.shift();
    const first = this.#samples[0]!;
    const bytesPerSecond = at > first.at ? Math.round(((bytes - first.bytes) * 1000) / (at - first.at)) : 0;
    return { bytes, bytesPerSecond, grew };
  }
}

export async function runRsync(req: RunRequest): Promise<RunResult> {
  const env: Record<string, string | undefined> = { ...process.env, LC_ALL: 'C', LANG: 'C', ...req.env };
  // Never let an inherited RSYNC_PASSWORD reach a target that should not get it.
  if (!req.env || !('RSYNC_PASSWORD' in req.env)) delete env.RSYNC_PASSWORD;

  const started = performance.now();
  const output = req.captureStdout ? null : OutputFile.open();
  // execa passes any file descriptor to the child; its types only spell out 3-9.
  const stdout = (output ? output.fd : 'pipe') as Options['stdout'];
  const child = execa(req.rsyncPath, req.args, {
    env,
    extendEnv: false,
    input: req.input,
    stdin: req.input ? undefined : 'ignore',
    stdout,
    reject: false,
    buffer: { stdout: !output, stderr: true },
    cancelSignal: req.signal,
    // SIGTERM lets rsync remove its temp file; SIGKILL only if it does not go.
    forceKillAfterDelay: 5_000,
    // No signal-exit: with execa's cleanup on, a SIGTERM that arrived while a run without a
    // cancel signal (the safety net's prune) was under way killed the engine outright, its own
    // SIGTERM handler never called (test/reliability/faults.test.ts). The engine stops its
    // rsyncs itself on shutdown (TargetSync.dispose aborts them).
    cleanup: false,
    stripFinalNewline: false,
  });

  let idleTimedOut = false;
  let idleTimer: NodeJS.Timeout | undefined;
  const touch = () => {
    if (!req.idleTimeoutMs) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      idleTimedOut = true;
      child.kill('SIGTERM');
    }, req.idleTimeoutMs);
  };
  touch();
  child.stderr?.on('data', touch);

  const progressLines = new ProgressLines();
  /**
   * The newest progress line's reading (lines mode). rsync's stdout to a file is block-buffered:
   * seconds may pass without a line while data flows, so the reading is passed on every look
   * with the bytes written meanwhile, where /proc tells them (`wireBytes`, for the rate).
   */
  let reading: RunProgress | null = null;
  const fromLines = () => {
    reading = progressLines.read(output!.tail(PROGRESS_TAIL)) ?? reading;
  };
  // The bytes rsync has written: a full sync's whole progress on Linux, a batch's rate.
  const written = req.onProgress ? new WrittenBytes(child) : null;
  const names =
    req.deletionNames === undefined && req.sentNames === undefined
      ? null
      : new ItemizedLines(req.sentNames ?? 0, req.deletionNames ?? 0);
  const look = () => {
    const wrote = written?.sample();
    if (wrote?.grew) touch();
    if (wrote && req.progressFrom === 'process-io') {
      // Entries sent so far, where the run itemizes (read below as the output grows); no total.
      const { bytes, bytesPerSecond } = wrote;
      const done = names ? { filesDone: names.sent.count } : {};
      req.onProgress!({ bytes, percent: null, bytesPerSecond, etaSeconds: null, ...done });
    }
    const grew = output?.grew() ?? false;
    if (grew) touch();
    if (grew && req.onProgress && req.progressFrom !== 'process-io') fromLines();
    if (reading && (grew || wrote)) req.onProgress!({ ...reading, ...(wrote ? { wireBytes: wrote.bytes } : {}) });
    if (!grew) return;
    names?.add(output!.readNew());
    output!.trim();
  };
  const poller = output || written ? setInterval(look, PROGRESS_EVERY_MS) : undefined;

  let result;
  let tail: string;
  try {
    result = await child;
  } finally {
    clearInterval(poller);
    clearTimeout(idleTimer);
    tail = output ? output.tail(STATS_TAIL) : '';
    if (output && names) names.add([...output.readNew(), ...output.rest()]);
    output?.close();
  }
  const text = output ? tail : String(result?.stdout ?? '');
  if (!output && names) names.add(text.split(/[\r\n]/));
  const stderr = redactSecrets(String(result.stderr ?? ''), [...(req.secrets ?? [])]);
  return {
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut: Boolean(result.timedOut) || idleTimedOut,
    isCanceled: Boolean(result.isCanceled),
    durationMs: performance.now() - started,
    stderr,
    // Only a whole stats block counts: the deletion guard must not judge half of one.
    stats: /^Number of files: /m.test(text) && /^Total bytes received: /m.test(text) ? parseStats(text) : null,
    ...(req.captureStdout ? { stdout: text } : {}),
    ...(names && req.deletionNames !== undefined ? { deletions: names.deleted } : {}),
    ...(names && req.sentNames !== undefined ? { sent: names.sent } : {}),
  };
}
