/**
 * Runs one rsync process and reports what happened, shaped like execa's result. It never throws
 * for rsync's own failures: the caller classifies them (rsync-exit-codes, rsync-diagnostics).
 */
import { execa } from 'execa';
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
  /** Raw stdout, for the few callers that read rsync's listing output. */
  onStdout?: (chunk: string) => void;
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
}

const STDOUT_TAIL = 64 * 1024;

export async function runRsync(req: RunRequest): Promise<RunResult> {
  const env: Record<string, string | undefined> = { ...process.env, LC_ALL: 'C', LANG: 'C', ...req.env };
  // Never let an inherited RSYNC_PASSWORD reach a target that should not get it.
  if (!req.env || !('RSYNC_PASSWORD' in req.env)) delete env.RSYNC_PASSWORD;

  const started = performance.now();
  const child = execa(req.rsyncPath, req.args, {
    env,
    extendEnv: false,
    input: req.input,
    stdin: req.input ? undefined : 'ignore',
    reject: false,
    buffer: { stdout: false, stderr: true },
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

  // progress2 lines end in '\r'; keep only a tail of stdout for the final stats.
  let tail = '';
  let partial = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    touch();
    tail = (tail + chunk).slice(-STDOUT_TAIL);
    req.onStdout?.(chunk);
    if (!req.onProgress) return;
    const pieces = (partial + chunk).split(/[\r\n]/);
    partial = pieces.pop() ?? '';
    // Only the newest progress line of a chunk matters (a full sync prints ~8 MB of them per
    // 100k files; parsing each cost the engine ~70 ms of a 10k-file burst).
    for (let i = pieces.length - 1; i >= 0; i--) {
      const progress = parseProgress2(pieces[i]!);
      if (progress) {
        req.onProgress(progress);
        break;
      }
    }
  });

  const result = await child;
  clearTimeout(idleTimer);
  const stderr = redactSecrets(String(result.stderr ?? ""), [...(req.secrets ?? [])]);
  return {
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut: Boolean(result.timedOut) || idleTimedOut,
    isCanceled: Boolean(result.isCanceled),
    durationMs: performance.now() - started,
    stderr,
    stats: parseStats(tail),
  };
}
