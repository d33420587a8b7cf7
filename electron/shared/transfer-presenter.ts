/**
 * How a transfer, a server's health and the last sync read — for the window's target panels and
 * `rsync-tray status` alike, so both say the same facts in the same words. Built on the
 * presenter's numbers and times (presenter.ts: 1,642, 1.5 MiB, "5 min ago"); pure, browser-safe.
 * (A file of its own: presenter.ts is near the size limit, and this imports it, never the reverse.)
 */
import { displayName } from './names.ts';
import { formatAgo, formatBytes, formatClock, formatCount, formatEta, formatRate, plural } from './presenter.ts';
import type { FailedItems, TargetStatus, TransferProgress } from './status.ts';

/**
 * What "last synced" means everywhere (window, tray, CLI): the last time every change seen had
 * been confirmed on the backup — on every target, for a profile. A run that sent part of a
 * burst does not move it; the pending count says how much is still on its way.
 */
export const LAST_SYNCED_MEANING = 'when every change seen was last confirmed on the backup';

/** "5 min ago (14:02)", "just now (14:02)", "never". */
export function lastSyncedValue(at: number | null | undefined, now: number): string {
  if (at === null || at === undefined) return 'never';
  return `${formatAgo(at, now)} (${formatClock(at, now)})`;
}

/** The facts of a transfer, each short: "120 of 4,000 files", "1.2 GiB of 3.4 GiB", "about 2 min left", "4.8 MiB/s". */
export function transferFacts(p: TransferProgress): string[] {
  const facts: string[] = [];
  const done = p.filesDone ?? null;
  const total = p.filesTotal ?? null;
  if (done !== null && total !== null) facts.push(`${formatCount(done)} of ${plural(total, 'file')}`);
  else if (done !== null) facts.push(`${plural(done, 'file')} ${p.kind === 'full' ? 'sent' : 'done'}`);
  const bytesTotal = p.bytesTotal ?? null;
  facts.push(
    bytesTotal !== null
      ? `${formatBytes(Math.min(p.bytes, bytesTotal))} of ${formatBytes(bytesTotal)}`
      : `${formatBytes(p.bytes)} sent`,
  );
  const eta = formatEta(p.etaSeconds);
  if (eta) facts.push(eta);
  facts.push(p.bytesPerSecond > 0 ? formatRate(p.bytesPerSecond) : 'measuring the rate');
  return facts;
}

/** A graph's time span: "1 min", "5 min", "45 s". */
export function formatSpan(ms: number): string {
  const s = Math.round(ms / 1_000);
  return s < 60 ? `${s} s` : `${formatCount(Math.round(s / 60))} min`;
}

/** Whether the target's daemon answers: true, false, or null before it was ever asked. */
export function reachable(t: Pick<TargetStatus, 'unreachableSince' | 'lastContactAt'>): boolean | null {
  if (t.unreachableSince !== null) return false;
  return t.lastContactAt === null || t.lastContactAt === undefined ? null : true;
}

/** "reachable", "unreachable since 14:02 (5 min ago)", "not contacted yet". */
export function reachPhrase(t: Pick<TargetStatus, 'unreachableSince' | 'lastContactAt'>, now: number): string {
  const r = reachable(t);
  if (r === false)
    return `unreachable since ${formatClock(t.unreachableSince!, now)} (${formatAgo(t.unreachableSince!, now)})`;
  return r ? 'reachable' : 'not contacted yet';
}

/** "last contact 12 s ago", "no contact yet". */
export function lastContactPhrase(at: number | null | undefined, now: number): string {
  return at === null || at === undefined ? 'no contact yet' : `last contact ${formatAgo(at, now)}`;
}

/** A target's health in one line: "reachable · last contact 12 s ago". */
export function healthLine(t: Pick<TargetStatus, 'unreachableSince' | 'lastContactAt'>, now: number): string {
  return `${reachPhrase(t, now)} · ${lastContactPhrase(t.lastContactAt, now)}`;
}

/** "2 files could not be sent: secret.txt, private" (names escaped; "and 8 more" past those shown). */
export function failedPhrase(f: FailedItems, shown = 3): string {
  const names = f.names.slice(0, shown).map(displayName);
  const more = f.count - names.length;
  const list = names.join(', ') + (more > 0 ? `${names.length ? ' and ' : ''}${formatCount(more)} more` : '');
  return `${plural(f.count, 'file')} could not be sent${list ? `: ${list}` : ''}`;
}
