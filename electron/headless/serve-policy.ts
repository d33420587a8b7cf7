/** What a window served by `rsync-tray serve` may not ask for, though its login is good. */
import type { ApiHandlers } from '../shared/contract.ts';
import type { ErrorInfo } from '../shared/errors.ts';

/**
 * What the served window may not do: choose a program to run. Whoever holds its address (a
 * leaked token) could otherwise make the service run a program of theirs, as its user — root,
 * as services often run. So the rsync program is changed only on this machine's own side: the
 * config file (settings.rsyncPath), or the tray app's window over IPC. Everything else the
 * window does runs nothing but the configured rsync.
 */
export async function localOnly(handlers: ApiHandlers, method: unknown, input: unknown): Promise<ErrorInfo | null> {
  if (method === 'restore.run' || method === 'restore.preview') return restoreElsewhere(input);
  if (method !== 'settings.set') return null;
  const wanted = (input as { settings?: { rsyncPath?: unknown } } | null)?.settings?.rsyncPath;
  if (wanted === undefined) return null;
  const current = await handlers['settings.get']({});
  if (wanted === current.rsyncPath) return null; // the form sends the field unchanged: fine
  return {
    code: 'LOCAL_ONLY',
    message:
      'The rsync program cannot be changed from a window served by `rsync-tray serve`: whoever holds its address ' +
      'could make this machine run a program of theirs.',
    hint: 'Change settings.rsyncPath in the config file on this machine and restart `rsync-tray serve`, or use the tray app.',
  };
}

/**
 * Nor may it choose where restored files are written: a restore "into another folder" writes the
 * backup's bytes wherever it is told, as the service's user — ~/.ssh/authorized_keys is a way to
 * run a program too. From a served window a restore goes back to its place in the profile's own
 * source folder; another folder is chosen on this machine (`rsync-tray restore --to`, the tray app).
 */
function restoreElsewhere(input: unknown): ErrorInfo | null {
  if ((input as { to?: unknown } | null)?.to === undefined) return null;
  return {
    code: 'LOCAL_ONLY',
    message:
      "A window served by `rsync-tray serve` restores files only back to their place in the profile's folder: " +
      'whoever holds its address could otherwise have files written anywhere on this machine.',
    hint: 'To restore into another folder, run `rsync-tray restore --profile P --to DIR PATH` on this machine, or use the tray app.',
  };
}
