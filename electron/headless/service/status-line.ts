/**
 * The STATUS= line `systemctl status` shows for the service: the profiles counted by state, in
 * the words the tray and the CLI use (STATE_LABEL), and the last successful sync, e.g.
 * "2 profiles current, 1 syncing, last sync 12:03".
 */
import { formatClock, formatCount } from '../../shared/presenter.ts';
import { STATE_LABEL, STATE_SEVERITY, type ProfileStatus, type SyncState } from '../../shared/status.ts';

export function serviceStatusLine(profiles: readonly ProfileStatus[], now: number): string {
  if (profiles.length === 0) return 'no profiles (add one to the config file, then restart)';
  const counts = new Map<SyncState, number>();
  for (const p of profiles) counts.set(p.state, (counts.get(p.state) ?? 0) + 1);
  // The worst first: what needs a person is what the one line should start with.
  const states = [...counts.keys()].sort((a, b) => STATE_SEVERITY[b] - STATE_SEVERITY[a]);
  const parts = states.map((s, i) => {
    const n = counts.get(s) ?? 0;
    const noun = i === 0 ? ` profile${n === 1 ? '' : 's'}` : '';
    return `${formatCount(n)}${noun} ${STATE_LABEL[s]}`;
  });
  const last = Math.max(...profiles.map((p) => p.lastSuccessAt ?? 0));
  parts.push(last > 0 ? `last sync ${formatClock(last, now)}` : 'no sync yet');
  return parts.join(', ');
}
