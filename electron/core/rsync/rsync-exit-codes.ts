/**
 * What an rsync exit value means for the engine. Policy lives in the table, not in if-chains, so a
 * reviewer can check every value against `man rsync` (EXIT VALUES) in one place.
 *
 * Outcomes:
 * - `ok`       nothing to do.
 * - `vanished` source files disappeared between listing and sending. Benign while files churn:
 *              the engine re-queues the paths (the watcher will report whatever replaced them).
 * - `retry`    transient or environmental (network, daemon busy, killed, I/O); retry with backoff.
 * - `fatal`    retrying the same command cannot help (usage, protocol, a guard tripped); a human
 *              or a config change is needed.
 */

export type ExitOutcome = 'ok' | 'vanished' | 'retry' | 'fatal';

export interface ExitCodeEntry {
  outcome: ExitOutcome;
  /** As worded in man rsync, EXIT VALUES (rsync 3.5.0). */
  meaning: string;
}

export const RSYNC_EXIT_CODES: Readonly<Record<number, ExitCodeEntry>> = {
  0: { outcome: 'ok', meaning: 'Success' },
  // Our own command line is wrong (bad option, password file mode): the same command fails again.
  1: { outcome: 'fatal', meaning: 'Syntax or usage error' },
  // Client and daemon cannot speak to each other; a retry meets the same daemon.
  2: { outcome: 'fatal', meaning: 'Protocol incompatibility' },
  // Often a source directory that is momentarily missing (unmounted, being replaced).
  3: { outcome: 'retry', meaning: 'Errors selecting input/output files, directories' },
  // The daemon's rsync lacks an option we sent; needs a capability change, not time.
  4: { outcome: 'fatal', meaning: 'Requested action not supported' },
  // Listed in older man pages (3.5.0's has an empty bullet there); errcode.h: RERR_LOG_FAILURE.
  // The daemon's log file is unwritable: an admin must fix the server.
  6: { outcome: 'fatal', meaning: 'Daemon unable to append to log-file' },
  // Daemon refusals (auth, unknown module, max connections, ...) end here. Some are permanent
  // (auth), but the common ones are not (max connections, daemon restarting), and diagnostics
  // report the permanent ones loudly; the supervisor's backoff keeps retries cheap.
  5: { outcome: 'retry', meaning: 'Error starting client-server protocol' },
  // Connection refused / no route / DNS: the server or network is down for now.
  10: { outcome: 'retry', meaning: 'Error in socket I/O' },
  11: { outcome: 'retry', meaning: 'Error in file I/O' },
  // Usually the connection dropped mid-stream ("connection unexpectedly closed").
  12: { outcome: 'retry', meaning: 'Error in rsync protocol data stream' },
  // rsync could not write its own diagnostics (e.g. --log-file unwritable): a config problem.
  13: { outcome: 'fatal', meaning: 'Errors with program diagnostics' },
  14: { outcome: 'retry', meaning: 'Error in IPC code' },
  // 15, 16 and 19 are in the rsync 3.5.0 man page, not in older ones; all are crash/kill fallout.
  15: { outcome: 'retry', meaning: 'Sibling process crashed (e.g. core dumped)' },
  16: { outcome: 'retry', meaning: 'Sibling process was killed by a signal' },
  19: { outcome: 'retry', meaning: 'Received SIGUSR1' },
  // Someone (shutdown, OOM handling, an admin) stopped rsync; our own cancel is handled by the runner.
  20: { outcome: 'retry', meaning: 'Received SIGINT, SIGTERM, or SIGHUP' },
  21: { outcome: 'retry', meaning: 'Some error returned by waitpid()' },
  22: { outcome: 'retry', meaning: 'Error allocating core memory buffers' },
  // Some files failed (permissions, a file locked or replaced mid-transfer); the rest arrived.
  23: { outcome: 'retry', meaning: 'Partial transfer due to error' },
  24: { outcome: 'vanished', meaning: 'Partial transfer due to vanished source files' },
  // The mass-deletion guard tripped: never retry blindly, a human must look at the source.
  25: { outcome: 'fatal', meaning: 'The --max-delete limit stopped deletions' },
  30: { outcome: 'retry', meaning: 'Timeout in data send/receive' },
  35: { outcome: 'retry', meaning: 'Timeout waiting for daemon connection' },
};

export interface ExitClassification {
  outcome: ExitOutcome;
  meaning: string;
  /** False for values not in the table (a newer rsync, a wrapper script, a signal). */
  known: boolean;
}

/**
 * Classify how an rsync process ended. `exitCode` is undefined/null when the process was killed
 * by `signal` (Node's convention) or never started.
 *
 * Unknown exit values are `retry`, not `fatal`: a newer rsync may add values, and stopping a
 * backup for good on a value we do not understand is worse than retrying with backoff while the
 * error is shown. Exits 129-159 are what a wrapper shell reports for a child killed by signal
 * (128 + N) and are treated like a signal.
 */
export function classifyExit(exitCode: number | null | undefined, signal?: string | null): ExitClassification {
  if (exitCode === undefined || exitCode === null) {
    if (signal) {
      // SIGKILL from the OOM killer or a system shutdown: the next attempt may well succeed.
      return { outcome: 'retry', meaning: `Killed by signal ${signal}`, known: true };
    }
    // No exit status and no signal: the process never ran (spawn failed); retrying the same
    // binary path will not help.
    return { outcome: 'fatal', meaning: 'rsync did not report an exit status (it may not have started)', known: false };
  }
  const entry = RSYNC_EXIT_CODES[exitCode];
  if (entry) return { ...entry, known: true };
  if (exitCode > 128 && exitCode < 160) {
    return { outcome: 'retry', meaning: `Killed by signal ${exitCode - 128} (exit ${exitCode})`, known: false };
  }
  return { outcome: 'retry', meaning: `Unknown rsync exit value ${exitCode}`, known: false };
}
