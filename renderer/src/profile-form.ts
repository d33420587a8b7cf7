/**
 * The profile editor's model: what the form holds (text, as typed), how it becomes a profile,
 * and its validation — by ProfileSchema itself, so the editor, the config file and the importers
 * all say the same thing about the same mistake. Pure (no DOM, no Vue): tested under Node.
 */
import { describeBandwidth } from '@shared/bandwidth.ts';
import {
  describeLimitNow,
  describeRule,
  ScheduleRuleSchema,
  WEEKDAYS,
  type ScheduleRule,
  type Weekday,
} from '@shared/bandwidth-schedule.ts';
import { ProfileSchema, targetKey, type Auth, type Profile, type Target } from '@shared/profile-schema.ts';
import { issueSentence } from '@shared/validation-messages.ts';

export type AuthType = Auth['type'];

export interface TargetForm {
  host: string;
  port: string;
  module: string;
  path: string;
  user: string;
  authType: AuthType;
  passwordFile: string;
  envVariable: string;
  /** Typed once, sent to the host's secret store on save; never loaded back. */
  password: string;
}

export interface ProfileForm {
  name: string;
  enabled: boolean;
  source: string;
  targets: TargetForm[];
  bandwidthLimit: string;
  /** Limits by weekday and time (bandwidth-schedule.ts), kept as rules; edited row by row. */
  bandwidthSchedule: ScheduleRule[];
  pauseOnBattery: boolean;
  pauseOnMetered: boolean;
  /** One pattern per line. */
  excludes: string;
  deletions: boolean;
  /** The deletion budget: share of the backup that may be deleted in the rolling window without asking. */
  maxDeletePercent: string;
  /** Days deleted and overwritten files are kept on the backup; 0 = off. */
  keepDeletedDays: string;
  compress: boolean;
  debounceMs: string;
  maxDelayMs: string;
  fullSyncIntervalMinutes: string;
  timeoutSeconds: string;
  watch: 'native' | 'poll';
  pollIntervalSeconds: string;
  /**
   * The profile as it was loaded: what the window does not edit (its hooks, a field a newer host
   * added) is saved back unchanged instead of being dropped by a save from the window.
   */
  carried?: Partial<Profile>;
}

/** The schema's own defaults, read from the schema rather than repeated here. */
export const PROFILE_DEFAULTS: Profile = ProfileSchema.parse({
  name: 'defaults',
  source: '/',
  targets: [{ host: 'localhost', module: 'm' }],
});
const TARGET_DEFAULTS = PROFILE_DEFAULTS.targets[0]!;

export const AUTH_CHOICES: ReadonlyArray<{ value: AuthType; label: string; help: string }> = [
  {
    value: 'secret',
    label: 'Password stored by Rsync Tray',
    help: 'Typed once here and kept in the secret store of this computer; it is never shown again or exported.',
  },
  {
    value: 'passwordFile',
    label: 'Password file',
    help: 'rsync --password-file: the password on the first line; the file must be readable by you only (chmod 600).',
  },
  {
    value: 'env',
    label: 'Environment variable',
    help: 'The engine reads the password from this variable of its own environment (for services).',
  },
  { value: 'none', label: 'No password', help: 'The module has no "auth users" line in rsyncd.conf.' },
];

export function emptyTarget(): TargetForm {
  return {
    host: '',
    port: String(TARGET_DEFAULTS.port),
    module: '',
    path: '',
    user: '',
    authType: 'secret',
    passwordFile: '',
    envVariable: '',
    password: '',
  };
}

export function emptyForm(defaults: { debounceMs?: number } = {}): ProfileForm {
  const d = PROFILE_DEFAULTS;
  return {
    name: '',
    enabled: d.enabled,
    source: '',
    targets: [emptyTarget()],
    bandwidthLimit: d.bandwidthLimit,
    bandwidthSchedule: [],
    pauseOnBattery: d.pauseOnBattery,
    pauseOnMetered: d.pauseOnMetered,
    excludes: '',
    deletions: d.deletions,
    maxDeletePercent: String(d.maxDeletePercent),
    keepDeletedDays: String(d.keepDeletedDays),
    compress: d.compress,
    debounceMs: String(defaults.debounceMs ?? d.debounceMs),
    maxDelayMs: String(d.maxDelayMs),
    fullSyncIntervalMinutes: String(d.fullSyncIntervalMinutes),
    timeoutSeconds: String(d.timeoutSeconds),
    watch: d.watch,
    pollIntervalSeconds: String(d.pollIntervalSeconds),
  };
}

export function targetFormFrom(t: Target): TargetForm {
  return {
    host: t.host,
    port: String(t.port),
    module: t.module,
    path: t.path,
    user: t.user ?? '',
    authType: t.auth.type,
    passwordFile: t.auth.type === 'passwordFile' ? t.auth.path : '',
    envVariable: t.auth.type === 'env' ? t.auth.variable : '',
    password: '',
  };
}

export function formFromProfile(p: Profile): ProfileForm {
  return {
    // A plain copy: the store's profile is a reactive proxy, which structuredClone refuses.
    carried: JSON.parse(JSON.stringify(p)) as Profile,
    name: p.name,
    enabled: p.enabled,
    source: p.source,
    targets: p.targets.map(targetFormFrom),
    bandwidthLimit: p.bandwidthLimit,
    bandwidthSchedule: p.bandwidthSchedule.map((r) => ({ ...r, days: [...r.days] })),
    pauseOnBattery: p.pauseOnBattery,
    pauseOnMetered: p.pauseOnMetered,
    excludes: p.excludes.join('\n'),
    deletions: p.deletions,
    maxDeletePercent: String(p.maxDeletePercent),
    keepDeletedDays: String(p.keepDeletedDays),
    compress: p.compress,
    debounceMs: String(p.debounceMs),
    maxDelayMs: String(p.maxDelayMs),
    fullSyncIntervalMinutes: String(p.fullSyncIntervalMinutes),
    timeoutSeconds: String(p.timeoutSeconds),
    watch: p.watch,
    pollIntervalSeconds: String(p.pollIntervalSeconds),
  };
}

/** '' → undefined (the schema's default applies); anything else must be a number. */
function num(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  // Not a number: hand the text to the schema, whose rule for the field is then said in words.
  return Number.isFinite(n) ? n : t;
}

function authFrom(t: TargetForm): unknown {
  switch (t.authType) {
    case 'passwordFile':
      return { type: 'passwordFile', path: t.passwordFile.trim() };
    case 'env':
      return { type: 'env', variable: t.envVariable.trim() };
    default:
      return { type: t.authType };
  }
}

export function targetInput(t: TargetForm): unknown {
  return {
    host: t.host.trim(),
    port: num(t.port),
    module: t.module.trim(),
    path: t.path.trim(),
    ...(t.user.trim() ? { user: t.user.trim() } : {}),
    auth: authFrom(t),
  };
}

/** The profile as the API's profiles.save takes it (validated again by the host). */
export function profileInput(f: ProfileForm): unknown {
  return {
    ...f.carried,
    name: f.name,
    enabled: f.enabled,
    source: f.source.trim(),
    targets: f.targets.map(targetInput),
    bandwidthLimit: f.bandwidthLimit.trim(),
    bandwidthSchedule: f.bandwidthSchedule.map((r) => ({ ...r, limit: r.limit.trim() })),
    pauseOnBattery: f.pauseOnBattery,
    pauseOnMetered: f.pauseOnMetered,
    excludes: f.excludes
      .split('\n')
      .map((line) => line.replace(/\r$/, ''))
      .filter((line) => line.trim() !== ''),
    deletions: f.deletions,
    maxDeletePercent: num(f.maxDeletePercent),
    keepDeletedDays: num(f.keepDeletedDays),
    compress: f.compress,
    debounceMs: num(f.debounceMs),
    maxDelayMs: num(f.maxDelayMs),
    fullSyncIntervalMinutes: num(f.fullSyncIntervalMinutes),
    timeoutSeconds: num(f.timeoutSeconds),
    watch: f.watch,
    pollIntervalSeconds: num(f.pollIntervalSeconds),
  };
}

/**
 * Field key → the schema's message. Keys follow the schema's paths: "name", "targets.0.host",
 * "targets.0.auth.path", "excludes" (excludes are reported per line as "line N: ...").
 */
export type FieldErrors = Record<string, string>;

export interface Validation {
  profile: Profile | null;
  errors: FieldErrors;
}

export function validateForm(f: ProfileForm, otherNames: readonly string[] = []): Validation {
  const errors: FieldErrors = {};
  // The first problem of a field is the one to fix first ("give the folder" before "must be
  // absolute"); exclude lines are separate values, so each bad line is listed.
  const add = (key: string, message: string, append = false) => {
    if (!errors[key]) errors[key] = message;
    else if (append) errors[key] = `${errors[key]} ${message}`;
  };
  const parsed = ProfileSchema.safeParse(profileInput(f));
  if (!parsed.success) {
    // Exclude issues name the pattern's index among the non-empty lines; say which line it is.
    const lines = f.excludes.split('\n');
    const lineOfPattern: number[] = [];
    lines.forEach((line, i) => {
      if (line.trim() !== '') lineOfPattern.push(i + 1);
    });
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String);
      if (path[0] === 'excludes' && path.length > 1)
        add('excludes', `Line ${lineOfPattern[Number(path[1])] ?? Number(path[1]) + 1}: ${issueSentence(issue)}`, true);
      else add(path.join('.') || 'profile', issueSentence(issue));
    }
  }
  // Names are unique across profiles (ConfigSchema checks it when saving; say it while typing).
  const name = f.name.trim().toLowerCase();
  if (name && otherNames.some((n) => n.toLowerCase() === name))
    add('name', `"${f.name.trim()}" is already the name of another profile; profile names must be unique.`);
  return { profile: parsed.success && Object.keys(errors).length === 0 ? parsed.data : null, errors };
}

/** The line under the bandwidth field: "5M = 5 MiB/s = 5,242,880 bytes per second". */
export function bandwidthMeaning(text: string): string {
  return text.trim() === ''
    ? 'No limit. Write e.g. 5M for 5 MiB/s, 640K for 640 KiB/s, 5MB/s for 5,000,000 bytes/s.'
    : describeBandwidth(text);
}

/** The days as the schedule editor labels its checkboxes, Monday first. */
export const SCHEDULE_DAYS: ReadonlyArray<{ day: Weekday; label: string; name: string }> = WEEKDAYS.map((day) => ({
  day,
  label: day.charAt(0).toUpperCase() + day.slice(1, 3),
  name: {
    mon: 'Monday',
    tue: 'Tuesday',
    wed: 'Wednesday',
    thu: 'Thursday',
    fri: 'Friday',
    sat: 'Saturday',
    sun: 'Sunday',
  }[day],
}));

/** A new schedule row: the common case, office hours on workdays. */
export function emptyRule(): ScheduleRule {
  return { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00', limit: '5M' };
}

/**
 * The line under a schedule row: what the rule means once it is valid ("Mon–Fri 08:00–18:00:
 * 5 MiB/s", with "overnight" where it runs into the next day), else null (its fields say why).
 */
export function ruleMeaning(rule: ScheduleRule): string | null {
  const parsed = ScheduleRuleSchema.safeParse({ ...rule, limit: rule.limit.trim() });
  if (!parsed.success) return null;
  const r = parsed.data;
  const overnight = r.to !== '24:00' && r.to <= r.from && r.to !== r.from ? ' (overnight, into the next day)' : '';
  const allDay = r.to === r.from ? ' (the whole day)' : '';
  return `${describeRule(r)}${overnight}${allDay}`;
}

/** "5 MiB/s now, unlimited from 18:00" for the form as typed, or null while a rule is not valid. */
export function scheduleNow(f: ProfileForm, date: Date): string | null {
  const rules = f.bandwidthSchedule.map((r) => ScheduleRuleSchema.safeParse({ ...r, limit: r.limit.trim() }));
  if (rules.some((r) => !r.success)) return null;
  return describeLimitNow(
    { bandwidthLimit: f.bandwidthLimit.trim(), bandwidthSchedule: rules.flatMap((r) => (r.success ? [r.data] : [])) },
    date,
  );
}

/** The secret-store key of a target as typed, or null while the target is not valid yet. */
export function targetKeyOf(t: TargetForm): string | null {
  const parsed = ProfileSchema.shape.targets.element.safeParse(targetInput(t));
  return parsed.success ? targetKey(parsed.data) : null;
}

export function isDirty(a: ProfileForm, b: ProfileForm): boolean {
  return JSON.stringify(a) !== JSON.stringify(b);
}
