/**
 * The config file: the same JSON as a profile export, read by the headless CLI and written by the
 * tray app. Reading never half-accepts a file: it is valid as a whole, or every problem is listed
 * with its place, and nothing runs.
 */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { RsyncTrayError } from '../../shared/errors.ts';
import { ConfigSchema, CONFIG_VERSION, KNOWN_FIELDS, type Config, type Profile } from '../../shared/profile-schema.ts';
import { nearest } from '../../shared/closest-name.ts';
import { asSentence, issueSentence } from '../../shared/validation-messages.ts';
import { migrateConfig } from './migrations.ts';

/** `profiles[0].targets[1].port` */
export function formatPath(p: ReadonlyArray<PropertyKey>): string {
  return p.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );
}

/** One line per problem: where it is (with the profile's name when known) and what is wrong. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string[] {
  return issues.map((issue) => {
    const where = formatPath(issue.path);
    let name: string | undefined;
    if (issue.path[0] === 'profiles' && typeof issue.path[1] === 'number') {
      const profiles = (input as { profiles?: unknown })?.profiles;
      const candidate = Array.isArray(profiles) ? (profiles[issue.path[1]] as { name?: unknown })?.name : undefined;
      if (typeof candidate === 'string' && candidate.trim()) name = candidate;
    }
    // In words a person reads (shared/validation-messages.ts), never zod's own text.
    const message = issue.code === 'unrecognized_keys' ? asSentence(unknownFields(issue.keys)) : issueSentence(issue);
    // Quoted as JSON: a name with a control character in it stays on its line, and visible.
    return `${where || '(top level)'}${name ? ` (profile ${JSON.stringify(name)})` : ''}: ${message}`;
  });
}

/** "unknown field "deletion" (did you mean "deletions"?)": refused, with the nearest known name. */
function unknownFields(keys: readonly string[]): string {
  const one = (k: string) => {
    const near = nearest(k, KNOWN_FIELDS);
    return `"${k}"${near ? ` (did you mean "${near}"?)` : ''}`;
  };
  const list = keys.map(one).join(', ');
  return `unknown field${keys.length === 1 ? '' : 's'} ${list}; nothing was changed — remove or rename it`;
}

// The nearest name is shared with the daemon's modules (core/rsync): it lives in shared.
export { nearest };

/**
 * What a migration changed, one line each, goes to `note` (the host logs it); a file already in
 * the current format gives none.
 */
export type ConfigNotes = (line: string) => void;

export function parseConfig(text: string, origin = 'the config', note?: ConfigNotes): Config {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new RsyncTrayError(
      'INVALID_CONFIG',
      `${origin} is not valid JSON: ${(error as Error).message}`,
      'Fix the JSON syntax (a validator or `rsync-tray validate --config FILE` shows the place), then try again.',
    );
  }
  return validateConfig(data, origin, note);
}

export function validateConfig(data: unknown, origin = 'the config', note?: ConfigNotes): Config {
  // Notes wait until the result is valid: a file that is refused changed nothing.
  const notes: string[] = [];
  // Older formats are brought up to date the same way in both hosts (a newer one is refused).
  if (typeof data === 'object' && data !== null && !Array.isArray(data) && ('profiles' in data || 'version' in data)) {
    data = migrateConfig(data as Record<string, unknown>, origin, (line) => notes.push(line)).data;
  }
  const result = ConfigSchema.safeParse(data);
  if (!result.success) throw refusal(result.error.issues, data, origin);
  for (const line of notes) note?.(line);
  return result.data;
}

function refusal(issues: readonly z.core.$ZodIssue[], data: unknown, origin: string): RsyncTrayError {
  const lines = describeIssues(issues, data);
  return new RsyncTrayError(
    'INVALID_CONFIG',
    `${origin} has ${lines.length} problem${lines.length === 1 ? '' : 's'}:\n  ${lines.join('\n  ')}`,
    'Correct the fields listed above; nothing was changed.',
  );
}

export async function loadConfig(file: string, note?: ConfigNotes): Promise<Config> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new RsyncTrayError(
        'CONFIG_NOT_FOUND',
        `There is no config file at ${file}.`,
        'Create one (see the README for an example) or pass its path with --config.',
      );
    }
    throw error;
  }
  return parseConfig(text, file, note);
}

/** The export/config JSON for some (default: all) profiles. Profiles carry no secrets by design. */
export function serializeConfig(config: Config, only?: readonly string[]): string {
  const profiles: Profile[] = only ? config.profiles.filter((p) => only.includes(p.name)) : config.profiles;
  return `${JSON.stringify({ version: CONFIG_VERSION, settings: config.settings, profiles }, null, 2)}\n`;
}
