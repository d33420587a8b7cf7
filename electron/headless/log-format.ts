/**
 * Readable one-line forms of engine events and status, for the CLI. Pure functions; the words,
 * numbers and times are the presenter's (electron/shared/presenter.ts), as in the tray and window.
 */
import { formatError } from '../shared/errors.ts';
import {
  formatBytes,
  formatDuration,
  holdPhrase,
  lastSyncedPhrase,
  plural,
  runEffectPhrase,
  statusLine,
  stateWord,
} from '../shared/presenter.ts';
import type { EngineEvent, ProfileStatus, SyncState, TargetStatus } from '../shared/status.ts';

const time = (at: number): string => new Date(at).toTimeString().slice(0, 8);

/** One line per event worth a line; status events only when a target's state changes. */
export function eventLogger(): (event: EngineEvent) => string | null {
  const lastState = new Map<string, SyncState>();
  return (event) => {
    switch (event.type) {
      case 'log':
        return (
          `${time(event.at)} ` +
          `${event.level.toUpperCase()}${event.profile ? ` [${event.profile}]` : ''} ${event.message}`
        );
      case 'run': {
        const r = event.run;
        // The window's words (runPhrase): "3 changes → … 2 items sent", not "files", which a
        // folder sent with them would make wrong.
        const what = r.kind === 'full' ? 'full sync' : plural(r.paths, 'change');
        const moved = `${runEffectPhrase(r)}, ${formatBytes(r.bytes)}`;
        const lag = r.latencyMs !== null ? `, on the backup ${formatDuration(r.latencyMs)} after the change` : '';
        const outcome =
          r.outcome === 'ok'
            ? 'ok'
            : r.outcome === 'vanished'
              ? 'files changed during the copy, queued again'
              : r.error
                ? formatError(r.error)
                : r.outcome;
        return (
          `${time(event.at)} [${r.profile}] ${what} → ${r.target}: ` +
          `${outcome} (${moved} in ${formatDuration(r.durationMs)}${lag})`
        );
      }
      // A restore's progress is for windows; its outcome is the restore command's own output.
      case 'restore':
        return null;
      case 'status': {
        const lines: string[] = [];
        for (const t of event.status.targets) {
          const key = `${event.status.name}\u0000${t.key}`;
          if (lastState.get(key) === t.state) continue;
          lastState.set(key, t.state);
          if (t.state === 'stopped') continue; // the engine stopping says nothing about the backup
          lines.push(
            `${time(event.at)} [${event.status.name}] ${t.key}: ${describeTarget(t, event.status.name, event.at)}`,
          );
        }
        if (event.status.targets.length === 0 && event.status.lastError)
          lines.push(`${time(event.at)} [${event.status.name}] ${formatError(event.status.lastError)}`);
        return lines.length ? lines.join('\n') : null;
      }
    }
  };
}

/**
 * A target's status line: the presenter's, with the whole error ("message — hint") and, for held
 * deletions, the commands that answer them. Retries are timed from `now` (a log line: the event's time).
 */
export function describeTarget(t: TargetStatus, profile = 'NAME', now = Date.now()): string {
  const name = JSON.stringify(profile);
  const detail =
    t.state === 'needs-confirmation' && t.hold
      ? `${holdPhrase(t.hold)} See the names with \`rsync-tray held --profile ${name}\`; confirm with ` +
        `\`rsync-tray confirm-deletions --profile ${name}\` or refuse with \`rsync-tray refuse-deletions --profile ${name}\``
      : undefined;
  return statusLine(t, now, { error: 'full', detail, pending: true });
}

export function formatStatusTable(statuses: readonly ProfileStatus[], now = Date.now()): string {
  if (statuses.length === 0) return 'No profiles.';
  const lines: string[] = [];
  for (const s of statuses) {
    lines.push(
      `${s.name}: ${stateWord(s.state)} ` +
        `(${lastSyncedPhrase(s.lastSuccessAt, now)})${s.watch.note ? ` — ${s.watch.note}` : ''}`,
    );
    for (const t of s.targets) lines.push(`  ${t.key}: ${describeTarget(t, s.name, now)}`);
    if (s.targets.length === 0 && s.lastError) lines.push(`  ${formatError(s.lastError)}`);
  }
  return lines.join('\n');
}
