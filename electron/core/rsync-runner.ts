/**
 * Runs one rsync process and reports what happened, shaped like execa's result. It never throws
 * for rsync's own failures: the caller classifies them (rsync-exit-codes, rsync-diagnostics).
 */
import { execa, type Options } from 'execa';
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, rmSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseProgress2, parseStats, type Progress, type TransferStats } from './rsync-output.ts';
import { redactSecrets } from './rsync-diagnostics.ts';

export interface RunRequest {
  rsyncPath: string;
  args: readonly string[];
  /** Added to the child's environment only (RSYNC_PASSWORD). */
  env?: Readonly<Record<string, string>>;
  input?: Buffer;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** Keep stdout whole (listings, module lists); otherwise only progress and stats are read. */
  captureStdout?: boolean;
  /** Removed from stderr before it leaves the runner. */
  secrets?: readonly string[];
  /**
   * Stop rsync when it prints nothing for this long: a hang detector for runs that do without
   * rsync's own --timeout (which costs ~40 ms per run against a daemon without TCP_NODELAY).
   */
  idleTimeoutMs?: number;
}

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
}

/** How often the newest progress line is read while rsync runs (status goes out every 100 ms). */
const PROGRESS_EVERY_MS = 100;
/** The output file is emptied past this size, so a full sync of millions of files stays small. */
const TRUNCATE_AT = 4 * 1024 * 1024;
/** How much of the end is read for the final stats (~1 KiB) and the newest progress line. */
const STATS_TAIL = 16 * 1024;

/**
 * rsync's stdout as an anonymous temp file rather than a pipe. rsync prints a progress2 line per
 * file: through a pipe a full sync of 100k files woke the engine ~67,000 times and cost it
 * ~0.7 s of CPU, on a machine where rsync needs every core; from a file the engine reads the
 * newest line ten times a second for ~10 ms in all. Opened with O_APPEND, so emptying it while
 * rsync writes is safe.
 */
class OutputFile {
  readonly fd: number;
  #size = 0;
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

  /**
   * Empties a large file, only when nothing was written since the last look: what is dropped is
   * progress already read. (Should the final stats still fall into the microseconds between
   * the check and the truncation, the result has no stats: callers treat them as unknown.)
   */
  trim(): void {
    if (this.#size > TRUNCATE_AT && fstatSync(this.fd).size === this.#size) {
      ftruncateSync(this.fd, 0);
      this.#size = 0;
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

/** The newest complete line of `text` (lines end in '\r' or '\n'). */
function newestLine(text: string): string | null {
  const end = Math.max(text.lastIndexOf('\r'), text.lastIndexOf('\n'));
  if (end <= 0) return null;
  const start = Math.max(text.lastIndexOf('\r', end - 1), text.lastIndexOf('\n', end - 1)) + 1;
  return text.slice(start, end);
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

  const look = () => {
    if (!output?.grew()) return;
    touch();
    const line = req.onProgress ? newestLine(output.tail(512)) : null;
    const progress = line === null ? null : parseProgress2(line);
    if (progress) req.onProgress!(progress);
    output.trim();
  };
  const poller = output ? setInterval(look, PROGRESS_EVERY_MS) : undefined;

  let result;
  let tail: string;
  try {
    result = await child;
  } finally {
    clearInterval(poller);
    clearTimeout(idleTimer);
    tail = output ? output.tail(STATS_TAIL) : '';
    output?.close();
  }
  const text = output ? tail : String(result?.stdout ?? '');
  const stderr = redactSecrets(String(result.stderr ?? ""), [...(req.secrets ?? [])]);
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
  };
}
