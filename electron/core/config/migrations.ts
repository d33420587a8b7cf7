/**
 * Migrations of the stored files, keyed by the file's own `version` field — the one place both
 * hosts (the tray's electron-store and the CLI's config file) migrate through, so they never
 * disagree on a format change.
 *
 * Why not electron-store's `migrations` option: it records its bookkeeping under `__internal__`
 * inside the file and keys steps by the app's semver, while the config file must stay exactly the
 * Config JSON the headless CLI reads (a user can hand it to `rsync-tray --config`), whose format
 * carries its own integer version. So each step here turns version N into N + 1, pure and tested.
 */
import { RsyncTrayError } from '../../shared/errors.ts';
import { CONFIG_VERSION } from '../../shared/profile-schema.ts';
import { DELETED_DIR_NAME } from '../../shared/profile-schema-constants.ts';

/**
 * One step, format N → N + 1. A step that changes what the user set (not just where it is kept)
 * says so through `note`, one line a person can act on: the host logs it.
 */
export type Migration = (data: Record<string, unknown>, note: (line: string) => void) => Record<string, unknown>;

export interface Migrated {
  data: Record<string, unknown>;
  from: number;
  to: number;
}

/**
 * A file without a version field is version 0 (written before the format was versioned). What the
 * steps changed goes to `note`, each line prefixed with `what` and the formats.
 */
export function migrate(
  data: Record<string, unknown>,
  steps: Readonly<Record<number, Migration>>,
  current: number,
  what: string,
  note: (line: string) => void = () => {},
): Migrated {
  const raw = data.version;
  const from = raw === undefined ? 0 : raw;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 0) {
    throw new RsyncTrayError(
      'INVALID_CONFIG',
      `${what} has a version field that is not a whole number (${JSON.stringify(raw)}).`,
      'Fix or remove the "version" field.',
    );
  }
  if (from > current) {
    throw new RsyncTrayError(
      'INVALID_CONFIG',
      `${what} was written by a newer Rsync Tray (format ${from}; this one reads up to ${current}).`,
      'Install the newer version again, or start from an export made for this version. The file was left untouched.',
    );
  }
  let out = data;
  for (let v = from; v < current; v++) {
    const step = steps[v];
    if (!step)
      throw new RsyncTrayError(
        'INTERNAL',
        `No migration from format ${v} of ${what}.`,
        'This is a bug in Rsync Tray; please report it.',
      );
    out = { ...step(out, (line) => note(`${what}, format ${v} → ${v + 1}: ${line}`)), version: v + 1 };
  }
  return { data: out, from, to: current };
}

/**
 * Format 2 turned the safety net on by default. Fixed here rather than read from the schema's
 * default: a step describes what happened to format 1 files, and must not change if a later
 * version picks another default.
 */
const SAFETY_NET_DAYS_FORMAT_2 = 7;

/**
 * 1 → 2: every profile without the safety net (keepDeletedDays 0, format 1's default, or absent)
 * gets it, for a week — a change toward keeping more, never less, and one the user can undo.
 * Anything malformed is left as it is, for the schema to refuse with its place.
 */
const turnOnSafetyNet: Migration = (data, note) => {
  if (!Array.isArray(data.profiles)) return data;
  const turnedOn: string[] = [];
  const profiles = data.profiles.map((p: unknown, i) => {
    if (typeof p !== 'object' || p === null || Array.isArray(p)) return p;
    const profile = p as Record<string, unknown>;
    if (profile.keepDeletedDays !== undefined && profile.keepDeletedDays !== 0) return p;
    // Quoted as JSON, as describeIssues quotes names: whatever a name holds, the line stays one line.
    const named = typeof profile.name === 'string' && profile.name.trim();
    turnedOn.push(named ? JSON.stringify(profile.name) : `number ${i + 1}`);
    return { ...profile, keepDeletedDays: SAFETY_NET_DAYS_FORMAT_2 };
  });
  if (turnedOn.length)
    note(
      `Safety net turned on (${SAFETY_NET_DAYS_FORMAT_2} days) for profile${turnedOn.length === 1 ? '' : 's'} ` +
        `${turnedOn.join(', ')}: deleted and overwritten files are kept on the backup in ` +
        `${DELETED_DIR_NAME}/ for ${SAFETY_NET_DAYS_FORMAT_2} days. To turn it off, set keepDeletedDays to 0 ` +
        '(in the profile editor, or in a config file whose "version" is 2: a format-1 file is migrated again ' +
        'each time it is read)',
    );
  return { ...data, profiles };
};

/**
 * The config file's steps, format N → N + 1. Version 0 is a file without a version field (early
 * exports): the same shape as 1. A new format adds one step here and bumps CONFIG_VERSION.
 */
export const CONFIG_MIGRATIONS: Readonly<Record<number, Migration>> = {
  0: (data) => data,
  1: turnOnSafetyNet,
};

/** A config document brought to the current format (not yet validated); what changed goes to `note`. */
export function migrateConfig(data: Record<string, unknown>, what: string, note?: (line: string) => void): Migrated {
  return migrate(data, CONFIG_MIGRATIONS, CONFIG_VERSION, what, note);
}
