/**
 * `rsync-tray status` as text: the status table (log-format.ts) with, under each target, the
 * facts the window's target panel shows — the transfer under way, the server's health, the last
 * sync and what the last run could not send — in the same words (shared/transfer-presenter.ts).
 */
import type { ProfileStatus, TargetStatus } from '../../shared/status.ts';
import { failedPhrase, healthLine, lastSyncedValue, transferFacts } from '../../shared/transfer-presenter.ts';
import { formatStatusTable } from '../log-format.ts';

/** The lines under one target's status line, indented below it. */
export function targetDetails(t: TargetStatus, now: number): string[] {
  const lines: string[] = [];
  if (t.progress) lines.push(`transfer: ${transferFacts(t.progress).join(' · ')}`);
  lines.push(`server: ${healthLine(t, now)}`);
  lines.push(`last synced: ${lastSyncedValue(t.lastSuccessAt, now)}`);
  if (t.failed) lines.push(`failed: ${failedPhrase(t.failed, 10)}`);
  return lines.map((l) => `    ${l}`);
}

export function statusText(statuses: readonly ProfileStatus[], now = Date.now()): string {
  if (statuses.length === 0) return formatStatusTable(statuses, now);
  const out: string[] = [];
  for (const s of statuses) {
    const table = formatStatusTable([s], now).split('\n');
    // The table has a line per target after the profile's: the details go under each.
    if (table.length === 1 + s.targets.length) {
      out.push(table[0]!);
      s.targets.forEach((t, i) => out.push(table[i + 1]!, ...targetDetails(t, now)));
    } else out.push(...table, ...s.targets.flatMap((t) => [`  ${t.key}:`, ...targetDetails(t, now)]));
  }
  return out.join('\n');
}
