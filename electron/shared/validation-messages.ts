/**
 * Validation in words a person reads. zod's own messages ("Too small: expected number to be
 * >=1", "Invalid input: expected string, received undefined") describe the schema, not the field
 * on screen, so none of them may reach a person: every problem the profile, target, settings and
 * config schemas find is said here, as a sentence, by the field's rule. One table for the editor
 * as-you-type, `rsync-tray validate`, the importers and the API's refusals, so the same mistake
 * reads the same wherever it is made.
 *
 * The schema's own checks with something specific to say (a host with a port in it, a control
 * character, a bad exclude pattern) keep their words; they are only made into sentences.
 */
import type { z } from 'zod';
import { formatCount } from './presenter.ts';
import { HooksSchema, ProfileSchema, SettingsSchema, TargetSchema } from './profile-schema.ts';

/** How one field is spoken of and what it must be. `{min}`/`{max}` are the schema's own limits. */
export interface FieldWords {
  /** The field as the subject of a sentence: "The port". */
  subject: string;
  /** The whole rule, said when the value is of the wrong kind or out of range. */
  rule: string;
  /** Said when the field is missing or empty, if that deserves its own words. */
  empty?: string;
  /** The schema whose limits fill `{min}` and `{max}`. */
  limits?: z.ZodType;
  /** The limits are identifiers, written as typed (port 65535), not as counts (60,000 ms). */
  plain?: boolean;
}

const T = TargetSchema.shape;
const P = ProfileSchema.shape;
const S = SettingsSchema.shape;
const MODES = (P.watch.unwrap() as z.ZodEnum).options.map((o) => `"${String(o)}"`).join(' or ');

/**
 * Keyed by the field's name in the config; a name under `auth` as `auth.<name>`. Every field of
 * the profile, target, auth and settings schemas has a row (test/shared/validation-messages.test.ts
 * checks it, with a sweep of bad values of each).
 */
export const FIELD_WORDS: Readonly<Record<string, FieldWords>> = {
  // The profile.
  name: {
    subject: 'The profile name',
    empty: 'Give the profile a name.',
    rule: 'The profile name must be text of at most {max} characters.',
    limits: P.name,
  },
  enabled: { subject: 'The enabled setting', rule: 'The enabled setting must be true or false.' },
  source: {
    subject: 'The source folder',
    empty: 'Give the folder to back up.',
    rule: 'The source folder must be an absolute path, such as /srv/data.',
  },
  targets: {
    subject: 'The targets',
    empty: 'Add at least one backup target.',
    rule: 'The targets must be a list of backup targets.',
  },
  bandwidthLimit: {
    subject: 'The bandwidth limit',
    rule: 'The bandwidth limit must be written like 5M (5 MiB/s) or 640K, or left empty for no limit.',
  },
  bandwidthSchedule: {
    subject: 'The bandwidth schedule',
    rule: 'The bandwidth schedule must be a list of rules such as { days: [mon, fri], from: 08:00, to: 18:00, limit: 5M }, at most {max}.',
    limits: P.bandwidthSchedule,
  },
  // A schedule rule's own fields (bandwidth-schedule.ts).
  days: {
    subject: 'The rule’s days',
    rule: 'The rule’s days must be a list of mon, tue, wed, thu, fri, sat, sun.',
    empty: 'Give the rule at least one day (mon, tue, wed, thu, fri, sat, sun).',
  },
  from: { subject: 'The rule’s start', rule: 'The rule’s start must be a time written HH:MM, e.g. 08:00.' },
  to: { subject: 'The rule’s end', rule: 'The rule’s end must be a time written HH:MM, e.g. 18:00 (or 24:00).' },
  limit: {
    subject: 'The rule’s limit',
    rule: 'The rule’s limit must be written like 5M (5 MiB/s) or 640K, or left empty for no limit.',
  },
  pauseOnBattery: { subject: 'Pausing on battery', rule: 'Pausing on battery must be on or off (true or false).' },
  pauseOnMetered: {
    subject: 'Pausing on a metered network',
    rule: 'Pausing on a metered network must be on or off (true or false).',
  },
  excludes: { subject: 'The exclude patterns', rule: 'The exclude patterns must be a list of patterns, one per line.' },
  deletions: { subject: 'Deleting on the backup', rule: 'Deleting on the backup must be on or off (true or false).' },
  maxDeletePercent: {
    subject: 'The deletion budget',
    rule: 'The deletion budget must be a percentage between {min} and {max}.',
    limits: P.maxDeletePercent,
  },
  keepDeletedDays: {
    subject: 'The days to keep deleted files',
    rule: 'The days to keep deleted files must be a whole number between {min} and {max} (0 turns the safety net off).',
    limits: P.keepDeletedDays,
  },
  compress: { subject: 'Compression', rule: 'Compression must be on or off (true or false).' },
  debounceMs: {
    subject: 'The quiet time',
    rule: 'The quiet time must be a whole number of milliseconds between {min} and {max}.',
    limits: P.debounceMs,
  },
  maxDelayMs: {
    subject: 'The longest wait',
    rule: 'The longest wait must be a whole number of milliseconds between {min} and {max}.',
    limits: P.maxDelayMs,
  },
  fullSyncIntervalMinutes: {
    subject: 'The full sync interval',
    rule: 'The full sync interval must be a number of minutes between {min} and {max} (0 turns it off).',
    limits: P.fullSyncIntervalMinutes,
  },
  timeoutSeconds: {
    subject: 'The timeout',
    rule: 'The timeout must be a whole number of seconds between {min} and {max}.',
    limits: P.timeoutSeconds,
  },
  watch: { subject: 'The watch mode', rule: `The watch mode must be ${MODES}.` },
  pollIntervalSeconds: {
    subject: 'The poll interval',
    rule: 'The poll interval must be a number of seconds between {min} and {max}.',
    limits: P.pollIntervalSeconds,
  },
  // A target.
  host: {
    subject: 'The host',
    empty: "Give the backup server's host name or IP address.",
    rule: 'The host must be a host name or IP address, such as backup.lan or 192.168.1.20.',
  },
  port: {
    subject: 'The port',
    rule: 'The port must be a whole number between {min} and {max}.',
    limits: T.port,
    plain: true,
  },
  module: {
    subject: 'The module name',
    empty: 'The module name must not be empty: give the [section] name of the module in rsyncd.conf.',
    rule: 'The module name must be the [section] name of the module in rsyncd.conf.',
  },
  path: {
    subject: 'The sub-path',
    rule: 'The sub-path must be a folder inside the module, such as photos/2024, or empty for the whole module.',
  },
  user: { subject: 'The user name', rule: 'The user name must be text without spaces, "@" or ":".' },
  auth: {
    subject: 'The password source',
    rule: 'The password source must be one of none, passwordFile, env or secret.',
  },
  'auth.type': {
    subject: 'The password source',
    rule: 'The password source must be one of none, passwordFile, env or secret.',
  },
  'auth.path': {
    subject: 'The password file',
    empty: 'Give the path of the password file.',
    rule: 'The password file must be a path, such as /etc/rsync.secret.',
  },
  'auth.variable': {
    subject: 'The environment variable',
    empty: 'Give the name of the environment variable that holds the password.',
    rule: 'The environment variable must be a name such as BACKUP_PASSWORD: letters, digits and _, not starting with a digit.',
  },
  // A profile's hooks (under `hooks`).
  hooks: {
    subject: 'The hooks',
    rule: 'The hooks must be an object such as { command: "/usr/local/bin/notify", pingUrl: "https://hc-ping.com/UUID" }.',
  },
  'hooks.command': {
    subject: 'The hook command',
    empty: 'Give the hook command, or leave out the command field.',
    rule: 'The hook command must be a shell command of at most {max} characters.',
    limits: HooksSchema.shape.command,
  },
  'hooks.pingUrl': {
    subject: 'The ping address',
    rule: 'The ping address must be an http:// or https:// address, such as https://hc-ping.com/UUID.',
  },
  'hooks.timeoutSeconds': {
    subject: 'The hook timeout',
    rule: 'The hook timeout must be a whole number of seconds between {min} and {max}.',
    limits: HooksSchema.shape.timeoutSeconds,
  },
  // The settings.
  rsyncPath: {
    subject: 'The rsync program',
    empty: 'Give the rsync program, such as rsync or /usr/local/bin/rsync.',
    rule: 'The rsync program must be a name or path, such as rsync or /usr/local/bin/rsync.',
  },
  defaultDebounceMs: {
    subject: 'The default quiet time',
    empty: 'Give the default quiet time in milliseconds, such as 5.',
    rule: 'The default quiet time must be a whole number of milliseconds between {min} and {max}.',
    limits: S.defaultDebounceMs,
  },
  // The config file around them.
  version: {
    subject: 'The config format',
    rule: 'The config format version must be {values} (this version of Rsync Tray reads format {values}).',
  },
  settings: { subject: 'The settings', rule: 'The settings must be an object of named settings.' },
  profiles: { subject: 'The profiles', rule: 'The profiles must be a list of profiles.' },
};

/** The field an issue is about: its last name in the path, `auth.<name>` under auth. */
export function fieldKey(path: ReadonlyArray<PropertyKey>): string | null {
  const names = path.filter((p): p is string => typeof p === 'string');
  const last = names[names.length - 1];
  if (last === undefined) return null;
  const parent = names[names.length - 2];
  return parent === 'auth' || parent === 'hooks' ? `${parent}.${last}` : last;
}

/** A schema's bounds, through .default()/.optional(): numbers' min and max, text's lengths. */
function limitsOf(schema: z.ZodType | undefined): { min?: number; max?: number } {
  let s = schema as unknown as { unwrap?: () => unknown; minValue?: number | null; maxValue?: number | null } & {
    minLength?: number | null;
    maxLength?: number | null;
  };
  while (s && typeof s.unwrap === 'function' && !('minValue' in s) && !('minLength' in s)) s = s.unwrap() as typeof s;
  const min = s?.minValue ?? s?.minLength ?? undefined;
  const max = s?.maxValue ?? s?.maxLength ?? undefined;
  return { min: min ?? undefined, max: max ?? undefined };
}

function fill(text: string, words: FieldWords, values?: readonly unknown[]): string {
  const { min, max } = limitsOf(words.limits);
  const number = (n: number | undefined) => (n === undefined ? '' : words.plain ? String(n) : formatCount(n));
  return text
    .replaceAll('{min}', number(min))
    .replaceAll('{max}', number(max))
    .replaceAll('{values}', (values ?? []).map(String).join(' or '));
}

/**
 * A fragment made a sentence: "must be an absolute path" → "The source folder must be an absolute
 * path.", "give the path" → "Give the path.". Text that is a sentence already stays as it is.
 */
export function asSentence(text: string, subject?: string): string {
  let t = text.trim();
  if (t === '') return subject ? `${subject} is not valid.` : 'This value is not valid.';
  if (subject && /^(must|is|are|contains|cannot|points|includes|has)\b/.test(t)) t = `${subject} ${t}`;
  t = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?)"”]$/.test(t) ? t : `${t}.`;
}

// zod reports a missing field as a wrong type; only its message tells "received undefined" apart.
const MISSING = /received undefined$/;

/** What zod checked, said for a field that has no row: never zod's words. */
function generic(issue: z.core.$ZodIssue, subject: string): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (MISSING.test(issue.message)) return `${subject} is missing.`;
      const kind: Record<string, string> = {
        number: 'a number',
        int: 'a whole number',
        string: 'text',
        boolean: 'true or false',
        array: 'a list',
        object: 'an object with named fields',
      };
      return `${subject} must be ${kind[issue.expected] ?? `a value of kind ${issue.expected}`}.`;
    }
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) <= 1) return `${subject} must not be empty.`;
      if (issue.origin === 'array')
        return `${subject} must have at least ${formatCount(Number(issue.minimum))} entries.`;
      if (issue.origin === 'string')
        return `${subject} must be at least ${formatCount(Number(issue.minimum))} characters long.`;
      return `${subject} must be at least ${formatCount(Number(issue.minimum))}.`;
    case 'too_big':
      if (issue.origin === 'array')
        return `${subject} must have at most ${formatCount(Number(issue.maximum))} entries.`;
      if (issue.origin === 'string')
        return `${subject} must be at most ${formatCount(Number(issue.maximum))} characters long.`;
      return `${subject} must be at most ${formatCount(Number(issue.maximum))}.`;
    case 'invalid_value':
      return `${subject} must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}.`;
    case 'invalid_union':
      return 'options' in issue && Array.isArray(issue.options)
        ? `${subject} must be one of ${(issue.options as unknown[]).map(String).join(', ')}.`
        : `${subject} does not have any of the accepted forms.`;
    case 'not_multiple_of':
      return `${subject} must be a multiple of ${String(issue.divisor)}.`;
    case 'unrecognized_keys':
      return `${subject} has unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => `"${k}"`).join(', ')}; remove or rename ${issue.keys.length === 1 ? 'it' : 'them'}.`;
    default:
      return `${subject} is not written the way it should be.`;
  }
}

/** One problem as a sentence a person reads. */
export function issueSentence(issue: z.core.$ZodIssue): string {
  const key = fieldKey(issue.path);
  const words = key ? FIELD_WORDS[key] : undefined;
  const subject = words?.subject ?? (key ? `The field "${key}"` : 'The config');
  // The schema's own refinements know the particular mistake: keep their words.
  if (issue.code === 'custom') return asSentence(issue.message, subject);
  if (!words) return key ? generic(issue, subject) : topLevel(issue);
  const values = issue.code === 'invalid_value' ? issue.values : undefined;
  const missing = issue.code === 'invalid_type' && MISSING.test(issue.message);
  const empty = issue.code === 'too_small' && issue.origin !== 'number' && Number(issue.minimum) <= 1;
  if ((missing || empty) && words.empty) return words.empty;
  if (missing) return `${words.subject} is missing. ${fill(words.rule, words, values)}`;
  return fill(words.rule, words, values);
}

function topLevel(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return 'The config must be a JSON object with version, settings and profiles.';
  return generic(issue, 'The config');
}
