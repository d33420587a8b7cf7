/**
 * The rsync side of a sersync confxml.xml: its <filter> regular expressions as rsync exclude
 * patterns, and the options of <commonParams params="..."> as Rsync Tray settings. Pure.
 */

/**
 * sersync filters are regular expressions matched against the path relative to the watched
 * folder; rsync excludes are wildcard patterns. The forms people actually write translate
 * exactly; anything else is reported rather than guessed at.
 */
export function sersyncRegexToExclude(expression: string): { pattern: string } | { error: string } {
  const expr = expression.trim();
  // A literal body: metacharacters only when escaped (\. \- ...), which then stand for themselves.
  const literal = (s: string): string | null => {
    let out = '';
    for (let k = 0; k < s.length; k++) {
      const c = s[k]!;
      if (c === '\\') {
        const next = s[++k];
        if (next === undefined || /[A-Za-z0-9]/.test(next)) return null; // \d, \w, ... are classes
        out += next;
      } else if ('^$.|?*+()[]{}'.includes(c)) return null;
      else out += c;
    }
    // rsync would read these as wildcards; a name containing them needs rsync's own escaping.
    return out && !/[*?[\\]/.test(out) ? out : null;
  };
  // (.*)\.svn   .*\.gz   (.*)~   → *.svn, *.gz, *~  (anywhere in the tree, as sersync matches)
  let m = /^(?:\(\.\*\)|\.\*)(.+?)\$?$/.exec(expr);
  if (m) {
    const body = literal(m[1]!);
    if (body !== null) return { pattern: `*${body}` };
  }
  // ^info/*   ^info/.*   ^info/(.*)   ^info   → /info (the entry at the top of the watched folder)
  m = /^\^(.+?)(?:\/\*|\/\.\*|\/\(\.\*\)|\/)?\$?$/.exec(expr);
  if (m) {
    const body = literal(m[1]!);
    if (body !== null) return { pattern: `/${body.replace(/^\/+/, '')}` };
  }
  // A plain name. sersync matches the whole relative path (hence the (.*) in its examples), so
  // "cache" is the entry at the top of the watched folder.
  const plain = literal(expr);
  if (plain !== null) return { pattern: `/${plain.replace(/^\/+/, '')}` };
  return {
    error:
      `the regular expression "${expression}" has no exact rsync exclude pattern; write it in one of the forms ` +
      `(.*)\\.ext, ^dir/* or a plain name, or exclude it in Rsync Tray's profile editor after the import`,
  };
}

/** rsync short options that change nothing for a daemon mirror made with -a, or that we set ourselves. */
const HARMLESS_SHORT = new Set([
  'a',
  'r',
  't',
  'l',
  'p',
  'g',
  'o',
  'D',
  'v',
  'q',
  'u',
  'H',
  'R',
  'd',
  'i',
  'P',
  'h',
  'c',
  'W',
]);
const HARMLESS_LONG = new Set([
  'archive',
  'recursive',
  'times',
  'links',
  'perms',
  'group',
  'owner',
  'devices',
  'specials',
  'verbose',
  'quiet',
  'update',
  'hard-links',
  'relative',
  'progress',
  'partial',
  'human-readable',
  'checksum',
  'whole-file',
  'delete',
  'delete-after',
  'delete-during',
  'delete-delay',
  'delete-before',
  'ignore-errors',
  'force',
  'stats',
  'itemize-changes',
]);

/** What -a already gives, which Rsync Tray always passes: carried over as they are, not dropped. */
const COVERED_BY_ARCHIVE = new Set([
  'a',
  'r',
  't',
  'l',
  'p',
  'g',
  'o',
  'D',
  'archive',
  'recursive',
  'times',
  'links',
  'perms',
  'group',
  'owner',
  'devices',
  'specials',
]);

const OUTPUT = 'Rsync Tray sets rsync’s output options itself: it reads the itemized names and totals of every run.';
const DELETE = 'Deletions follow <inotify><delete> (and the deletion budget), not an rsync option.';

/**
 * Why each harmless option is left out (policy as data): the import preview lists them, so
 * nobody finds out later that -u or -H did not come along.
 */
const DROPPED_OPTION_WHY: Readonly<Record<string, string>> = {
  u: 'Rsync Tray mirrors the source: a file changed on the backup is overwritten, not kept because it is newer.',
  update: 'Rsync Tray mirrors the source: a file changed on the backup is overwritten, not kept because it is newer.',
  H: 'Hard links are not preserved: each link arrives on the backup as a separate copy of the file.',
  'hard-links': 'Hard links are not preserved: each link arrives on the backup as a separate copy of the file.',
  v: OUTPUT,
  verbose: OUTPUT,
  q: OUTPUT,
  quiet: OUTPUT,
  i: OUTPUT,
  'itemize-changes': OUTPUT,
  h: OUTPUT,
  'human-readable': OUTPUT,
  P: OUTPUT,
  progress: OUTPUT,
  stats: OUTPUT,
  partial: 'Rsync Tray resends a file cut off mid-transfer whole, at the next run.',
  R: 'Rsync Tray sends paths relative to the source folder itself.',
  relative: 'Rsync Tray sends paths relative to the source folder itself.',
  d: 'Rsync Tray always copies whole trees (-a).',
  c: 'Files are compared by size and time, as rsync does by default; a checksum pass would read every file at every sync.',
  checksum:
    'Files are compared by size and time, as rsync does by default; a checksum pass would read every file at every sync.',
  W: 'rsync chooses between whole files and deltas itself.',
  'whole-file': 'rsync chooses between whole files and deltas itself.',
  delete: DELETE,
  'delete-after': DELETE,
  'delete-during': DELETE,
  'delete-delay': DELETE,
  'delete-before': DELETE,
  'ignore-errors': DELETE,
  force: DELETE,
};

export interface ParsedParams {
  compress: boolean;
  bandwidthLimit: string | null;
  excludes: string[];
  problems: string[];
  /** Options accepted but not carried over, each with why ("-u", "--hard-links"). */
  dropped: Array<{ option: string; why: string }>;
}

/** commonParams: the options sersync passes to every rsync it runs. */
export function parseCommonParams(params: string, where: string): ParsedParams {
  const out: ParsedParams = { compress: false, bandwidthLimit: null, excludes: [], problems: [], dropped: [] };
  const drop = (option: string, name: string) => {
    if (COVERED_BY_ARCHIVE.has(name) || out.dropped.some((d) => d.option === option)) return;
    out.dropped.push({ option, why: DROPPED_OPTION_WHY[name] ?? 'Rsync Tray sets this itself.' });
  };
  const words = params.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
  for (let k = 0; k < words.length; k++) {
    const word = words[k]!.replace(/^(["'])(.*)\1$/, '$2');
    const long = /^--([a-z-]+)(?:=(.*))?$/.exec(word);
    if (long) {
      const [, name, value] = long as unknown as [string, string, string | undefined];
      const next = (): string | undefined =>
        value !== undefined ? value : words[++k]?.replace(/^(["'])(.*)\1$/, '$2');
      if (name === 'compress') out.compress = true;
      else if (name === 'bwlimit') {
        const v = next() ?? '';
        // rsync reads a bare number as KiB/s; Rsync Tray wants the unit spelled out.
        out.bandwidthLimit = /^\d+(\.\d+)?$/.test(v) ? `${v}K` : v;
      } else if (name === 'exclude') out.excludes.push(next() ?? '');
      else if (name === 'timeout' || name === 'contimeout' || name === 'port' || name === 'password-file') {
        out.problems.push(
          `${where}: --${name} belongs in its own element (<timeout>, <userDefinedPort>, <auth>); ` +
            `remove it from params`,
        );
        if (value === undefined) k++;
      } else if (!HARMLESS_LONG.has(name))
        out.problems.push(
          `${where}: the rsync option --${name} cannot be carried over to Rsync Tray; remove it from params to import`,
        );
      else drop(`--${name}`, name);
      continue;
    }
    if (/^-[A-Za-z]+$/.test(word)) {
      for (const letter of word.slice(1)) {
        if (letter === 'z') out.compress = true;
        else if (letter === 'e')
          out.problems.push(
            `${where}: -e (a remote shell, e.g. ssh) is not supported; ` +
              `Rsync Tray talks to rsync daemons (host::module)`,
          );
        else if (!HARMLESS_SHORT.has(letter))
          out.problems.push(
            `${where}: the rsync option -${letter} cannot be carried over to Rsync Tray; ` +
              `remove it from params to import`,
          );
        else drop(`-${letter}`, letter);
      }
      continue;
    }
    out.problems.push(`${where}: "${word}" is not an rsync option`);
  }
  return out;
}
