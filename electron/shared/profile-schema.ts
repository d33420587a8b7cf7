/**
 * The sync profile: one schema, the single source of truth for the config file, the export
 * format, the tray app's store and the UI's form validation. Types are derived from it.
 *
 * Secrets are never part of a profile: auth says *where* the password comes from (a password file,
 * an environment variable, or the host's secret store), not what it is.
 */
import { z } from 'zod';
import { parseBandwidth } from './bandwidth.ts';
import { checkExcludePattern } from './exclude-rules.ts';
import { DELETED_DIR_NAME } from './profile-schema-constants.ts';
import { describeOverlap, findOverlaps, pointsIntoSafetyNet } from './target-overlap.ts';

// rsync daemon module names cannot contain whitespace, '/' or ']' (rsyncd.conf section syntax).
const MODULE_NAME = /^[^\s/\][]+$/;
// A sub-path inside the module. Kept to plain characters: the path travels to the daemon as text,
// and older rsyncs split remote arguments on spaces.
const SUB_PATH = /^[A-Za-z0-9._@+=,-]+(\/[A-Za-z0-9._@+=,-]+)*\/?$/;
const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._:-]+)$/;

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
  host: z
    .string()
    .min(1, 'give the backup server host name or IP address')
    .regex(HOST, 'is not a host name or IP address'),
  port: z.number().int().min(1).max(65535).default(873),
  module: z
    .string()
    .min(1, 'give the rsync module name (the [section] in rsyncd.conf)')
    .regex(MODULE_NAME, 'a module name has no spaces, "/" or brackets'),
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
    .regex(/^[^\s@:]+$/, 'a user name has no spaces, "@" or ":"')
    .optional(),
  auth: AuthSchema.default({ type: 'none' }),
});

export const ProfileSchema = z.strictObject({
  name: z.string().trim().min(1, 'give the profile a name').max(80, 'keep the name under 80 characters'),
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
  keepDeletedDays: z.number().int().min(0).max(3650).default(0),
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

export const CONFIG_VERSION = 1;

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
  return `rsync://${t.user ? `${t.user}@` : ''}${t.host}:${t.port}/${t.module}/${sub}`;
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
    'type',
    'path',
    'variable',
  ]),
];
