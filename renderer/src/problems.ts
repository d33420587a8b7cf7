/**
 * Problems first: which profiles are in trouble, and the order the dashboard lists them in. Pure,
 * so the order is tested as a table; the tray sorts its menu by the same severity (STATE_SEVERITY).
 */
import { STATE_SEVERITY, type ProfileStatus, type SyncState } from '@shared/status.ts';

/** States a person should look at: an error, a held deletion, a target failing and retrying. */
export const TROUBLE_STATES: readonly SyncState[] = ['error', 'needs-confirmation', 'retrying'];

export const inTrouble = (s: Pick<ProfileStatus, 'state'>): boolean => TROUBLE_STATES.includes(s.state);

/** Trouble first, worst first (error, needs confirmation, retrying); then every other profile by name. */
export function troubleFirst<T extends Pick<ProfileStatus, 'state' | 'name'>>(statuses: readonly T[]): T[] {
  const rank = (s: T): number => (inTrouble(s) ? STATE_SEVERITY[s.state] : -1);
  return [...statuses].sort((a, b) => rank(b) - rank(a) || a.name.localeCompare(b.name));
}

/** The profile the sidebar's badge leads to: the worst one in trouble, or none. */
export function firstInTrouble<T extends Pick<ProfileStatus, 'state' | 'name'>>(statuses: readonly T[]): T | null {
  const [first] = troubleFirst(statuses);
  return first && inTrouble(first) ? first : null;
}
