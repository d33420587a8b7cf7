/**
 * Migrations for the tray's stored files, keyed by the file's own `version` field.
 *
 * Why not electron-store's `migrations` option: it records its bookkeeping under `__internal__`
 * inside the file and keys steps by the app's semver, while the config file must stay exactly the
 * Config JSON the headless CLI reads (a user can hand it to `rsync-tray --config`), whose format
 * carries its own integer version. So each step here turns version N into N + 1, pure and tested.
 */
import { RsyncTrayError } from '../../shared/errors.ts';

export type Migration = (data: Record<string, unknown>) => Record<string, unknown>;

export interface Migrated {
  data: Record<string, unknown>;
  from: number;
  to: number;
}

/** A file without a version field is version 0 (written before the format was versioned). */
export function migrate(data: Record<string, unknown>, steps: Readonly<Record<number, Migration>>, current: number, what: string): Migrated {
  const raw = data.version;
  const from = raw === undefined ? 0 : raw;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 0) {
    throw new RsyncTrayError('INVALID_CONFIG', `${what} has a version field that is not a whole number (${JSON.stringify(raw)}).`, 'Fix or remove the "version" field.');
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
    if (!step) throw new RsyncTrayError('INTERNAL', `No migration from format ${v} of ${what}.`, 'This is a bug in Rsync Tray; please report it.');
    out = { ...step(out), version: v + 1 };
  }
  return { data: out, from, to: current };
}
