/**
 * The sync profile: one schema, the single source of truth for the config file, the export
 * format, the tray app's store and the UI's form validation. Types are derived from it.
 *
 * Secrets are never part of a profile: auth says *where* the password comes from (a password file,
 * an environment variable, or the host's secret store), not what it is.
 */
import { z } from 'zod';
import { parseBandwidth } from './bandwidth.ts';
import { ScheduleRuleSchema } from './bandwidth-schedule.ts';
import { checkExcludePattern } from './exclude-rules.ts';
import { DELETED_DIR_NAME } from './profile-schema-constants.ts';
import { describeOverlap, findOverlaps, pointsIntoSafetyNet } from './target-overlap.ts';

// rsync daemon module names cannot contain whitespace, '/' or ']' (rsyncd.conf section syntax).
const MODULE_NAME = /^[^\s/\][]+$/;
// A sub-path inside the module. Kept to plain characters: the path travels to the daemon as text,
// and older rsyncs split remote arguments on spaces.
const SUB_PATH = /^[A-Za-z0-9._@+=,-]+(\/[A-Za-z0-9._@+=,-]+)*\/?$/;
/** A host name or an IPv4 address. */
const HOST_NAME = /^[A-Za-z0-9._-]+$/;
/** An IPv6 address in brackets, as a URL writes it. */
const IPV6_BRACKETED = /^\[([0-9A-Fa-f:.]+)\]$/;

/**
 * New profiles keep deleted and overwritten files on the backup for a week: long enough to notice
 * a mistake, bounded in the disk it costs. (Config format 2 turned it on for older profiles too.)
 */
export const DEFAULT_KEEP_DELETED_DAYS = 7;

/**
 * The first control character (U+0000–U+001F, U+007F) in a name, as "U+0009 at character 4". They
 * are invisible wherever the name is shown (tray, log, window), so the name seen would not be the
 * name sent; and a NUL cannot be sent at all, a command line ends its strings there.
 */
function controlCharacter(text: string): string | null {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return `U+${c.toString(16).toUpperCase().padStart(4, '0')} at character ${i + 1}`;
  }
  return null;
}

/** A check of one field: its problem in words, or null. */
type FieldCheck = (text: string) => string | null;

const noControlCharacters =
  (what: string): FieldCheck =>
  (text) => {
    const found = controlCharacter(text);
    return found ? `contains an invisible control character (${found}); retype the ${what} without it` : null;
  };

/** Reports one problem at most, the first check's that finds one: one mistake, one message. */
const firstProblem =
  (...checks: FieldCheck[]) =>
  (text: string, ctx: z.RefinementCtx): void => {
    for (const check of checks) {
      const message = check(text);
      if (message) return void ctx.addIssue({ code: 'custom', message });
    }
  };

/** Whether `text` is an IPv6 address: up to 8 hex groups, one "::" at most, an IPv4 tail allowed. */
function isIPv6(text: string): boolean {
  let groups = text;
  let extra = 0;
  const v4 = /^(.*:)(\d{1,3}(\.\d{1,3}){3})$/.exec(text);
  if (v4) {
    if (v4[2]!.split('.').some((n) => Number(n) > 255)) return false;
    groups = `${v4[1]}0`; // the IPv4 tail stands for two groups: one here, one counted below
    extra = 1;
  }
  const halves = groups.split('::');
  if (halves.length > 2) return false;
  const parts = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  if (!parts.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  const count = parts.length + extra;
  return halves.length === 2 ? count < 8 : count === 8;
}

/**
 * What is wrong with a target's host, said so it can be fixed: a port or a module written into it
 * (the way an address is often copied from a URL or an rsync command line) names the field it
 * belongs in, with the exact values.
 */
function hostProblem(host: string): string | null {
  if (host === '') return null; // min(1) has said it
  const control = noControlCharacters('host')(host);
  if (control) return control;
  const bare = IPV6_BRACKETED.exec(host)?.[1];
  if (bare !== undefined) return isIPv6(bare) ? null : `"${host}" is not an IPv6 address`;
  if (HOST_NAME.test(host) || isIPv6(host)) return null;
  const withPort = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d+)$/.exec(host);
  if (withPort) {
    const [, name, port] = withPort as unknown as [string, string, string];
    const n = Number(port);
    return n >= 1 && n <= 65535
      ? `"${host}" includes a port; set host to "${name}" and put ${n} in the port field`
      : `"${host}" includes a port, and ${port} is not a port (1 to 65535); ` +
          `set host to "${name}" and give the port in the port field`;
  }
  const withModule = /^([A-Za-z0-9._-]+)::([^\s/:]+)/.exec(host);
  if (withModule)
    return (
      `"${host}" is rsync's host::module form; ` +
      `set host to "${withModule[1]}" and put "${withModule[2]}" in the module field`
    );
  return 'is not a host name or IP address';
}

export const AuthSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }).describe('The module has no `auth users`.'),
  z
    .strictObject({
      type: z.literal('passwordFile'),
      path: z.string().min(1, 'give the path of the password file'),
    })
    .describe('rsync --password-file: the first line is the password; the file must be mode 600.'),
  z
    .strictObject({
      type: z.literal('env'),
      variable: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name such as BACKUP_PASSWORD'),
    })
    .describe('The password is read from this environment variable of the engine process.'),
  z
    .object({ type: z.literal('secret') })
    .describe('The password is kept in the secret store of the host (never in the profile).'),
]);

export const TargetSchema = z.strictObject({
  host: z.string().min(1, 'give the backup server host name or IP address').superRefine(firstProblem(hostProblem)),
  port: z.number().int().min(1).max(65535).default(873),
  module: z
    .string()
    .min(1, 'give the rsync module name (the [section] in rsyncd.conf)')
    // A tab is a control character before it is a space: the first check that fails speaks.
    .superRefine(
      firstProblem(noControlCharacters('module name'), (m) =>
        m === '' || MODULE_NAME.test(m) ? null : 'a module name has no spaces, "/" or brackets',
      ),
    ),
  path: z
    .string()
    .default('')
    .refine(
      (p) => p === '' || SUB_PATH.test(p),
      'a sub-path inside the module uses letters, digits, "._-@+=," and "/" only',
    )
    .refine((p) => !p.split('/').includes('..'), 'a sub-path cannot climb out of the module with ".."'),
  user: z
    .string()
    .superRefine(
      firstProblem(noControlCharacters('user name'), (u) =>
        /^[^\s@:]+$/.test(u) ? null : 'a user name has no spaces, "@" or ":"',
      ),
    )
    .optional(),
  auth: AuthSchema.default({ type: 'none' }),
});

/**
 * A profile's hooks. The command runs through /bin/sh with the facts in RSYNC_TRAY_* variables; the
 * ping URL follows healthchecks.io (URL on success, URL/fail on failure). Never a secret in either:
 * they are written in the config file, which is not a secret store.
 */
export const HooksSchema = z.strictObject({
  command: z.string().trim().min(1).max(4_096).optional(),
  pingUrl: z
    .string()
    .trim()
    .max(2_048)
    .refine(
      (u) => /^https?:\/\/[^\s/]+/i.test(u),
      'must be an http:// or https:// address, such as https://hc-ping.com/UUID',
    )
    .optional(),
  timeoutSeconds: z.number().int().min(1).max(600).default(30),
});

export const ProfileSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, 'give the profile a name')
    .max(80, 'keep the name under 80 characters')
    .superRefine(firstProblem(noControlCharacters('profile name'))),
  enabled: z.boolean().default(true),
  source: z
    .string()
    .min(1, 'give the folder to back up')
    .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), 'must be an absolute path, such as /srv/data'),
  targets: z.array(TargetSchema).min(1, 'add at least one backup target'),
  /** As people write it: "5M" (MiB/s), "640K", "5MB/s" (decimal); "" = unlimited. */
  bandwidthLimit: z
    .string()
    .default('')
    .superRefine((text, ctx) => {
      const parsed = parseBandwidth(text);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
    }),
  /** Limits by weekday and local time (bandwidth-schedule.ts); first rule wins, bandwidthLimit outside them. */
  bandwidthSchedule: z.array(ScheduleRuleSchema).max(50, 'keep the schedule under 50 rules').default([]),
  /** Pause while the computer runs on battery, and resume when it is plugged in again. */
  pauseOnBattery: z.boolean().default(false),
  /** Pause while the network is metered (NetworkManager says so); an unknown link never pauses. */
  pauseOnMetered: z.boolean().default(false),
  excludes: z
    .array(
      z.string().superRefine((pattern, ctx) => {
        const problem = checkExcludePattern(pattern);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    )
    .default([]),
  /** Propagate deletions to the backup (rsync --delete / --delete-missing-args). */
  deletions: z.boolean().default(true),
  /**
   * Mass-deletion guard: a full sync that would delete more than this share of the backup's files
   * waits for confirmation instead (100 turns the share check off; an empty source folder is
   * always held).
   */
  maxDeletePercent: z.number().min(0).max(100).default(20),
  /**
   * Safety net: deleted and overwritten files are moved on the backup into
   * .rsync-tray-deleted/YYYY-MM-DD/ and kept this many days; 0 = off (they are destroyed).
   */
  keepDeletedDays: z.number().int().min(0).max(3650).default(DEFAULT_KEEP_DELETED_DAYS),
  compress: z.boolean().default(false),
  /** Quiet time after the last change before a batch starts. */
  debounceMs: z.number().int().min(0).max(60_000).default(5),
  /** Longest a change may wait under continuous churn. */
  maxDelayMs: z.number().int().min(10).max(600_000).default(250),
  /** Periodic full reconcile, which also repairs drift on the backup side; 0 turns it off. */
  fullSyncIntervalMinutes: z
    .number()
    .min(0)
    .max(7 * 24 * 60)
    .default(60),
  /** rsync --contimeout, and --timeout of full syncs (batches: a runner watchdog), in seconds. */
  timeoutSeconds: z.number().int().min(5).max(3_600).default(30),
  /** native: inotify/FSEvents/ReadDirectoryChanges; poll: stat polling, for network file systems. */
  watch: z.enum(['native', 'poll']).default('native'),
  pollIntervalSeconds: z.number().min(0.1).max(3_600).default(2),
  /** What to run and ping when an incident fires (core/sync/incident.ts, core/service/hooks.ts); absent: nothing. */
  hooks: HooksSchema.optional(),
});

/** Settings shared by every host: they live in the config file, beside the profiles. */
export const SettingsSchema = z.strictObject({
  /** Path or name of the rsync binary. */
  rsyncPath: z.string().trim().min(1, 'give the rsync program, e.g. rsync or /usr/local/bin/rsync').default('rsync'),
  /**
   * The quiet time a new profile starts with (the editor fills it in; existing profiles keep
   * their own). The profile field's own schema, so limits and default are the same; config files
   * written before this setting existed get that default.
   */
  defaultDebounceMs: ProfileSchema.shape.debounceMs,
});

/** Format 2: the safety net is on by default (core/config/migrations.ts turns it on for format 1). */
export const CONFIG_VERSION = 2;

export const ConfigSchema = z
  .strictObject({
    version: z.literal(CONFIG_VERSION, {
      message: `must be ${CONFIG_VERSION} (this version of Rsync Tray reads format ${CONFIG_VERSION})`,
    }),
    // prefault: a missing settings object is parsed as {}, so each setting gets its own default.
    settings: SettingsSchema.prefault({}),
    profiles: z.array(ProfileSchema).default([]),
  })
  .superRefine((config, ctx) => {
    const refs = config.profiles.flatMap((p, i) =>
      p.targets.map((t, j) => ({ profile: p.name, profileIndex: i, index: j, ...t })),
    );
    for (const t of refs) {
      if (pointsIntoSafetyNet(t.path))
        ctx.addIssue({
          code: 'custom',
          path: ['profiles', t.profileIndex, 'targets', t.index, 'path'],
          message:
            `points into a safety-net folder (${DELETED_DIR_NAME}), where deleted files are kept; ` +
            'choose another sub-path',
        });
    }
    for (const o of findOverlaps(refs)) {
      const b = o.b as (typeof refs)[number];
      ctx.addIssue({
        code: 'custom',
        path: ['profiles', b.profileIndex, 'targets', b.index],
        message: describeOverlap(o),
      });
    }
    const seen = new Map<string, number>();
    config.profiles.forEach((p, i) => {
      const key = p.name.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['profiles', i, 'name'],
          message: `"${p.name}" is already the name of profile ${first + 1}; profile names must be unique`,
        });
      else seen.set(key, i);
    });
  });

export type Auth = z.infer<typeof AuthSchema>;
export type Target = z.infer<typeof TargetSchema>;
export type Profile = z.infer<typeof ProfileSchema>;
export type ProfileInput = z.input<typeof ProfileSchema>;
export type Settings = z.infer<typeof SettingsSchema>;
export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

/** A stable key for a target: user@host:port/module/path. Secrets and journals are filed under it. */
export function targetKey(t: Pick<Target, 'host' | 'port' | 'module' | 'path' | 'user'>): string {
  const sub = t.path ? `/${t.path.replace(/\/+$/, '')}` : '';
  return `${t.user ? `${t.user}@` : ''}${t.host}:${t.port}/${t.module}${sub}`;
}

/** The rsync URL of a target's destination folder (always ending in '/'). */
export function targetUrl(t: Target): string {
  const sub = t.path ? `${t.path.replace(/\/+$/, '')}/` : '';
  // A bare IPv6 address goes in brackets, or rsync reads its colons as the port's.
  const host = t.host.includes(':') && !t.host.startsWith('[') ? `[${t.host}]` : t.host;
  return `rsync://${t.user ? `${t.user}@` : ''}${host}:${t.port}/${t.module}/${sub}`;
}

/**
 * Every field name the config knows, for "did you mean": a misspelt field (`"deletion": false`) is
 * refused, never silently dropped — dropping it would quietly turn a safety setting back to its
 * default.
 */
export const KNOWN_FIELDS: readonly string[] = [
  ...new Set([
    'version',
    'settings',
    'profiles',
    ...Object.keys(SettingsSchema.shape),
    ...Object.keys(ProfileSchema.shape),
    ...Object.keys(TargetSchema.shape),
    ...Object.keys(ScheduleRuleSchema.shape),
    ...Object.keys(HooksSchema.shape),
    'type',
    'path',
    'variable',
  ]),
];
