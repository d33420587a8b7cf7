/**
 * Exclude patterns, matched exactly as rsync matches `--exclude=PATTERN`.
 *
 * The watcher drops events for excluded paths in JS, while full and batch syncs hand the same
 * patterns to rsync. If the two disagree, live sync and full sync drift apart (a classic lsyncd
 * complaint), so this is a port of rsync's own logic (exclude.c `rule_matches`, wildmatch.c
 * `dowild`) rather than a generic glob library, and test/core/exclude-rules.test.ts checks it
 * against the real binary.
 */

export interface ExcludeMatcher {
  /** relPath: '/'-separated, relative to the source root, no leading '../core' or '/'. True when the path
   *  itself or any of its ancestor directories is excluded (rsync never descends into an excluded dir).
   *  isDir must be false for a symlink, even one pointing at a directory (rsync does not follow it). */
  isExcluded(relPath: string, isDir: boolean): boolean;
  /** The same rules as rsync arguments, e.g. ['--exclude=*.tmp', '--exclude=/cache/']. */
  readonly rsyncArgs: readonly string[];
  readonly patterns: readonly string[];
}

interface Rule {
  dirOnly: boolean;
  /** Which string rsync matches: the last component, the whole path, or '/' + the whole path. */
  subject: 'name' | 'path' | 'slashPath';
  /** `x/***`: a directory is matched as 'x/', so the pattern also covers the directory itself. */
  dirGetsSlash: boolean;
  /** >0: match the last N components; -1: may start after any '/'; 0: must match from the start. */
  where: number;
  re: RegExp;
}

const CHAR_CLASSES: Record<string, (c: number) => boolean> = {
  // rsync uses the C library's ctype; in C and UTF-8 locales only ASCII bytes belong to a class.
  alnum: (c) => CHAR_CLASSES.alpha!(c) || CHAR_CLASSES.digit!(c),
  alpha: (c) => CHAR_CLASSES.upper!(c) || CHAR_CLASSES.lower!(c),
  blank: (c) => c === 0x20 || c === 0x09,
  cntrl: (c) => c < 0x20 || c === 0x7f,
  digit: (c) => c >= 0x30 && c <= 0x39,
  graph: (c) => c > 0x20 && c < 0x7f,
  lower: (c) => c >= 0x61 && c <= 0x7a,
  print: (c) => c >= 0x20 && c < 0x7f,
  punct: (c) => CHAR_CLASSES.graph!(c) && !CHAR_CLASSES.alnum!(c),
  space: (c) => c === 0x20 || (c >= 0x09 && c <= 0x0d),
  upper: (c) => c >= 0x41 && c <= 0x5a,
  xdigit: (c) => CHAR_CLASSES.digit!(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66),
};

const SLASH = 0x2f;

/** rsync compares bytes, not characters (`?` matches one byte of 'é'), so we match on UTF-8 bytes,
 *  each carried as one char 0-255 of a "binary" string. */
// TextEncoder rather than Buffer: the renderer validates excludes with this file in the browser.
const encoder = new TextEncoder();
// An ASCII string already is its bytes: the common case, asked once per directory while a watcher
// starts (20k times on a large tree), skips the encoding.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the test is for ASCII, control characters included.
const bytes = (s: string): string => (/^[\x00-\x7f]*$/.test(s) ? s : String.fromCharCode(...encoder.encode(s)));

const hex = (c: number): string => '\\x' + c.toString(16).padStart(2, '0');
const lit = (c: number): string => (/[A-Za-z0-9_]/.test(String.fromCharCode(c)) ? String.fromCharCode(c) : hex(c));

/** A byte set as a compact regex class (runs collapsed to ranges). */
function classToRegex(member: (c: number) => boolean): string {
  let out = '';
  for (let c = 0; c < 256; c++) {
    if (!member(c)) continue;
    let end = c;
    while (end + 1 < 256 && member(end + 1)) end++;
    out += end === c ? hex(c) : hex(c) + '-' + hex(end);
    c = end;
  }
  return out === '' ? '(?!)' : '[' + out + ']';
}

type Compiled = { source: string } | { error: string };

/**
 * Translate a wildcard pattern body (anchor and trailing '/' already removed) to regex source.
 * Mirrors dowild(): '*' never crosses '/', a run of two or more '*' does, '?' and classes never
 * match '/', and a backslash makes the next byte literal.
 */
function compileWild(pat: string): Compiled {
  let re = '';
  for (let i = 0; i < pat.length; i++) {
    const c = pat.charCodeAt(i);
    if (c === 0x5c /* \ */) {
      if (++i >= pat.length)
        return { error: 'ends with a backslash, which escapes nothing; write \\\\ for a literal backslash' };
      re += lit(pat.charCodeAt(i));
    } else if (c === 0x2a /* * */) {
      let run = 1;
      while (pat.charCodeAt(i + 1) === 0x2a) i++, run++;
      re += run > 1 ? '[\\s\\S]*' : '[^/]*';
    } else if (c === 0x3f /* ? */) {
      re += '[^/]';
    } else if (c === 0x5b /* [ */) {
      const cls = parseClass(pat, i + 1);
      if ('error' in cls) return cls;
      re += classToRegex(cls.member);
      i = cls.end;
    } else {
      re += lit(c);
    }
  }
  return { source: re };
}

/**
 * Parse a bracket expression starting just after '['; `end` is the index of the closing ']'.
 * Follows dowild()'s quirks on purpose: a ']' first in the set is literal, '-' is literal first,
 * last or right after a range, and '[:' without a matching ':]' is just a '['.
 */
function parseClass(pat: string, start: number): { member: (c: number) => boolean; end: number } | { error: string } {
  const unclosed = { error: "has a '[' without a closing ']'; close the set, or write \\[ for a literal '['" };
  const at = (k: number): number => (k < pat.length ? pat.charCodeAt(k) : 0);
  const tests: ((c: number) => boolean)[] = [];
  let i = start;
  let negate = false;
  if (at(i) === 0x21 /* ! */ || at(i) === 0x5e /* ^ */) (negate = true), i++;
  let prev = 0;
  do {
    let c = at(i);
    if (c === 0) return unclosed;
    if (c === 0x5c /* \ */) {
      c = at(++i);
      if (c === 0) return unclosed;
      const want = c;
      tests.push((t) => t === want);
    } else if (c === 0x2d /* - */ && prev !== 0 && at(i + 1) !== 0 && at(i + 1) !== 0x5d) {
      c = at(++i);
      if (c === 0x5c) c = at(++i);
      if (c === 0) return unclosed;
      const lo = prev;
      const hi = c;
      tests.push((t) => t >= lo && t <= hi);
      c = 0; // a '-' right after a range is literal again
    } else if (c === 0x5b /* [ */ && at(i + 1) === 0x3a /* : */) {
      const close = pat.indexOf(']', i + 2);
      if (close < 0) return unclosed;
      if (close - (i + 2) - 1 < 0 || at(close - 1) !== 0x3a) {
        tests.push((t) => t === 0x5b); // not a [:name:], so the '[' is an ordinary member
      } else {
        const name = pat.slice(i + 2, close - 1);
        const fn = CHAR_CLASSES[name];
        if (!fn)
          return {
            error: `uses an unknown character class [:${name}:]; use one of ${Object.keys(CHAR_CLASSES)
              .map((n) => `[:${n}:]`)
              .join(' ')}`,
          };
        tests.push(fn);
        i = close;
        c = 0;
      }
    } else {
      const want = c;
      tests.push((t) => t === want);
    }
    prev = c;
    i++;
  } while (at(i) !== 0x5d /* ] */);
  const member = (t: number): boolean => t !== SLASH && tests.some((f) => f(t)) !== negate;
  return { member, end: i };
}

/** Parse one pattern the way rsync's add_rule()/rule_matches() do; flags come from the raw text. */
function compileRule(pattern: string): Rule | { error: string } {
  let p = bytes(pattern);
  const dirOnly = p.length > 1 && p.endsWith('/');
  if (dirOnly) p = p.slice(0, -1);

  // rsync decides "wildcard or literal" and "has **" by scanning the text, escapes included:
  // `foo\**` counts as containing '**' even though dowild reads it as a literal '*' then '*'.
  const firstWild = p.search(/[*?[]/);
  const wild = firstWild >= 0;
  const wild2At = wild ? p.indexOf('**', firstWild) : -1;
  const wild2 = wild2At >= 0;
  const wild2Prefix = wild2At === 0;
  const slashCount = p.split('/').length - 1; // counts the anchoring '/', as rsync does
  const anchored = p.startsWith('/');
  const body = anchored ? p.slice(1) : p;
  if (body === '') return { error: "matches nothing ('/' alone is not a name); to exclude everything write *" };

  const compiled = wild ? compileWild(body) : { source: [...body].map((ch) => lit(ch.charCodeAt(0))).join('') };
  if ('error' in compiled) return compiled;

  const where = !anchored && slashCount > 0 && !wild2 ? slashCount + 1 : !anchored && wild2 && !wild2Prefix ? -1 : 0;
  return {
    dirOnly,
    subject: slashCount === 0 && !wild2 ? 'name' : wild2Prefix ? 'slashPath' : 'path',
    dirGetsSlash: wild2 && p.endsWith('***'),
    where,
    re: new RegExp((where === -1 ? '^(?:[\\s\\S]*/)?' : '^') + '(?:' + compiled.source + ')$'),
  };
}

/** relPath already in byte form. */
function ruleMatches(rule: Rule, path: string, isDir: boolean): boolean {
  if (rule.dirOnly && !isDir) return false;
  let s =
    rule.subject === 'name' ? path.slice(path.lastIndexOf('/') + 1) : rule.subject === 'slashPath' ? '/' + path : path;
  if (isDir && rule.dirGetsSlash) s += '/';
  if (rule.where > 0) {
    // Unanchored `a/b`: compare with exactly the last N components, never fewer.
    const parts = s.split('/');
    if (parts.length < rule.where) return false;
    s = parts.slice(-rule.where).join('/');
  }
  return rule.re.test(s);
}

/** Returns null when the pattern is acceptable, else a short message saying what is wrong and what to write instead. */
export function checkExcludePattern(pattern: string): string | null {
  const shown = JSON.stringify(pattern);
  if (pattern === '') return 'Exclude pattern is empty; write a name or pattern such as *.tmp or cache/.';
  if (/[\n\0]/.test(pattern)) return `Exclude pattern ${shown} contains a line break or NUL; write ? in its place.`;
  // rsync reads these at the start of an --exclude value as rule syntax, not as part of a name.
  if (pattern.startsWith('+ '))
    return (
      `Exclude pattern ${shown} starts with '+ ', which rsync reads as an include rule; ` +
      `only excludes are supported. For a name starting with '+ ', write [+] instead of '+'.`
    );
  if (pattern.startsWith('- '))
    return (
      `Exclude pattern ${shown} starts with '- ', a rule prefix; every pattern here is already an exclude, ` +
      `so drop it. For a name starting with '- ', write [-] instead of '-'.`
    );
  if (pattern === '!' || pattern.startsWith('! '))
    return (
      `Exclude pattern ${shown} looks like a '!' filter rule (a lone '!' clears rsync's exclude list); ` +
      `only plain excludes are supported. For a name starting with '!', write [\\!] instead.`
    );
  const rule = compileRule(pattern);
  return 'error' in rule ? `Exclude pattern ${shown} ${rule.error}.` : null;
}

/** Throws an Error (message from checkExcludePattern) on a bad pattern. */
export function compileExcludes(patterns: readonly string[]): ExcludeMatcher {
  const rules = patterns.map((pattern) => {
    const problem = checkExcludePattern(pattern);
    if (problem !== null) throw new Error(problem);
    return compileRule(pattern) as Rule;
  });
  const matchesAny = (path: string, isDir: boolean): boolean => rules.some((r) => ruleMatches(r, path, isDir));
  return {
    patterns: Object.freeze([...patterns]),
    rsyncArgs: Object.freeze(patterns.map((p) => `--exclude=${p}`)),
    isExcluded(relPath: string, isDir: boolean): boolean {
      if (rules.length === 0) return false;
      const path = bytes(relPath.endsWith('/') ? relPath.replace(/\/+$/, '') : relPath);
      if (path === '') return false; // the transfer root itself is never excluded
      // rsync tests each directory on the way down and stops at the first excluded one.
      for (let slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
        if (matchesAny(path.slice(0, slash), true)) return true;
      }
      return matchesAny(path, isDir);
    },
  };
}
