/** Readable one-line forms of engine events and status, for the CLI. Pure functions. */
import { formatBytes } from '../shared/format.ts';
import { STATE_LABEL, type EngineEvent, type ProfileStatus, type SyncState, type TargetStatus } from '../shared/status.ts';
import { formatError } from '../shared/errors.ts';

export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1_000)} s`;
}

const time = (at: number): string => new Date(at).toTimeString().slice(0, 8);


/** One line per event worth a line; status events only when a target's state changes. */
export function eventLogger(): (event: EngineEvent) => string | null {
  const lastState = new Map<string, SyncState>();
  return (event) => {
    switch (event.type) {
      case 'log':
        return `${time(event.at)} ${event.level.toUpperCase()}${event.profile ? ` [${event.profile}]` : ''} ${event.message}`;
      case 'run': {
        const r = event.run;
        const what = r.kind === 'full' ? 'full sync' : `batch of ${r.paths} path${r.paths === 1 ? '' : 's'}`;
        const moved = `${r.files} file${r.files === 1 ? '' : 's'}, ${formatBytes(r.bytes)}`;
        const lag = r.latencyMs !== null ? `, on the backup ${formatDuration(r.latencyMs)} after the change` : '';
        const outcome = r.outcome === 'ok' ? 'ok' : r.outcome === 'vanished' ? 'files changed during the copy, queued again' : r.error ? formatError(r.error) : r.outcome;
        return `${time(event.at)} [${r.profile}] ${what} → ${r.target}: ${outcome} (${moved} in ${formatDuration(r.durationMs)}${lag})`;
      }
      case 'status': {
        const lines: string[] = [];
        for (const t of event.status.targets) {
          const key = `${event.status.name}\u0000${t.key}`;
          if (lastState.get(key) === t.state) continue;
          lastState.set(key, t.state);
          if (t.state === 'stopped') continue; // the engine stopping says nothing about the backup
          lines.push(`${time(event.at)} [${event.status.name}] ${t.key}: ${describeTarget(t, event.status.name)}`);
        }
        if (event.status.targets.length === 0 && event.status.lastError) lines.push(`${time(event.at)} [${event.status.name}] ${formatError(event.status.lastError)}`);
        return lines.length ? lines.join('\n') : null;
      }
    }
  };
}

export function describeTarget(t: TargetStatus, profile = 'NAME'): string {
  let text = STATE_LABEL[t.state];
  if (t.state === 'needs-confirmation' && t.hold) text += `: ${t.hold.reason}. Nothing was deleted; confirm with \`rsync-tray confirm-deletions --profile ${JSON.stringify(profile)}\` or refuse with \`rsync-tray refuse-deletions --profile ${JSON.stringify(profile)}\``;
  if (t.state === 'retrying' && t.retry) text += ` in ${formatDuration(Math.max(0, t.retry.nextAt - Date.now()))} (attempt ${t.retry.attempt})`;
  if (t.lastError && (t.state === 'retrying' || t.state === 'error')) text += `: ${formatError(t.lastError)}`;
  if (t.pending) text += ` — ${t.pending} change${t.pending === 1 ? '' : 's'} pending`;
  return text;
}

export function formatStatusTable(statuses: readonly ProfileStatus[], now = Date.now()): string {
  if (statuses.length === 0) return 'No profiles.';
  const lines: string[] = [];
  for (const s of statuses) {
    const last = s.lastSuccessAt ? `last complete sync ${formatDuration(now - s.lastSuccessAt)} ago` : 'not synced yet';
    lines.push(`${s.name}: ${STATE_LABEL[s.state]} (${last})${s.watch.note ? ` — ${s.watch.note}` : ''}`);
    for (const t of s.targets) lines.push(`  ${t.key}: ${describeTarget(t, s.name)}`);
    if (s.targets.length === 0 && s.lastError) lines.push(`  ${formatError(s.lastError)}`);
  }
  return lines.join('\n');
}
