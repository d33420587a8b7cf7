/**
 * One result for a run that limit-switch.ts split into parts: the whole's bytes and files, as if
 * rsync had run once. A part stopped for a limit change is not a failure and prints no stats (rsync
 * killed by SIGTERM says nothing of its totals), so its share is taken from what is known of it:
 * - the entries it itemized and the next part did not (a file finished before the stop); the file
 *   in progress is itemized again by the part that finishes it, and counted there;
 * - those files' sizes from the source (lstat), for the bytes;
 * - what the rsync process wrote (its last progress reading: /proc wchar, else rsync's own
 *   bytes), for the bytes on the wire.
 * The last part decides the outcome (exit code, signal, stderr, whether it was canceled).
 */
import { lstatSync } from 'node:fs';
import type { LimitNow } from '../../shared/bandwidth-schedule.ts';
import { encodeName } from '../../shared/names.ts';
import type { NameTally } from '../rsync/rsync-itemize.ts';
import type { TransferStats } from '../rsync/rsync-output.ts';
import type { RunProgress, RunResult } from '../rsync/rsync-runner.ts';

export interface RunPart {
  result: RunResult;
  /** Stopped because the limit changed (its result is then canceled). */
  switched: boolean;
  /** The limit it ran with. */
  limit: LimitNow;
  lastProgress: RunProgress | null;
}

/** Two parts' tallies: an entry named by both (the file in progress at the stop) counts once. */
function mergeTally(first: NameTally | undefined, next: NameTally | undefined): NameTally | undefined {
  if (!first) return next;
  if (!next) return first;
  const seen = new Set(next.names);
  const onlyFirst = first.names.filter((n) => !seen.has(n));
  // Names beyond the kept ones are not known: those counts are added as they are.
  const repeated = first.names.length - onlyFirst.length;
  return { count: first.count + next.count - repeated, names: [...onlyFirst, ...next.names] };
}

/** The files (not folders: itemized as "name/") a stopped part finished, with their sizes now. */
function finishedFiles(part: RunResult, next: RunResult, source: string | null): { files: number; bytes: number } {
  const again = new Set(next.sent?.names ?? []);
  const names = (part.sent?.names ?? []).filter((n) => !n.endsWith('/') && !again.has(n));
  let bytes = 0;
  if (source) {
    const root = Buffer.from(source.endsWith('/') ? source : `${source}/`);
    for (const name of names) {
      try {
        const st = lstatSync(Buffer.concat([root, encodeName(name)]));
        if (st.isFile()) bytes += st.size;
      } catch {
        // Gone since: its bytes are not known, the file still counts.
      }
    }
  }
  return { files: names.length, bytes };
}

function addStats(whole: TransferStats, part: TransferStats): TransferStats {
  return {
    // The file list is each part's whole list: the last one's stands.
    files: whole.files,
    totalFileSize: whole.totalFileSize,
    regularFilesTransferred: whole.regularFilesTransferred + part.regularFilesTransferred,
    created: whole.created + part.created,
    deleted: whole.deleted + part.deleted,
    transferredFileSize: whole.transferredFileSize + part.transferredFileSize,
    bytesSent: whole.bytesSent + part.bytesSent,
    bytesReceived: whole.bytesReceived + part.bytesReceived,
  };
}

export function mergeParts(parts: readonly RunPart[], source: string | null): RunResult {
  const last = parts[parts.length - 1];
  if (!last) throw new Error('mergeParts needs at least one part');
  if (parts.length === 1) return last.result;
  let stats = last.result.stats;
  let sent = last.result.sent;
  let deletions = last.result.deletions;
  let durationMs = last.result.durationMs;
  // Back to front: each stopped part is compared with the parts after it.
  for (let i = parts.length - 2; i >= 0; i--) {
    const part = parts[i]!;
    const after = { ...last.result, sent };
    const done = finishedFiles(part.result, after, source);
    const wire = part.lastProgress ? (part.lastProgress.wireBytes ?? part.lastProgress.bytes) : 0;
    const share: TransferStats = part.result.stats ?? {
      files: 0,
      totalFileSize: 0,
      regularFilesTransferred: done.files,
      created: 0,
      deleted: part.result.deletions?.count ?? 0,
      transferredFileSize: done.bytes,
      bytesSent: wire,
      bytesReceived: 0,
    };
    // Without the last part's stats the whole has none: a half block is never judged.
    if (stats) stats = addStats(stats, share);
    sent = mergeTally(part.result.sent, sent);
    deletions = mergeTally(part.result.deletions, deletions);
    durationMs += part.result.durationMs;
  }
  return {
    ...last.result,
    durationMs,
    stats,
    ...(sent ? { sent } : {}),
    ...(deletions ? { deletions } : {}),
  };
}
