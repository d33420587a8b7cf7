/**
 * Bandwidth by schedule: limits by weekday and local time of day ("5M on workdays 08:00–18:00"),
 * the profile's own bandwidthLimit outside every rule. Policy as data: the rules are a list, the
 * first rule that covers a moment wins, so a person reads the list top-down as the engine does.
 *
 * Times are wall-clock (local) times, read with Date's local getters: a rule "08:00–18:00" means
 * 08:00 on the clock on the wall, also on the days summer time starts or ends. A rule whose `to`
 * is not after its `from` runs overnight into the next day (22:00–06:00 on fri = Friday 22:00 to
 * Saturday 06:00); from = to covers the whole day. Browser-safe: the window shows the same answer.
 */
import { z } from 'zod';
import { parseBandwidth } from './bandwidth.ts';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const DAY_NAMES: Readonly<Record<Weekday, string>> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

/** HH:MM, 00:00–23:59; `to` may also be 24:00 (the end of the day). */
const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

export const ScheduleRuleSchema = z.strictObject({
  days: z
    .array(z.enum(WEEKDAYS, { message: `days are written ${WEEKDAYS.join(', ')}` }))
    .min(1, 'give at least one day (mon … sun)')
    .refine((d) => new Set(d).size === d.length, 'name each day once'),
  from: z.string().regex(CLOCK_TIME, 'write the start as HH:MM, e.g. 08:00'),
  to: z.string().refine((t) => CLOCK_TIME.test(t) || t === '24:00', 'write the end as HH:MM, e.g. 18:00 (or 24:00)'),
  /** As bandwidthLimit: "5M", "640K", "" = unlimited during the rule. */
  limit: z.string().superRefine((text, ctx) => {
    const parsed = parseBandwidth(text);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
  }),
});

export type ScheduleRule = z.infer<typeof ScheduleRuleSchema>;

/** What limitAt needs of a profile (structural, so callers need not build a whole Profile). */
export interface ScheduledLimits {
  bandwidthLimit: string;
  bandwidthSchedule?: readonly ScheduleRule[];
}

export interface LimitNow {
  /** The limit as written ("5M", "" = unlimited). */
  text: string;
  bytesPerSecond: number;
  /** --bwlimit's value, or null when unlimited. */
  rsyncArg: string | null;
  /** "5 MiB/s", "unlimited". */
  label: string;
  /** Which rule gives it (0-based), or null for the profile's own limit. */
  ruleIndex: number | null;
}

function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Monday 00:00 = 0, local time. */
function minuteOfWeek(date: Date): number {
  const day = (date.getDay() + 6) % 7;
  return day * MINUTES_PER_DAY + date.getHours() * 60 + date.getMinutes();
}

function ruleCovers(rule: ScheduleRule, minute: number): boolean {
  const from = minutesOf(rule.from);
  const to = minutesOf(rule.to);
  const length = to > from ? to - from : to + MINUTES_PER_DAY - from;
  for (const day of rule.days) {
    const start = WEEKDAYS.indexOf(day) * MINUTES_PER_DAY + from;
    // Sunday's overnight rule reaches into Monday: look at the minute a week later too.
    for (const m of [minute, minute + MINUTES_PER_WEEK]) if (m >= start && m < start + length) return true;
  }
  return false;
}

function describe(text: string, ruleIndex: number | null): LimitNow {
  const parsed = parseBandwidth(text);
  // The schema refuses a limit that does not parse; a hand-made one is taken as no limit.
  const value = parsed.ok ? parsed.value : { bytesPerSecond: 0, rsyncArg: null, label: 'unlimited' };
  return { text, ruleIndex, ...value };
}

/** The limit in force at `date` (local wall-clock time). */
export function limitAt(profile: ScheduledLimits, date: Date): LimitNow {
  const minute = minuteOfWeek(date);
  const rules = profile.bandwidthSchedule ?? [];
  const index = rules.findIndex((r) => ruleCovers(r, minute));
  const rule = index >= 0 ? rules[index] : undefined;
  return rule ? describe(rule.limit, index) : describe(profile.bandwidthLimit, null);
}

export interface LimitChange {
  at: Date;
  limit: LimitNow;
}

/**
 * The next moment after `date` at which the limit in force changes, within the coming week, or
 * null when it never does. Candidates are every rule's start and end as local dates (Date's
 * constructor moves a time that a DST change skips to the hour after, as the wall clock does).
 */
export function nextLimitChange(profile: ScheduledLimits, date: Date): LimitChange | null {
  const now = limitAt(profile, date);
  const candidates: Date[] = [];
  const y = date.getFullYear();
  const mo = date.getMonth();
  const d = date.getDate();
  for (const rule of profile.bandwidthSchedule ?? []) {
    for (const time of [rule.from, rule.to]) {
      const minutes = minutesOf(time);
      for (let k = 0; k <= 8; k++) {
        const at = new Date(y, mo, d + k, Math.floor(minutes / 60), minutes % 60);
        if (at.getTime() > date.getTime()) candidates.push(at);
      }
    }
  }
  candidates.sort((a, b) => a.getTime() - b.getTime());
  for (const at of candidates) {
    const limit = limitAt(profile, at);
    if (limit.bytesPerSecond !== now.bytesPerSecond) return { at, limit };
  }
  return null;
}

function clock(date: Date): string {
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

/** For the window and the tray: "5 MiB/s now, unlimited from 18:00" ("… from Mon 08:00" past today). */
export function describeLimitNow(profile: ScheduledLimits, date: Date): string {
  const now = limitAt(profile, date);
  const next = nextLimitChange(profile, date);
  if (!next) return now.label;
  const sameDay = next.at.toDateString() === date.toDateString();
  const when = sameDay
    ? clock(next.at)
    : `${DAY_NAMES[WEEKDAYS[(next.at.getDay() + 6) % 7] ?? 'mon']} ${clock(next.at)}`;
  return `${now.label} now, ${next.limit.label} from ${when}`;
}

/** A rule in one line: "Mon–Fri 08:00–18:00: 5 MiB/s". */
export function describeRule(rule: ScheduleRule): string {
  const idx = rule.days.map((d) => WEEKDAYS.indexOf(d)).sort((a, b) => a - b);
  const contiguous = idx.every((v, i) => i === 0 || v === (idx[i - 1] ?? -2) + 1);
  const names = idx.map((i) => DAY_NAMES[WEEKDAYS[i] ?? 'mon']);
  const days = contiguous && names.length > 2 ? `${names[0]}–${names[names.length - 1]}` : names.join(', ');
  return `${days} ${rule.from}–${rule.to}: ${describe(rule.limit, 0).label}`;
}
