/**
 * The pauses a person can choose — in the window's pause menu and the tray menu alike — and what
 * "until tomorrow" means. Policy as data, pure: the renderer imports this file too. The API takes
 * a pause as `minutes` (sync.pause), so each choice says how many, counted from the moment it is
 * chosen (the tray resolves it at the click, not when the menu was built).
 */
import { formatClock } from './presenter.ts';

export const PAUSE_POLICY = {
  /** "Until tomorrow" ends at this hour, local time. */
  morningHour: 8,
  /**
   * Before this hour, "tomorrow" is the morning after the night one is in (this morning's 08:00):
   * someone pausing at 01:30 means the coming morning, not the one a day later.
   */
  nightEndsHour: 4,
} as const;

export type PauseChoiceId = '15m' | '1h' | 'tomorrow' | 'resumed';

export interface PauseChoice {
  id: PauseChoiceId;
  /** Fixed minutes; 'tomorrow' is counted from the clock; null: until resumed. */
  minutes: number | 'tomorrow' | null;
}

export const PAUSE_CHOICES: readonly PauseChoice[] = [
  { id: '15m', minutes: 15 },
  { id: '1h', minutes: 60 },
  { id: 'tomorrow', minutes: 'tomorrow' },
  { id: 'resumed', minutes: null },
];

/** When "until tomorrow" ends, chosen at `now`: 08:00 local of the next day (this day's, before 04:00). */
export function tomorrowMorning(now: number): number {
  const d = new Date(now);
  if (d.getHours() >= PAUSE_POLICY.nightEndsHour) d.setDate(d.getDate() + 1);
  d.setHours(PAUSE_POLICY.morningHour, 0, 0, 0);
  return d.getTime();
}

/** The minutes to send to sync.pause for a choice made at `now`; undefined for "until resumed". */
export function pauseMinutes(id: PauseChoiceId, now: number): number | undefined {
  const choice = PAUSE_CHOICES.find((c) => c.id === id);
  if (!choice || choice.minutes === null) return undefined;
  if (choice.minutes === 'tomorrow') return (tomorrowMorning(now) - now) / 60_000;
  return choice.minutes;
}

/** The choice's words: "For 15 minutes", "For 1 hour", "Until tomorrow 08:00", "Until resumed". */
export function pauseChoiceLabel(id: PauseChoiceId, now: number): string {
  switch (id) {
    case '15m':
      return 'For 15 minutes';
    case '1h':
      return 'For 1 hour';
    case 'tomorrow': {
      const at = tomorrowMorning(now);
      const sameDay = new Date(at).toDateString() === new Date(now).toDateString();
      return `Until ${sameDay ? 'this morning' : 'tomorrow'} ${formatClock(at, at)}`;
    }
    case 'resumed':
      return 'Until resumed';
  }
}
