/**
 * A full sync's totals before it runs: what it will send, for "x of y files", "x of y" bytes and
 * the time left. On Linux a full sync is followed from outside (the bytes rsync writes, see
 * progressFrom in rsync-args.ts), which knows no total; rsync's own progress2 percentage is of the
 * whole tree, files already on the backup included (a sync with half the tree there ends at
 * 50 %), so neither says how much is left. The same command with --dry-run does: its itemized
 * lines are the entries the real run will send (counted as the real run counts them) and its stats
 * the file data it will move.
 *
 * The cost is one listing of the tree on both ends, and its file list on the link: measured on a
 * 200,000-file tree against a loopback daemon (2 cores, warm cache), 1.4 s — as long as a full
 * sync with nothing to send. Counted before the run it delayed every start of the engine on a
 * 1,000,000-file tree by the whole listing (a start on a backup in sync took 1.38x lsyncd's). So
 * it runs beside the real run, not before it (the total arrives when counted), and only where a
 * long transfer is likely: after a long full sync (FULL_COUNT_POLICY). The first full sync of the
 * engine's life is counted only into a backup that holds nothing yet (an upload; one listing of
 * its top folder tells), and then by a walk of the source instead (source-count.ts): beside a
 * 1,000,000-file upload on 2 cores, this dry run made it a fifth slower. And only under a
 * bandwidth limit (rsync-executor.ts): without one rsync takes both cores, and even the walk
 * beside it cost that upload ~20 %. Beside the run, the count may miss the few files the run sent
 * before the count looked at them: the meter never shows more done than the total (transfer-meter.ts).
 */
import { DELETED_DIR_NAME, WORKING_DIR_NAMES } from '../../shared/profile-schema-constants.ts';
import type { RunKind } from '../rsync/rsync-args.ts';
import type { RunRequest, RunResult } from '../rsync/rsync-runner.ts';

/** What a full sync will send: entries (files, folders, links) and the bytes it writes. */
export interface RunTotal {
  files: number;
  /** As the progress counts them: the bytes rsync writes (file list, names and data). Null with compression. */
  bytes: number | null;
}

export const FULL_COUNT_POLICY = {
  /** A full sync that took less than this last time is a reconcile: a count would double it for nothing. */
  skipAfterShorterThanMs: 10_000,
  /**
   * A full sync within this long of the last one follows it in the same pass (the deleting run
   * after the counting one) or at a person's "Sync now": the data went in the run just before.
   */
  skipWithinMs: 60_000,
} as const;

/**
 * When to count: the first full sync of an engine's life if the backup holds nothing yet
 * ('if-empty'), later ones after a long one.
 */
export class FullSyncCounter {
  #last: { endedAt: number; durationMs: number } | null = null;

  wanted(kind: RunKind, dryRun: boolean, now: number): 'count' | 'if-empty' | 'no' {
    if (kind !== 'full' || dryRun) return 'no';
    const last = this.#last;
    if (!last) return 'if-empty';
    return last.durationMs >= FULL_COUNT_POLICY.skipAfterShorterThanMs &&
      now - last.endedAt >= FULL_COUNT_POLICY.skipWithinMs
      ? 'count'
      : 'no';
  }

  /** A real full sync ended (whatever its outcome: a failed one still showed how long the tree takes). */
  ended(kind: RunKind, dryRun: boolean, result: RunResult, now: number): void {
    if (kind === 'full' && !dryRun && !result.isCanceled) this.#last = { endedAt: now, durationMs: result.durationMs };
  }
}

export interface CountRequest {
  /** The real run's request: its command line (with its itemize format), environment and secrets. */
  request: Omit<RunRequest, 'onProgress' | 'input'>;
  run(req: RunRequest): Promise<RunResult>;
  /** rsync compresses: the bytes it writes are not the data's, so only files are counted. */
  compress: boolean;
}

/**
 * Exits whose stats still say what the run will send: ok, some files unreadable (23) or vanished
 * (24), deletions stopped by --max-delete (25: the counting run of a full pass asks for that).
 */
const COUNTED_EXITS: ReadonlySet<number> = new Set([0, 23, 24, 25]);

/** The dry run; null when it did not complete (the sync then runs without totals, as before). */
export async function countFullSync({ request, run, compress }: CountRequest): Promise<RunTotal | null> {
  let written = 0;
  const result = await run({
    ...request,
    args: [...request.args, '--dry-run'],
    // Counted, none kept: the real run keeps the names.
    sentNames: 0,
    deletionNames: undefined,
    progressFrom: 'process-io',
    // What the dry run writes (the file list, the itemized lines) the real run writes as well.
    onProgress: (p) => {
      written = Math.max(written, p.bytes);
    },
  });
  if (result.isCanceled || !COUNTED_EXITS.has(result.exitCode ?? -1) || !result.stats || !result.sent) return null;
  const overhead = Math.max(written, result.stats.bytesSent);
  return {
    files: result.sent.count,
    bytes: compress ? null : overhead + result.stats.transferredFileSize,
  };
}

/**
 * Whether the target's folder holds nothing but our own folders (the safety net): a first sync
 * into it is an upload. A folder not made yet reads as empty; any other failure as not empty
 * (no count: the run itself says what is wrong).
 */
export async function holdsNothing(list: () => Promise<ReadonlyArray<{ name: string }>>): Promise<boolean> {
  try {
    return (await list()).every((e) => e.name === DELETED_DIR_NAME || WORKING_DIR_NAMES.includes(e.name));
  } catch (error) {
    return (error as { code?: string }).code === 'NOT_ON_BACKUP' || /No such file|not found/i.test(String(error));
  }
}
