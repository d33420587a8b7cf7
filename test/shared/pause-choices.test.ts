/**
 * The timed pauses: what "until tomorrow" means on a fixed local clock, the minutes each choice
 * sends, and how a pause reads ("paused until 15:30") in the tray, the CLI and the window.
 */
import { describe, expect, it } from 'vitest';
import {
  PAUSE_CHOICES,
  PAUSE_POLICY,
  pauseChoiceLabel,
  pauseMinutes,
  tomorrowMorning,
} from '../../electron/shared/pause-choices.ts';
import { pausedPhrase, statusLine } from '../../electron/shared/presenter.ts';
import { status } from '../main/statuses.ts';

const at = (day: number, h: number, m = 0): number => new Date(2025, 5, day, h, m).getTime();

describe('until tomorrow', () => {
  it.each([
    ['in the afternoon: the next morning', at(12, 15, 30), at(13, 8)],
    ['late in the evening', at(12, 23, 59), at(13, 8)],
    ['just after the night ends', at(12, PAUSE_POLICY.nightEndsHour), at(13, 8)],
    ['after midnight: this morning', at(13, 1, 30), at(13, 8)],
    ['at 08:00 itself: the next day', at(12, 8), at(13, 8)],
    ['across a month end', new Date(2025, 5, 30, 12).getTime(), new Date(2025, 6, 1, 8).getTime()],
  ])('%s', (_why, now, expected) => {
    expect(tomorrowMorning(now)).toBe(expected);
  });

  it('sends the minutes left until then, counted from when it is chosen', () => {
    expect(pauseMinutes('tomorrow', at(12, 15, 30))).toBe(16.5 * 60);
    expect(pauseMinutes('tomorrow', at(13, 7, 59))).toBe(24 * 60 + 1);
  });
});

describe('choices', () => {
  it('are 15 minutes, 1 hour, tomorrow and until resumed, in that order', () => {
    const now = at(12, 15, 30);
    expect(PAUSE_CHOICES.map((c) => pauseChoiceLabel(c.id, now))).toEqual([
      'For 15 minutes',
      'For 1 hour',
      'Until tomorrow 08:00',
      'Until resumed',
    ]);
    expect(PAUSE_CHOICES.map((c) => pauseMinutes(c.id, now))).toEqual([15, 60, 990, undefined]);
    expect(pauseChoiceLabel('tomorrow', at(13, 1, 30))).toBe('Until this morning 08:00');
  });
});

describe('paused until', () => {
  const now = at(12, 15, 0);
  it.each([
    ['a timed pause today', at(12, 15, 30), 'paused until 15:30'],
    ['until tomorrow morning', at(13, 8), 'paused until tomorrow 08:00'],
    ['further away: the date', at(20, 9), 'paused until 20 Jun 09:00'],
    ['until resumed', null, 'paused'],
    ['not known (an older host)', undefined, 'paused'],
  ])('%s', (_why, until, text) => {
    expect(pausedPhrase(until, now)).toBe(text);
  });

  it('is what the status line says of a paused profile', () => {
    expect(statusLine(status('Docs', 'paused', { pausedUntil: at(12, 15, 30) }), now)).toBe('paused until 15:30');
    expect(statusLine(status('Docs', 'paused', { pausedUntil: null }), now)).toBe('paused');
  });
});
