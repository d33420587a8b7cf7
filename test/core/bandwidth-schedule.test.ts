import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeLimitNow,
  describeRule,
  limitAt,
  nextLimitChange,
  type ScheduleRule,
} from '../../electron/shared/bandwidth-schedule.ts';
import { ProfileSchema } from '../../electron/shared/profile-schema.ts';
import { issueSentence } from '../../electron/shared/validation-messages.ts';

// Wall-clock rules must follow the local clock across DST: run in a zone that has it.
const savedTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Europe/Berlin';
});
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

const WORKDAYS: ScheduleRule = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00', limit: '5M' };
const NIGHT: ScheduleRule = { days: ['fri'], from: '22:00', to: '06:00', limit: '1M' };
const profile = (schedule: ScheduleRule[], bandwidthLimit = '') => ({ bandwidthLimit, bandwidthSchedule: schedule });
/** Local time: 2026-12-07 is a Monday. */
const at = (day: number, h: number, m = 0) => new Date(2026, 11, day, h, m);

describe('limitAt', () => {
  it('uses a rule inside its hours and the profile limit outside them, the boundary belonging to the next', () => {
    const p = profile([WORKDAYS], '20M');
    expect(limitAt(p, at(7, 7, 59)).label).toBe('20 MiB/s');
    expect(limitAt(p, at(7, 8, 0))).toMatchObject({ label: '5 MiB/s', rsyncArg: '5120K', ruleIndex: 0 });
    expect(limitAt(p, at(11, 17, 59)).label).toBe('5 MiB/s');
    expect(limitAt(p, at(11, 18, 0))).toMatchObject({ label: '20 MiB/s', ruleIndex: null });
    // Saturday and Sunday are not workdays.
    expect(limitAt(p, at(12, 12)).label).toBe('20 MiB/s');
    expect(limitAt(p, at(13, 12)).label).toBe('20 MiB/s');
    expect(limitAt(profile([WORKDAYS]), at(13, 12))).toMatchObject({ label: 'unlimited', rsyncArg: null });
  });

  it('runs an overnight rule into the next day, and Sunday’s into Monday', () => {
    const p = profile([NIGHT]);
    expect(limitAt(p, at(11, 21, 59)).label).toBe('unlimited');
    expect(limitAt(p, at(11, 23, 30)).label).toBe('1 MiB/s');
    expect(limitAt(p, at(12, 5, 59)).label).toBe('1 MiB/s');
    expect(limitAt(p, at(12, 6, 0)).label).toBe('unlimited');
    // The rule's day is its start: Thursday night is not covered.
    expect(limitAt(p, at(10, 23)).label).toBe('unlimited');
    const sunday = profile([{ days: ['sun'], from: '23:00', to: '01:00', limit: '2M' }]);
    expect(limitAt(sunday, at(13, 23, 30)).label).toBe('2 MiB/s');
    expect(limitAt(sunday, at(14, 0, 30)).label).toBe('2 MiB/s');
    expect(limitAt(sunday, at(14, 1, 0)).label).toBe('unlimited');
  });

  it('takes the first rule that covers the moment; from = to is the whole day; 24:00 ends it', () => {
    const p = profile([{ days: ['mon'], from: '12:00', to: '13:00', limit: '' }, WORKDAYS]);
    expect(limitAt(p, at(7, 12, 30))).toMatchObject({ label: 'unlimited', ruleIndex: 0 });
    expect(limitAt(p, at(7, 13, 0))).toMatchObject({ label: '5 MiB/s', ruleIndex: 1 });
    const allDay = profile([{ days: ['wed'], from: '00:00', to: '00:00', limit: '640K' }]);
    expect(limitAt(allDay, at(9, 0)).label).toBe('640 KiB/s');
    expect(limitAt(allDay, at(9, 23, 59)).label).toBe('640 KiB/s');
    expect(limitAt(allDay, at(10, 0)).label).toBe('unlimited');
    const evening = profile([{ days: ['wed'], from: '18:00', to: '24:00', limit: '1M' }]);
    expect(limitAt(evening, at(9, 23, 59)).label).toBe('1 MiB/s');
    expect(limitAt(evening, at(10, 0)).label).toBe('unlimited');
  });

  it('follows the wall clock across the DST changes', () => {
    // 2026-03-29 (Sunday) clocks go 02:00 → 03:00; 2026-10-25 (Sunday) 03:00 → 02:00 in Berlin.
    const sundays = profile([{ days: ['sun'], from: '08:00', to: '18:00', limit: '5M' }]);
    expect(limitAt(sundays, new Date(2026, 2, 29, 8, 0)).label).toBe('5 MiB/s');
    expect(limitAt(sundays, new Date(2026, 2, 29, 7, 59)).label).toBe('unlimited');
    expect(limitAt(sundays, new Date(2026, 9, 25, 17, 59)).label).toBe('5 MiB/s');
    // The day is 23 hours long: 08:00 local is 7 h after midnight in UTC terms, still matched.
    const midnight = new Date(2026, 2, 29, 0, 0);
    expect(limitAt(sundays, new Date(midnight.getTime() + 7 * 3_600_000)).label).toBe('5 MiB/s');
    expect(limitAt(sundays, new Date(midnight.getTime() + 6.5 * 3_600_000)).label).toBe('unlimited');
    // The next change from Saturday evening is Sunday 08:00 local, across the skipped hour.
    const next = nextLimitChange(sundays, new Date(2026, 2, 28, 20, 0));
    expect(next?.at.getHours()).toBe(8);
    expect(next?.at.getDate()).toBe(29);
  });
});

describe('nextLimitChange and describeLimitNow', () => {
  it('says the limit now and when it changes', () => {
    const p = profile([WORKDAYS]);
    expect(describeLimitNow(p, at(7, 10))).toBe('5 MiB/s now, unlimited from 18:00');
    expect(describeLimitNow(p, at(11, 19))).toBe('unlimited now, 5 MiB/s from Mon 08:00');
    expect(describeLimitNow(p, at(7, 6))).toBe('unlimited now, 5 MiB/s from 08:00');
    expect(describeLimitNow(profile([], '5M'), at(7, 6))).toBe('5 MiB/s');
  });

  it('skips a boundary where the limit stays the same', () => {
    const p = profile([
      { days: ['mon'], from: '08:00', to: '12:00', limit: '5M' },
      { days: ['mon'], from: '12:00', to: '18:00', limit: '5M' },
    ]);
    const next = nextLimitChange(p, at(7, 9));
    expect(next?.at).toEqual(at(7, 18));
    expect(next?.limit.label).toBe('unlimited');
    expect(nextLimitChange(profile([]), at(7, 9))).toBeNull();
  });

  it('says a rule in one line', () => {
    expect(describeRule(WORKDAYS)).toBe('Mon–Fri 08:00–18:00: 5 MiB/s');
    expect(describeRule({ days: ['sat', 'mon'], from: '22:00', to: '06:00', limit: '' })).toBe(
      'Mon, Sat 22:00–06:00: unlimited',
    );
  });
});

describe('the schedule in the profile schema', () => {
  const base = {
    name: 'docs',
    source: '/srv/docs',
    targets: [{ host: '127.0.0.1', module: 'backup' }],
  };

  it('defaults to no schedule and no pausing, and keeps a schedule through export and import', () => {
    const p = ProfileSchema.parse(base);
    expect(p.bandwidthSchedule).toEqual([]);
    expect(p.pauseOnBattery).toBe(false);
    expect(p.pauseOnMetered).toBe(false);
    const withRules = ProfileSchema.parse({ ...base, bandwidthSchedule: [WORKDAYS, NIGHT], pauseOnMetered: true });
    const again = ProfileSchema.parse(JSON.parse(JSON.stringify(withRules)));
    expect(again.bandwidthSchedule).toEqual([WORKDAYS, NIGHT]);
    expect(again.pauseOnMetered).toBe(true);
  });

  it.each([
    [{ ...WORKDAYS, from: '8:00' }, 'The rule’s start'],
    [{ ...WORKDAYS, to: '25:00' }, 'the end as HH:MM'],
    [{ ...WORKDAYS, days: [] }, 'at least one day'],
    [{ ...WORKDAYS, days: ['mon', 'mon'] }, 'each day once'],
    [{ ...WORKDAYS, days: ['monday'] }, 'The rule’s days'],
    [{ ...WORKDAYS, limit: '5' }, 'has no unit'],
  ])('refuses %o in words', (rule, words) => {
    const r = ProfileSchema.safeParse({ ...base, bandwidthSchedule: [rule] });
    expect(r.success).toBe(false);
    const sentence = r.success ? '' : issueSentence(r.error.issues[0]!);
    expect(sentence).toContain(words);
    expect(sentence).not.toMatch(/expected|Invalid/);
  });
});

describe('the window’s profile form', () => {
  it('keeps the schedule and the pause options through an edit and save', async () => {
    const { formFromProfile, profileInput } = await import('../../renderer/src/profile-form.ts');
    const saved = ProfileSchema.parse({
      name: 'docs',
      source: '/srv/docs',
      targets: [{ host: '127.0.0.1', module: 'backup' }],
      bandwidthSchedule: [WORKDAYS, NIGHT],
      pauseOnBattery: true,
    });
    const again = ProfileSchema.parse(profileInput(formFromProfile(saved)));
    expect(again.bandwidthSchedule).toEqual([WORKDAYS, NIGHT]);
    expect(again.pauseOnBattery).toBe(true);
    expect(again.pauseOnMetered).toBe(false);
  });
});
