/**
 * What a profile's exclude rules hide, before it is saved: the source folder is walked the way
 * rsync walks it (an excluded folder is not entered, so everything inside it is hidden with it),
 * and each hidden entry is put to the first rule that matches it — rsync's own "first matching
 * rule wins". People see per rule how many entries it hides and the first names, so a rule that
 * hides nothing (a typo) or far too much (`*` for `*.tmp`) shows while they type.
 *
 * Each rule is compiled alone with the matcher the engine uses (shared/exclude-rules.ts, a port of
 * rsync's own matching), so the preview can never disagree with what a sync does.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ExcludePreview, ExcludeRuleHits } from '../../shared/contract.ts';
import { RsyncTrayError } from '../../shared/errors.ts';
import { checkExcludePattern, compileExcludes, type ExcludeMatcher } from '../../shared/exclude-rules.ts';
import { decodeName, encodeName } from '../../shared/names.ts';

/** A preview is a look while typing: it stops after this many entries or this long, and says so. */
export const EXCLUDE_PREVIEW_POLICY = {
  maxEntries: 200_000,
  maxMs: 2_000,
  /** Names shown per rule ("folder/" for a folder). */
  namesPerRule: 20,
} as const;

interface Rule {
  hits: ExcludeRuleHits;
  matcher: ExcludeMatcher;
}

export async function previewExcludes(
  source: string,
  patterns: readonly string[],
  options: { now?: () => number; policy?: Partial<Record<keyof typeof EXCLUDE_PREVIEW_POLICY, number>> } = {},
): Promise<ExcludePreview> {
  const policy = { ...EXCLUDE_PREVIEW_POLICY, ...options.policy };
  const now = options.now ?? performance.now.bind(performance);
  await requireFolder(source);
  const invalid: ExcludePreview['invalid'] = [];
  const rules: Rule[] = [];
  for (const pattern of patterns) {
    if (!pattern.trim()) continue;
    const problem = checkExcludePattern(pattern);
    if (problem) invalid.push({ pattern, problem });
    else rules.push({ hits: { pattern, hidden: 0, names: [] }, matcher: compileExcludes([pattern]) });
  }
  const deadline = now() + policy.maxMs;
  let scanned = 0;
  let complete = true;
  const full = (): boolean => {
    if (scanned < policy.maxEntries && now() < deadline) return false;
    complete = false;
    return true;
  };

  /** Counts a hidden folder's contents (not matched: rsync never looks inside). */
  const countInside = async (dir: Buffer): Promise<number> => {
    let n = 0;
    const stack = [dir];
    while (stack.length && !full()) {
      const at = stack.pop()!;
      for (const entry of await entries(at)) {
        n++;
        scanned++;
        if (entry.isDirectory()) stack.push(join(at, entry.name));
      }
    }
    return n;
  };

  // Depth first with an explicit stack: a deep tree must not exhaust the call stack.
  const stack: Array<{ dir: Buffer; rel: string }> = [{ dir: Buffer.from(source), rel: '' }];
  while (stack.length && !full()) {
    const { dir, rel } = stack.pop()!;
    for (const entry of await entries(dir)) {
      scanned++;
      const name = decodeName(entry.name);
      const relPath = rel ? `${rel}/${name}` : name;
      const isDir = entry.isDirectory();
      const rule = rules.find((r) => r.matcher.isExcluded(relPath, isDir));
      if (!rule) {
        if (isDir) stack.push({ dir: join(dir, entry.name), rel: relPath });
        continue;
      }
      rule.hits.hidden += 1 + (isDir ? await countInside(join(dir, entry.name)) : 0);
      if (rule.hits.names.length < policy.namesPerRule) rule.hits.names.push(isDir ? `${relPath}/` : relPath);
    }
  }
  for (const r of rules) r.hits.names.sort();
  return { scanned, complete, rules: rules.map((r) => r.hits), invalid };
}

/** A folder's entries with their names as bytes (shared/names.ts); one that cannot be read is empty. */
async function entries(dir: Buffer) {
  try {
    return await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
  } catch {
    return [];
  }
}

const join = (dir: Buffer, name: Buffer): Buffer => Buffer.concat([dir, Buffer.from(path.sep), name]);

/** A preview's source must be a folder: refused with what to do, before anything is walked or sent. */
export async function requireFolder(source: string): Promise<void> {
  // stat, not lstat: rsync follows a source given as a symlink (it is named with a trailing "/").
  const why = await stat(Buffer.from(encodeName(source))).then(
    (s) => (s.isDirectory() ? null : 'is not a folder'),
    () => 'does not exist',
  );
  if (why)
    throw new RsyncTrayError(
      'SOURCE_MISSING',
      `The source folder ${source} ${why}, so there is nothing to preview.`,
      'Choose the source folder first (or mount the disk it is on); the preview then shows what each rule hides.',
    );
}
