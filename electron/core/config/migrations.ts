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

export type Migration = (data: Record<string, unknown>) => Record<string, unknown>;

export interface Migrated {
  data: Record<string, unknown>;
  from: number;
  to: number;
}

/** A file without a version field is version 0 (written before the format was versioned). */
export function migrate(
  data: Record<string, unknown>,
  steps: Readonly<Record<number, Migration>>,
  current: number,
  what: string,
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
    out = { ...step(out), version: v + 1 };
  }
  return { data: out, from, to: current };
}

/**
 * The config file's steps, format N → N + 1. Version 0 is a file without a version field (early
 * exports): the same shape. A new format adds one step here and bumps CONFIG_VERSION.
 */
export const CONFIG_MIGRATIONS: Readonly<Record<number, Migration>> = {
  0: (data) => data,
};

/** A config document brought to the current format (not yet validated). */
export function migrateConfig(data: Record<string, unknown>, what: string): Migrated {
  return migrate(data, CONFIG_MIGRATIONS, CONFIG_VERSION, what);
}
