/**
 * Fleet-friendly config: `<config dir>/conf.d/*.json`, one profile each, merged in after the main
 * file at load — so configuration management drops one file per folder to back up instead of
 * editing a shared one. Problems are named by file ("conf.d/web.json: The port must be …"), and a
 * profile name given twice is refused naming both files, never resolved by order.
 */
import { readdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { RsyncTrayError } from '../../shared/errors.ts';
import { type Config, type Profile, ProfileSchema } from '../../shared/profile-schema.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { describeIssues, loadConfig } from './config-file.ts';

export const CONF_D = 'conf.d';

/** The folder beside the main config file. */
export function confDirFor(mainFile: string): string {
  return path.join(path.dirname(mainFile), CONF_D);
}

export interface ConfDProfile {
  profile: Profile;
  /** `conf.d/web.json`, as messages name it. */
  file: string;
  path: string;
}

/** The conf.d profiles, in file-name order; none when the folder does not exist. */
export async function loadConfD(mainFile: string): Promise<ConfDProfile[]> {
  const dir = confDirFor(mainFile);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const problems: string[] = [];
  const out: ConfDProfile[] = [];
  for (const name of names) {
    const file = `${CONF_D}/${name}`;
    const full = path.join(dir, name);
    let data: unknown;
    try {
      data = JSON.parse(await readFile(full, 'utf8'));
    } catch (error) {
      problems.push(`${file}: is not valid JSON (${(error as Error).message}).`);
      continue;
    }
    const result = ProfileSchema.safeParse(data);
    if (!result.success) {
      for (const line of describeIssues(result.error.issues, data)) problems.push(`${file}: ${line}`);
      continue;
    }
    out.push({ profile: result.data, file, path: full });
  }
  if (problems.length)
    throw new RsyncTrayError(
      'INVALID_CONFIG',
      `${CONF_D} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n  ${problems.join('\n  ')}`,
      `Correct the files listed above (one profile per file in ${dir}); nothing was changed.`,
    );
  return out;
}

/** The main config with the conf.d profiles after its own; a name given twice is refused. */
export function mergeConfD(config: Config, mainFile: string, extra: readonly ConfDProfile[]): Config {
  const where = new Map<string, string>(config.profiles.map((p) => [p.name, path.basename(mainFile)]));
  const clashes: string[] = [];
  for (const { profile, file } of extra) {
    const first = where.get(profile.name);
    if (first) clashes.push(`the profile ${JSON.stringify(profile.name)} is in both ${first} and ${file}`);
    else where.set(profile.name, file);
  }
  if (clashes.length)
    throw new RsyncTrayError(
      'INVALID_CONFIG',
      `${clashes.join('; ').replace(/^t/, 'T')}.`,
      'Give each profile one file: rename or remove one of them; nothing was changed.',
    );
  return { ...config, profiles: [...config.profiles, ...extra.map((e) => e.profile)] };
}

/**
 * Saving a config read with conf.d: each conf.d profile goes back to its own file (changed or
 * not, so its file stays its source), one deleted from the window is set aside as
 * `NAME.json.removed` (not read again, but not destroyed), and the rest is the main file's.
 */
export async function splitConfD(config: Config, known: readonly ConfDProfile[]): Promise<Config> {
  const byName = new Map(known.map((k) => [k.profile.name, k]));
  const main: Profile[] = [];
  for (const profile of config.profiles) {
    const own = byName.get(profile.name);
    if (!own) {
      main.push(profile);
      continue;
    }
    byName.delete(profile.name);
    await writeFileAtomic(own.path, `${JSON.stringify(profile, null, 2)}\n`, { uniqueTemp: true });
  }
  for (const gone of byName.values()) await rename(gone.path, `${gone.path}.removed`);
  return { ...config, profiles: main };
}

/** The main file and its conf.d, as one config (what the hosts and `validate` read). */
export async function loadConfigWithConfD(
  mainFile: string,
  note?: (line: string) => void,
): Promise<{ config: Config; confD: ConfDProfile[] }> {
  const config = await loadConfig(mainFile, note);
  const confD = await loadConfD(mainFile);
  return { config: mergeConfD(config, mainFile, confD), confD };
}
