/**
 * "Sync now" explains itself: why it cannot run right now (as its title and description), and
 * what the full sync it started did, when that finished quickly. Pure; SyncNowButton.vue shows it.
 */
import { capitalize, pausedPhrase, runEffectPhrase } from '@shared/presenter.ts';
import type { ProfileStatus, RunRecord } from '@shared/status.ts';

export const SYNC_NOW_POLICY = {
  /** A result that comes within this of the click is shown beside the button. */
  resultWithinMs: 60_000,
  /** And stays this long. */
  shownForMs: 20_000,
} as const;

/** Why Sync now cannot run, in the order a person would fix it; null when it can. */
export function syncNowBlocker(s: ProfileStatus, o: { connected: boolean; now: number }): string | null {
  if (!o.connected) return 'Not connected to Rsync Tray: wait until the window has reconnected.';
  if (s.state === 'stopped') return 'This profile is disabled: tick Enabled in Edit to sync it.';
  if (s.lastError?.code === 'RSYNC_MISSING' || s.lastError?.code === 'RSYNC_TOO_OLD')
    return 'The rsync program cannot run: fix it in Settings first.';
  if (s.state === 'paused') {
    const phrase = pausedPhrase(s.pausedUntil, o.now);
    return `${capitalize(phrase === 'paused' ? 'paused until you resume' : phrase)}: resume it to sync now.`;
  }
  if (s.state === 'scanning') return 'A full sync is running already.';
  return null;
}

export interface SyncResult {
  kind: 'ok' | 'error';
  text: string;
}

/**
 * What the full syncs after a click did, once each target has one: "Synced: nothing to send",
 * "Synced: 3 items sent", or the first error. Null while some target has not answered yet.
 */
export function syncResult(runs: readonly RunRecord[], targets: number): SyncResult | null {
  const done = runs.filter((r) => r.kind === 'full' && r.outcome !== 'canceled');
  const failed = done.find((r) => r.outcome === 'retry' || r.outcome === 'fatal');
  if (failed) return { kind: 'error', text: `Sync failed: ${failed.error?.message ?? 'rsync failed.'}` };
  if (new Set(done.map((r) => r.target)).size < Math.max(1, targets)) return null;
  const sum = (f: (r: RunRecord) => number) => done.reduce((n, r) => n + f(r), 0);
  const total = {
    sent: sum((r) => r.sent ?? r.files),
    files: sum((r) => r.files),
    deleted: sum((r) => r.deleted),
    moved: sum((r) => r.moved),
  };
  const held = done.some((r) => r.outcome === 'held') ? '; deletions wait for your confirmation' : '';
  const effect = runEffectPhrase(total);
  return { kind: 'ok', text: `Synced: ${effect === 'nothing changed' ? 'nothing to send' : effect}${held}` };
}
