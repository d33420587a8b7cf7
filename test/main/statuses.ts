/** Builders of ProfileStatus values for the tray and notification tests. */
import { aHold } from '../support/holds.ts';
import type { ErrorInfo, ProfileStatus, SyncState, TargetStatus } from '../../electron/shared/status.ts';

export const REFUSED: ErrorInfo = {
  code: 'CONNECTION_REFUSED',
  message: 'The backup server backup.example.com refused the connection on port 873. Is rsyncd running?',
  hint: 'Start the rsync daemon on the server, or check the port.',
};
export const AUTH: ErrorInfo = {
  code: 'AUTH_FAILED',
  message: 'The daemon refused the password for module "data".',
  hint: 'Check the password stored for this target.',
};

export function status(name: string, state: SyncState, extra: Partial<ProfileStatus> = {}): ProfileStatus {
  const lastError =
    extra.lastError !== undefined ? extra.lastError : state === 'retrying' ? REFUSED : state === 'error' ? AUTH : null;
  // Cast, not annotated: the status shape grows (hold, …) and these builders only set what the tests read.
  const target = {
    key: `backup@host:873/${name}`,
    state,
    pending: extra.pending ?? 0,
    lastSuccessAt: extra.lastSuccessAt ?? null,
    lastFullSyncAt: null,
    lastError,
    retry: null,
    hold: null,
    progress: null,
    totals: { runs: 0, files: 0, bytes: 0, failures: 0 },
  } as TargetStatus;
  return {
    name,
    state,
    pending: 0,
    lastSuccessAt: null,
    watch: { mode: state === 'stopped' ? 'stopped' : 'watching', note: null },
    targets: [target],
    ...extra,
    lastError,
  };
}

/** A profile whose first target holds back a mass deletion. */
export function held(name: string, deletions: number, backupEntries = 1000): ProfileStatus {
  const s = status(name, 'needs-confirmation');
  const reason =
    `mirroring would delete ${deletions} of ${backupEntries} entries on the backup ` +
    `(${Math.round((100 * deletions) / backupEntries)} %, more than the 20 % allowed)`;
  s.targets[0] = { ...s.targets[0]!, hold: aHold({ deletions, backupEntries, reason }) } as TargetStatus;
  return s;
}
