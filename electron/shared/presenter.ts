/**
 * How a status is put into words: the one presenter the tray menu (electron/main/tray-model.ts),
 * the CLI's log and status lines (electron/headless/log-format.ts) and the window (renderer/src)
 * all use, so a state, a retry, a count or a size reads the same wherever it is shown.
 *
 * Pure functions of their arguments (the time is always passed in, never read here); no DOM, no
 * Node: the renderer imports this file as `@shared/presenter.ts`.
 *
 * Conventions:
 * - Counts have thousands separators: 1,642 (formatCount), whatever the machine's locale.
 * - Percentages, sizes and durations put a space before the unit: 42 %, 1.5 KiB, 12 s.
 * - Retries are numbered by the attempt that comes next: the first run is attempt 1, so after N
 *   failures (RetryInfo.attempt = N, the engine's count) the upcoming try is "attempt N+1".
 * - Text that is redrawn as time passes (the window, a log line read at once) says times
 *   relatively ("in 12 s", "synced 2 min ago"); text that is not (the tray menu, rebuilt on status
 *   changes only) says them as a clock ("at 14:05", "synced 14:02"): `{ clock: true }`.
 */
import { formatError, type ErrorInfo } from './errors.ts';
import {
  STATE_LABEL,
  type DeletionHold,
  type ProfileStatus,
  type SafetyNetPlace,
  type RetryInfo,
  type SyncState,
  type TargetStatus,
  type TransferProgress,
} from './status.ts';

export { STATE_LABEL };
/**
 * A file name or path as people read it (names.ts): bytes that are not UTF-8 as `\xE9`, control
 * characters escaped so a name cannot forge a line. Every name shown (a held deletion's sample,
 * a log line) goes through it.
 */
export { displayName } from './names.ts';

// ---------------------------------------------------------------------------------------------
// Numbers

const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A count as people read it: 1,642. */
export function formatCount(n: number): string {
  return COUNT.format(n);
}

/** "1 change", "1,642 changes". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** "42 %" (rounded to a whole percent). */
export function formatPercent(percent: number): string {
  return `${formatCount(Math.round(percent))} %`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** Sizes in binary units: "0 B", "1,023 B", "1.5 KiB", "123 MiB". */
export function formatBytes(n: number): string {
  let i = 0;
  let v = n;
  // 1023.6 KiB would round to "1024 KiB": call it 1.0 MiB instead.
  while (i < BYTE_UNITS.length - 1 && v >= (i === 0 ? 1024 : 1023.5)) {
    v /= 1024;
    i++;
  }
  if (i === 0) return `${formatCount(v)} B`;
  return `${v < 9.95 ? v.toFixed(1) : formatCount(Math.round(v))} ${BYTE_UNITS[i]}`;
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

// ---------------------------------------------------------------------------------------------
// Times

/** How long something took: "120 ms", "2.5 s", "2 min 5 s", "1 h 5 min". */
export function formatDuration(ms: number): string {
  if (ms < 999.5) return `${Math.round(Math.max(0, ms))} ms`;
  if (ms < 59_950) return `${(ms / 1_000).toFixed(1)} s`;
  const s = Math.round(ms / 1_000);
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ${s % 60} s`;
  return `${formatCount(Math.floor(min / 60))} h ${min % 60} min`;
}

/** A wait in whole seconds, for a countdown: "now", "in 12 s", "in 4 min 30 s". */
export function formatWait(ms: number): string {
  const s = Math.round(ms / 1_000);
  if (s <= 0) return 'now';
  return s < 60 ? `in ${s} s` : `in ${formatDuration(s * 1_000)}`;
}

/** What a transfer expects: "", "1 s left", "about 2 min left", "about 2.0 h left". */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  if (seconds < 59.5) return `${Math.max(1, Math.round(seconds))} s left`;
  if (seconds < 3_570) return `about ${Math.round(seconds / 60)} min left`;
  return `about ${(seconds / 3_600).toFixed(1)} h left`;
}

const pad = (n: number): string => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A moment as a clock, in local time: "14:02" today, "3 Mar 14:02" on another day of this year,
 * "31 Dec 2024 23:59" in another year; `seconds` adds them ("14:02:09").
 */
export function formatClock(at: number, now: number, opts: { seconds?: boolean } = {}): string {
  const d = new Date(at);
  const today = new Date(now);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}${opts.seconds ? `:${pad(d.getSeconds())}` : ''}`;
  const sameDay =
    d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  if (sameDay) return time;
  const year = d.getFullYear() === today.getFullYear() ? '' : ` ${d.getFullYear()}`;
  return `${d.getDate()} ${MONTHS[d.getMonth()]}${year} ${time}`;
}

/** "paused until 15:30", "paused until tomorrow 08:00"; "paused" for a pause until resumed (null) or unknown. */
export function pausedPhrase(until: number | null | undefined, now: number): string {
  if (until === undefined || until === null) return 'paused';
  const next = new Date(now);
  next.setDate(next.getDate() + 1);
  const tomorrow = new Date(until).toDateString() === next.toDateString();
  return `paused until ${tomorrow ? `tomorrow ${formatClock(until, until)}` : formatClock(until, now)}`;
}

/** How long ago: "never", "just now", "42 s ago", "5 min ago", "3 h ago"; a day or more: the clock. */
export function formatAgo(at: number | null, now: number): string {
  if (at === null) return 'never';
  const s = Math.max(0, Math.round((now - at) / 1_000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3_600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3_600)} h ago`;
  return formatClock(at, now);
}

// ---------------------------------------------------------------------------------------------
// Text

/** On one line, cut to `max` characters with an ellipsis. */
export function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

/** The first sentence of the first line, without its full stop. */
export function firstSentence(text: string): string {
  const line = text.split('\n')[0] ?? '';
  const m = /^(.*?[.!?])(\s|$)/.exec(line);
  return (m?.[1] ?? line).replace(/\.$/, '');
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// ---------------------------------------------------------------------------------------------
// States

/** The word for a state, as the tray menu and the CLI say it ("current", "needs confirmation"). */
export function stateWord(state: SyncState): string {
  return STATE_LABEL[state];
}

/** The same word with a capital, as a badge or heading shows it ("Current"). */
export function stateTitle(state: SyncState): string {
  return capitalize(STATE_LABEL[state]);
}

type Status = ProfileStatus | TargetStatus;
const targetsOf = (s: Status): readonly TargetStatus[] => ('targets' in s ? s.targets : [s]);

/**
 * The retry due next: of a target that is retrying, or failing (errors a person must fix are still
 * retried, slowly); of a profile, its soonest such target's.
 */
export function upcomingRetry(s: Status): RetryInfo | null {
  let next: RetryInfo | null = null;
  for (const t of targetsOf(s))
    if (t.retry && (t.state === 'retrying' || t.state === 'error') && (!next || t.retry.nextAt < next.nextAt))
      next = t.retry;
  return next;
}

/** The number of the attempt a retry will be: after N failed attempts, attempt N+1. */
export function retryAttemptNumber(retry: RetryInfo): number {
  return retry.attempt + 1;
}

/** "attempt 3 in 12 s" / "attempt 3 now"; with `clock`, "attempt 3 at 14:05". */
export function retryPhrase(retry: RetryInfo, now: number, opts: { clock?: boolean } = {}): string {
  const when = opts.clock
    ? retry.nextAt <= now
      ? 'now'
      : `at ${formatClock(retry.nextAt, now)}`
    : formatWait(retry.nextAt - now);
  return `attempt ${formatCount(retryAttemptNumber(retry))} ${when}`;
}

/** "synced 2 min ago" / "never synced"; with `clock`, "synced 14:02". */
export function lastSyncedPhrase(at: number | null, now: number, opts: { clock?: boolean } = {}): string {
  if (at === null) return 'never synced';
  return `synced ${opts.clock ? formatClock(at, now) : formatAgo(at, now)}`;
}

/** Since when a status's daemon (the earliest of its targets') has not answered; null while all answer. */
export function unreachableSince(s: Status): number | null {
  const all = targetsOf(s)
    .map((t) => t.unreachableSince)
    .filter((at): at is number => typeof at === 'number');
  return all.length ? Math.min(...all) : null;
}

/** Deletions a status holds back, over its targets. */
export function heldDeletions(s: Status): number {
  return targetsOf(s).reduce((n, t) => n + (t.hold?.deletions ?? 0), 0);
}

/** What a run deleted and moved on the backup: "101 deleted, 2 moved"; "" when neither. */
export function deletedPhrase(run: { deleted: number; moved: number }): string {
  const parts = [];
  if (run.deleted > 0) parts.push(`${formatCount(run.deleted)} deleted`);
  if (run.moved > 0) parts.push(`${formatCount(run.moved)} moved`);
  return parts.join(', ');
}

/**
 * What a run sent, by rsync's itemized count (files, folders and links: "items"); a record from a
 * host without that count, by its regular files.
 */
export function sentPhrase(run: { sent?: number; files: number }): string {
  return run.sent === undefined ? `${plural(run.files, 'file')} sent` : `${plural(run.sent, 'item')} sent`;
}

/** Everything a run did, in one line: "5,000 items sent, 3 deleted, 1 moved"; "nothing changed". */
export function runEffectPhrase(run: {
  sent?: number;
  files: number;
  deleted: number;
  moved: number;
  outcome?: string;
}): string {
  const sent = (run.sent ?? run.files) > 0 ? sentPhrase(run) : '';
  // A run that failed changed nothing *because* it failed: "nothing changed" would read as current.
  const failed = run.outcome === 'retry' || run.outcome === 'fatal' || run.outcome === 'canceled';
  return [sent, deletedPhrase(run)].filter(Boolean).join(', ') || (failed ? 'nothing sent' : 'nothing changed');
}

/** What started a run and what it did: "1 change → 5,000 items sent, 3 deleted"; "Full sync → …". */
export function runPhrase(run: {
  kind: 'full' | 'batch';
  paths: number;
  sent?: number;
  files: number;
  deleted: number;
  moved: number;
  outcome?: string;
}): string {
  const cause = run.kind === 'full' ? 'Full sync' : plural(run.paths, 'change');
  return `${cause} → ${runEffectPhrase(run)}`;
}

/** Where a deletion on a target goes: every message about deletions says it. */
export function whereDeletionsGo(place: SafetyNetPlace | null): string {
  return place
    ? `moved to ${place.folder} on the backup and kept ${plural(place.days, 'day')} (restore from there)`
    : 'destroyed for good (the safety net is off: keepDeletedDays is 0)';
}

/** What a held folder would lose: "1,210 files, 3 folders, 3.4 GiB" (no size while sizes are unknown). */
export function heldTotalsPhrase(t: { files: number; folders?: number; bytes: number | null }): string {
  const parts = [plural(t.files, 'file')];
  if (t.folders) parts.push(plural(t.folders, 'folder'));
  if (t.bytes !== null) parts.push(formatBytes(t.bytes));
  return parts.join(', ');
}

/**
 * What Resume does after "Keep the files" (TargetSync.refuseDeletions owes a full sync and keeps
 * the deletion budget as it was): it counts again, and asks again while the deletions are too many.
 */
export function resumeAfterKeepingPhrase(windowMinutes: number): string {
  return (
    'Resume runs a full sync that counts again: if the source still lacks these files, they are held ' +
    'and you are asked again — unless they are now within the profile’s deletion limit (say, once ' +
    `earlier deletions have left the ${windowMinutes}-minute window); then they are deleted like any other change.`
  );
}

/** What went before a hold, and where: "40 entries were already deleted in the last 10 minutes: …."; "" when nothing did. */
export function alreadyDeletedPhrase(hold: DeletionHold): string {
  if (hold.alreadyDeleted === 0) return '';
  const n = hold.alreadyDeleted;
  return (
    `${formatCount(n)} ${n === 1 ? 'entry was' : 'entries were'} already deleted in the last ` +
    `${hold.windowMinutes} minutes: ${whereDeletionsGo(hold.safetyNet)}.`
  );
}

/**
 * A held deletion in full, for a prompt, a notification or the CLI: what is held, what went
 * before it and where, and what each answer does.
 */
export function holdPhrase(hold: DeletionHold): string {
  const before = alreadyDeletedPhrase(hold) ? ` ${alreadyDeletedPhrase(hold)}` : '';
  return (
    `Held: ${hold.reason}.${before} Confirming deletes the ${plural(hold.deletions, 'held entry', 'held entries')}: ` +
    `${whereDeletionsGo(hold.safetyNet)}. Refusing keeps them on the backup and pauses syncing.`
  );
}

/** The transfer under way, if any (a profile's: its first target's that reports one). */
export function currentTransfer(s: Status): TransferProgress | null {
  return targetsOf(s).find((t) => t.progress)?.progress ?? null;
}

/** "Sending changes · 42 % · 3.0 MiB · 1.0 MiB/s · about 2 min left"; "Full sync · 5.0 MiB sent · 2.0 MiB/s". */
export function transferPhrase(p: TransferProgress): string {
  const parts = [p.kind === 'full' ? 'Full sync' : 'Sending changes'];
  if (p.percent !== null) parts.push(formatPercent(p.percent));
  parts.push(p.kind === 'full' ? `${formatBytes(p.bytes)} sent` : formatBytes(p.bytes));
  if (p.bytesPerSecond > 0) parts.push(formatRate(p.bytesPerSecond));
  const eta = formatEta(p.etaSeconds);
  if (eta) parts.push(eta);
  return parts.join(' · ');
}

export interface StatusLineStyle {
  /** Times as a clock (text that is not redrawn as time passes: the tray menu). */
  clock?: boolean;
  /**
   * The last error of a retrying or failing status: "message — hint" (full), its first sentence cut
   * to 48 characters (short), or left out (none, the default).
   */
  error?: 'full' | 'short' | 'none';
  /** More words about the state, after its own (the CLI's instructions for held deletions): " — detail". */
  detail?: string;
  /** Add " — 3 changes pending" when the words so far do not already count them. */
  pending?: boolean;
  /** Add " · synced 14:02" / " · never synced" (not for a disabled status). */
  synced?: boolean;
}

function errorText(error: ErrorInfo, style: StatusLineStyle['error']): string {
  return style === 'full' ? formatError(error) : shorten(firstSentence(error.message), 48);
}

/**
 * A target's or a profile's status in one line: the state's word and what it is doing.
 * "syncing 42 %", "syncing 12 changes", "retrying (attempt 3 in 12 s): The backup server refused
 * the connection", "needs confirmation: 1,234 deletions held", "current · synced 14:02".
 */
export function statusLine(s: Status, now: number, style: StatusLineStyle = {}): string {
  const percent = currentTransfer(s)?.percent ?? null;
  let head: string;
  let pendingSaid = false;
  if ((s.state === 'syncing' || s.state === 'scanning') && percent !== null)
    head = `${stateWord(s.state)} ${formatPercent(percent)}`;
  else if (s.state === 'syncing' && s.pending > 0) {
    head = `syncing ${plural(s.pending, 'change')}`;
    pendingSaid = true;
  } else if (s.state === 'paused' && 'pauseReason' in s && s.pauseReason) head = `paused: ${s.pauseReason}`;
  else if (s.state === 'paused' && 'pausedUntil' in s) head = pausedPhrase(s.pausedUntil, now);
  else head = stateWord(s.state);
  const retry = s.state === 'retrying' || s.state === 'error' ? upcomingRetry(s) : null;
  const since = s.state === 'retrying' || s.state === 'error' ? unreachableSince(s) : null;
  const outage = since === null ? '' : `; unreachable since ${formatClock(since, now)}`;
  if (retry) head += ` (${retryPhrase(retry, now, { clock: style.clock })}${outage})`;
  const held = heldDeletions(s);
  if (s.state === 'needs-confirmation' && held > 0) head += `: ${plural(held, 'deletion')} held`;
  if ((s.state === 'retrying' || s.state === 'error') && s.lastError && style.error && style.error !== 'none')
    head += `: ${errorText(s.lastError, style.error)}`;
  if (style.detail) head += ` — ${style.detail}`;
  // Paused with changes waiting is not current: said wherever the line is shown (status, tray).
  if ((style.pending || s.state === 'paused') && !pendingSaid && s.pending > 0)
    head += ` — ${plural(s.pending, 'change')} pending`;
  if (style.synced && s.state !== 'stopped')
    head += ` · ${lastSyncedPhrase(s.lastSuccessAt, now, { clock: style.clock })}`;
  return head;
}
