/**
 * The words and colours of every sync state: the one table the window derives its badges,
 * summaries and overall header from. Pure data (no DOM).
 *
 * Same vocabulary as the tray and the CLI: each label is the presenter's word for the state
 * (electron/shared/presenter.ts stateTitle: STATE_LABEL with a capital), and each dot is the
 * colour of the tray icon's badge for that state
 * (scripts/make-icons.ts); test/ui/components.test.ts holds them together. Text uses a darker or
 * lighter shade of the same hue, so labels stay readable (WCAG AA) on light and dark backgrounds.
 */
import { formatCount, stateTitle } from '@shared/presenter.ts';
import { SYNC_STATES, worstState, type ProfileStatus, type SyncState } from '@shared/status.ts';

export type Tone = 'ok' | 'busy' | 'paused' | 'warn' | 'attention' | 'error' | 'off';

export interface StateLook {
  /** Badge text: the tray's word. */
  label: string;
  /** One sentence: what it means for the backup. */
  meaning: string;
  tone: Tone;
  /** The tray icon's badge colour for this state. */
  dot: string;
  /** Label colour on a light and on a dark background. */
  text: { light: string; dark: string };
}

export const STATE_LOOK: Readonly<Record<SyncState, StateLook>> = {
  idle: {
    label: stateTitle('idle'),
    meaning: 'Every change has reached the backup.',
    tone: 'ok',
    dot: '#2da44e',
    text: { light: '#1a7f37', dark: '#3fb950' },
  },
  scanning: {
    label: stateTitle('scanning'),
    meaning: 'A full sync compares the whole folder with the backup.',
    tone: 'busy',
    dot: '#2f80ed',
    text: { light: '#1b62c4', dark: '#6aa5f5' },
  },
  syncing: {
    label: stateTitle('syncing'),
    meaning: 'Sending recent changes to the backup.',
    tone: 'busy',
    dot: '#2f80ed',
    text: { light: '#1b62c4', dark: '#6aa5f5' },
  },
  paused: {
    label: stateTitle('paused'),
    meaning: 'Changes are collected but not sent until you resume.',
    tone: 'paused',
    dot: '#828282',
    text: { light: '#5f6368', dark: '#a0a4a8' },
  },
  retrying: {
    label: stateTitle('retrying'),
    meaning: 'The last attempt failed; it is tried again automatically.',
    tone: 'warn',
    dot: '#e68c1e',
    text: { light: '#9a5b00', dark: '#f0a94a' },
  },
  'needs-confirmation': {
    label: stateTitle('needs-confirmation'),
    meaning: 'A mass deletion is held back until you confirm or refuse it.',
    tone: 'attention',
    dot: '#9248d6',
    text: { light: '#7a34bd', dark: '#bb8af0' },
  },
  error: {
    label: stateTitle('error'),
    meaning: 'Needs you: syncing fails until the problem below is fixed.',
    tone: 'error',
    dot: '#dc3535',
    text: { light: '#c42b2b', dark: '#f47272' },
  },
  stopped: {
    label: stateTitle('stopped'),
    meaning: 'The profile is switched off; nothing is watched or sent.',
    tone: 'off',
    dot: '#828282',
    text: { light: '#5f6368', dark: '#a0a4a8' },
  },
};

/**
 * What every badge shows while the window has lost its host: the last state it heard of may no
 * longer be true, and a claim the window cannot check is not shown (least of all a green one).
 */
export const UNKNOWN_LOOK: Readonly<StateLook> = {
  label: 'Unknown',
  meaning: 'Not connected to Rsync Tray: the state is not known until the window reconnects.',
  tone: 'off',
  dot: '#828282',
  text: { light: '#5f6368', dark: '#a0a4a8' },
};

export function lookOf(state: SyncState): StateLook {
  return STATE_LOOK[state];
}

/** What the window's header (like the tray icon) shows for all profiles together. */
export function overallLook(statuses: readonly Pick<ProfileStatus, 'state'>[]): {
  state: SyncState;
  label: string;
  look: StateLook;
} {
  if (statuses.length === 0) return { state: 'stopped', label: 'No profiles yet', look: STATE_LOOK.stopped };
  const state = worstState(statuses.map((s) => s.state));
  const look = STATE_LOOK[state];
  if (statuses.length === 1) return { state, label: look.label, look };
  const count = statuses.filter((s) => s.state === state).length;
  const label =
    state === 'idle'
      ? `All ${formatCount(statuses.length)} current`
      : `${look.label} (${formatCount(count)} of ${formatCount(statuses.length)})`;
  return { state, label, look };
}

export { SYNC_STATES };
