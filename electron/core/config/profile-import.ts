/**
 * Import of profiles from a file — the JSON export format, or a foreign format through an
 * importer — as a preview first (what would be created, what conflicts, every problem with its
 * place in the file), then an all-or-nothing merge into the config.
 */
import type { ImportMapping, ImportPreview } from '../../shared/contract.ts';
import { describeIssues, validateConfig } from './config-file.ts';
import { RsyncTrayError } from '../../shared/errors.ts';
import { ProfileSchema, type Config, type Profile } from '../../shared/profile-schema.ts';
import { importedHookProblems } from './hook-policy.ts';
import { migrateConfig } from './migrations.ts';

export type ImportFormat = 'json' | 'sersync';
export type ConflictChoice = 'replace' | 'skip' | 'rename';

/**
 * A parser of a foreign format; problems name their place in that file. `mapping` says, per
 * profile, what each setting came from and what the file had that a profile cannot hold.
 */
export type Importer = (text: string) => { profiles: unknown[]; problems: string[]; mapping?: ImportMapping[] };

export function previewImport(
  text: string,
  format: ImportFormat,
  config: Config,
  importers: Partial<Record<ImportFormat, Importer>> = {},
): ImportPreview {
  let raw: unknown[];
  const problems: string[] = [];
  let mapping: ImportMapping[] | undefined;
  if (format === 'json') {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      return { profiles: [], conflicts: [], problems: [`The file is not valid JSON: ${(error as Error).message}`] };
    }
    // An export from an older version is brought up to date exactly as a config file is, so
    // importing it gives the profiles that reading it as the config would (a newer one is refused).
    if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
      try {
        data = migrateConfig(data as Record<string, unknown>, 'The file').data;
      } catch (error) {
        if (!(error instanceof RsyncTrayError)) throw error;
        return { profiles: [], conflicts: [], problems: [`version: ${error.message} ${error.hint}`] };
      }
    }
    const list = (data as { profiles?: unknown })?.profiles;
    if (!Array.isArray(list))
      return {
        profiles: [],
        conflicts: [],
        problems: ['profiles: The file has no list of profiles. Is it a Rsync Tray export?'],
      };
    raw = list;
  } else {
    const importer = importers[format];
    if (!importer)
      throw new RsyncTrayError(
        'INVALID_CONFIG',
        `Importing ${format} files is not available here.`,
        'Use the JSON export format.',
      );
    const imported = importer(text);
    raw = imported.profiles;
    problems.push(...imported.problems);
    mapping = imported.mapping;
  }
  const profiles: Profile[] = [];
  raw.forEach((candidate, i) => {
    const parsed = ProfileSchema.safeParse(candidate);
    if (parsed.success) profiles.push(parsed.data);
    else
      problems.push(
        ...describeIssues(
          parsed.error.issues.map((issue) => ({ ...issue, path: ['profiles', i, ...issue.path] })),
          { profiles: raw },
        ),
      );
  });
  const names = new Set<string>();
  // Names compare without case, as the schema compares them ("Docs" and "docs" are one name).
  for (const p of profiles) {
    const key = p.name.toLowerCase();
    if (names.has(key)) problems.push(`profiles: the name "${p.name}" appears twice in the file`);
    names.add(key);
  }
  problems.push(...importedHookProblems(profiles, config.profiles));
  const existing = new Set(config.profiles.map((p) => p.name.toLowerCase()));
  const conflicts = profiles.filter((p) => existing.has(p.name.toLowerCase())).map((p) => p.name);
  return { profiles, conflicts, problems, ...(mapping ? { mapping } : {}) };
}

export interface ImportOutcome {
  config: Config;
  created: string[];
  replaced: string[];
  skipped: string[];
}

/** Nothing is imported unless everything can be: any problem, or an unresolved conflict, throws. */
export function applyImport(
  preview: ImportPreview,
  config: Config,
  conflicts: Readonly<Record<string, ConflictChoice>>,
): ImportOutcome {
  if (preview.problems.length) {
    throw new RsyncTrayError(
      'INVALID_CONFIG',
      `The file has ${preview.problems.length} problem${preview.problems.length === 1 ? '' : 's'}:\n` +
        `  ${preview.problems.join('\n  ')}`,
      'Fix the file and import again; nothing was imported.',
    );
  }
  const outcome: ImportOutcome = { config, created: [], replaced: [], skipped: [] };
  let profiles = [...config.profiles];
  for (const p of preview.profiles) {
    // Names compare as the schema compares them: without case.
    const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    const exists = profiles.some((x) => same(x.name, p.name));
    const choice = exists ? conflicts[p.name] : undefined;
    if (exists && !choice)
      throw new RsyncTrayError(
        'INVALID_CONFIG',
        `A profile named "${p.name}" exists already; nothing was imported.`,
        'Choose replace, skip or rename for it.',
      );
    if (choice === 'skip') outcome.skipped.push(p.name);
    else if (choice === 'replace') {
      profiles = profiles.map((x) => (same(x.name, p.name) ? p : x));
      outcome.replaced.push(p.name);
    } else {
      let name = p.name;
      for (let n = 2; profiles.some((x) => same(x.name, name)); n++) name = `${p.name} (${n})`;
      profiles.push({ ...p, name });
      outcome.created.push(name);
    }
  }
  // The result is checked as a whole before anything is written: two profiles whose targets
  // overlap (a renamed copy of the same target, say) are refused here, for every host.
  outcome.config = validateConfig({ ...config, profiles }, 'The config after this import');
  return outcome;
}
