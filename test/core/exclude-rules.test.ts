import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkExcludePattern, compileExcludes } from '../../electron/shared/exclude-rules.ts';

const run = promisify(execFile);

/** [pattern, path, isDir, excluded?] — each checked with that single pattern. */
const TABLE: [string, string, boolean, boolean][] = [
  // no inner '/': the last component, at any depth
  ['*.tmp', 'a.tmp', false, true],
  ['*.tmp', 'deep/er/a.tmp', false, true],
  ['*.tmp', 'a.tmp.bak', false, false],
  ['*.tmp', 'x.tmp/inside', false, true], // an excluded dir hides its contents
  ['cache', 'cache', true, true],
  ['cache', 'sub/cache', false, true],
  ['cache', 'sub/cache2', false, false],
  ['*~', 'notes.txt~', false, true],
  ['.*', '.hidden', false, true],
  ['.*', 'a/.git/config', false, true],
  ['.*', 'a.b', false, false],
  // trailing '/': directories only (symlinks are not directories)
  ['cache/', 'cache', true, true],
  ['cache/', 'cache', false, false],
  ['cache/', 'a/cache/file', false, true],
  // leading '/': anchored at the transfer root
  ['/cache', 'cache', false, true],
  ['/cache', 'sub/cache', false, false],
  ['/cache/', 'cache/x', false, true],
  ['/foo/bar', 'foo/bar', false, true],
  ['/foo/bar', 'x/foo/bar', false, false],
  // inner '/': the last N components, at any directory boundary
  ['foo/bar', 'foo/bar', false, true],
  ['foo/bar', 'x/foo/bar', false, true],
  ['foo/bar', 'xfoo/bar', false, false],
  ['foo/bar', 'foo/bar/baz', false, true], // via its ancestor foo/bar
  ['x/*/bar', 'x/y/bar', false, true],
  ['x/*/bar', 'x/y/z/bar', false, false],
  // '*' stays in one component, '**' crosses '/'
  ['x*z', 'x/z', false, false],
  ['/x*bar', 'x/foo/bar', false, false],
  ['/x*bar', 'xfoobar', false, true],
  ['a/**/b', 'a/b', false, false], // '**/' needs at least the '/'
  ['a/**/b', 'a/1/2/b', false, true],
  ['/a/**/b', 'q/a/1/b', false, false],
  ['**/deep', 'deep', true, true], // a leading '**' also matches at the root
  ['**/deep', 'n/m/deep', true, true],
  ['**.tmp', 'a/b.tmp', false, true],
  ['deep/**', 'deep', true, false],
  ['deep/**', 'deep/x', false, true],
  ['deep/**', 'n/deep/x/y', false, true],
  // 'dir/***': the dir itself and everything below
  ['deep/***', 'deep', true, true],
  ['deep/***', 'deep', false, false],
  ['deep/***', 'n/deep/f', false, true],
  ['/deep/***', 'n/deep', true, false],
  // '?' is one byte, not one character: rsync compares bytes
  ['?', 'a', false, true],
  ['?', 'é', false, false],
  ['??', 'é', false, true],
  ['?', '/', false, false],
  ['line?break', 'line\nbreak', false, true],
  // character classes
  ['[br]*', 'bob', false, true],
  ['[br]*', 'abc', false, false],
  ['[!a-z]*', 'Abc', false, true],
  ['[!a-z]*', 'abc', false, false],
  ['[^a-z]*', '1bc', false, true],
  ['[]x]', ']', false, true], // ']' first in a set is literal
  ['[a-]', '-', false, true], // '-' last in a set is literal
  ['[a-c-e]', '-', false, true], // ...and so is a '-' right after a range
  ['[a-c-e]', 'd', false, false],
  ['[[:digit:]]*', '9lives', false, true],
  ['[[:upper:]]', 'é', false, false],
  ['a[/x]b', 'a/b', false, false], // a set never matches '/'
  ['a[/x]b', 'axb', false, false], // ...yet its '/' still counts: rsync wants two components
  ['nest**er', 'nested/deep/er', true, true], // '**' alone makes it a full-path pattern
  ['nest**er', 'x/er', true, false],
  ['[-] minus', '- minus', false, true],
  ['[\\!] bang', '! bang', false, true],
  // backslash escapes only in patterns that have a wildcard
  ['star\\*name', 'star*name', false, true],
  ['star\\*name', 'starXname', false, false],
  ['q\\?mark', 'q?mark', false, true],
  ['\\[br]ackets', '[br]ackets', false, true],
  ['back\\slash', 'back\\slash', false, true], // no wildcard: the backslash is literal
  ['dir\\\\with*', 'dir\\with\\bs', true, true],
  ['foo\\b*', 'foob', false, true],
  // literal odd names
  ['-rf', '-rf', false, true],
  ['#*', '#hash', false, true],
  ['a b', 'a b', false, true],
  ['!bang', '!bang', false, true],
  ['日本語/', '日本語/ファイル.txt', false, true],
];

describe('compileExcludes: pattern table', () => {
  it.each(TABLE)('%j on %j (dir=%s) → %s', (pattern, path, isDir, expected) => {
    expect(compileExcludes([pattern]).isExcluded(path, isDir)).toBe(expected);
  });

  it('combines patterns and renders rsync arguments', () => {
    const m = compileExcludes(['*.tmp', '/cache/']);
    expect(m.rsyncArgs).toEqual(['--exclude=*.tmp', '--exclude=/cache/']);
    expect(m.patterns).toEqual(['*.tmp', '/cache/']);
    expect(m.isExcluded('a/b.tmp', false)).toBe(true);
    expect(m.isExcluded('cache/x', false)).toBe(true);
    expect(m.isExcluded('a/cache/x', false)).toBe(false);
    expect(compileExcludes([]).isExcluded('anything', false)).toBe(false);
  });

  it('never excludes the transfer root', () => {
    expect(compileExcludes(['*']).isExcluded('', true)).toBe(false);
  });
});

describe('checkExcludePattern', () => {
  it.each([
    ['', /empty/],
    ['a\nb', /line break/],
    ['a\0b', /NUL/],
    ['+ keep', /include/],
    ['- drop', /\[-\]/],
    ['!', /clears/],
    ['! x', /\[\\!\]/],
    ['foo[', /closing '\]'/],
    ['[[:bogus:]]', /unknown character class/],
    ['foo*\\', /backslash/],
    ['/', /matches nothing/],
  ])('rejects %j', (pattern, message) => {
    expect(checkExcludePattern(pattern)).toMatch(message);
    expect(() => compileExcludes([pattern])).toThrow(message);
  });

  it.each(['*.tmp', '-rf', '!x', '+x', 'foo\\', 'a b', '/cache/', 'dir/***', '[]]'])('accepts %j', (pattern) => {
    expect(checkExcludePattern(pattern)).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// Agreement with the real rsync: what it would transfer must be exactly what we do not exclude.

const hasRsync = (() => {
  try {
    execFileSync('rsync', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Trailing '/' makes a directory; 'name -> target' a symlink. */
const TREE = [
  'a b',
  'héllo wörld.txt',
  'é',
  '日本語/',
  '日本語/ファイル.txt',
  '-rf',
  '-dash dir/',
  '-dash dir/inner',
  '#hash',
  ';semi',
  '#dir/',
  '#dir/x;y',
  'star*name',
  'starXname',
  'q?mark',
  '[br]ackets',
  'br',
  'x]y',
  'a-z',
  ']',
  'back\\slash',
  'dir\\with\\bs/',
  'dir\\with\\bs/f',
  'x\\#012y',
  'line\nbreak',
  'tab\there',
  'trailing space ',
  '.hidden',
  '.config/',
  '.config/app.json',
  'notes.txt~',
  'sub/',
  'sub/draft~',
  'file.tmp',
  'nested/',
  'nested/deep/',
  'nested/deep/er/',
  'nested/deep/er/file.tmp',
  'nested/deep/file.tmp',
  'nested/file.tmp',
  'deep/',
  'deep/f',
  'cache/',
  'cache/data',
  'sub/cache/',
  'sub/cache/x',
  'other/',
  'other/cache',
  'foo/',
  'foo/bar',
  'x/',
  'x/foo/',
  'x/foo/bar/',
  'x/foo/bar/baz',
  'x/y/',
  'x/y/foo/',
  'x/y/foo/bar',
  'node_modules/',
  'node_modules/pkg/',
  'node_modules/pkg/index.js',
  'app/',
  'app/node_modules/',
  'app/node_modules/m.js',
  'app/main.js',
  'axb',
  'sub/axb',
  'd',
  '-',
  'xfoobar',
  '+ plus',
  '- minus',
  '! bang',
  '!bang',
  '123',
  'a1',
  'A',
  'Z9',
  'links/',
  'links/cache -> ../nested',
  'linkdir -> nested',
];

const PATTERNS: string[][] = [
  ['*.tmp'],
  ['*~'],
  ['.*'],
  ['cache'],
  ['cache/'],
  ['/cache/'],
  ['/cache'],
  ['foo/bar'],
  ['/foo/bar'],
  ['x/*/bar'],
  ['node_modules/'],
  ['/nested/***'],
  ['deep/***'],
  ['nested/**/file.tmp'],
  ['/nested/**/file.tmp'],
  ['**/deep'],
  ['deep/**'],
  ['**/file.tmp'],
  ['**.tmp'],
  ['x/**/bar'],
  ['*/deep/er'],
  ['deep/er/'],
  ['star\\*name'],
  ['q\\?mark'],
  ['\\[br]ackets'],
  ['[br]*'],
  ['[!a-z]*'],
  ['[^.]*'],
  ['[]x]*'],
  ['[a-]*'],
  ['[a-c-e]'],
  ['/x*bar'],
  ['/nested/*.tmp'],
  ['*[*?[]*'],
  ['?'],
  ['??'],
  ['é'],
  ['[[:digit:]]*'],
  ['[[:upper:]][[:alnum:]]'],
  ['*ll?'],
  ['back\\slash'],
  ['dir\\\\with*'],
  ['dir\\with\\bs/'],
  ['foo\\**'],
  ['x\\\\#012y'],
  ['line?break'],
  ['tab?here'],
  ['trailing space '],
  ['-rf'],
  ['-dash dir/'],
  ['#*'],
  [';semi'],
  ['[-] minus'],
  ['[+] plus'],
  ['[\\!] bang'],
  ['!bang'],
  ['a b'],
  ['日本語/'],
  ['a[/x]b'],
  ['nest**er'],
  ['x**'],
  ['*.tmp', '/cache/', 'node_modules/', '.*', '*~', 'x/foo/'],
];

function buildTree(root: string): void {
  for (const entry of TREE) {
    const [name, target] = entry.split(' -> ');
    const full = join(root, name!);
    if (target !== undefined) symlinkSync(target, full);
    else if (name!.endsWith('/')) mkdirSync(full, { recursive: true });
    else writeFileSync(full, 'x');
  }
}

/** Every path under root, directories with a trailing '/' as rsync prints them. */
function walk(root: string, rel = ''): { path: string; isDir: boolean }[] {
  return readdirSync(join(root, rel), { withFileTypes: true }).flatMap((d) => {
    const path = rel === '' ? d.name : `${rel}/${d.name}`;
    return d.isDirectory() ? [{ path, isDir: true }, ...walk(root, path)] : [{ path, isDir: false }];
  });
}

/** rsync escapes unprintable bytes in names as \#ooo (and a '\' before '#' as \#134), so lines split safely. */
function parseOutFormat(stdout: Buffer): string[] {
  return stdout
    .toString('latin1')
    .split('\n')
    .filter((line) => line !== '' && line !== './')
    .map((line) =>
      Buffer.from(
        line.replace(/\\#([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))),
        'latin1',
      ).toString('utf8'),
    );
}

describe.skipIf(!hasRsync)('compileExcludes agrees with the real rsync', () => {
  let dir = '';
  let src = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'exclude-rules-'));
    src = join(dir, 'src');
    mkdirSync(src);
    buildTree(src);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the tree has every awkward name', () => {
    expect(walk(src)).toHaveLength(TREE.length);
  });

  it.each(PATTERNS.map((p) => [p.join(' | '), p] as const))('%s', async (_label, patterns) => {
    const matcher = compileExcludes(patterns);
    const { stdout } = await run(
      'rsync',
      ['-a', '-n', '-8', '--out-format=%n', ...matcher.rsyncArgs, `${src}/`, join(dir, 'dst')],
      { encoding: 'buffer', env: { ...process.env, LC_ALL: 'C' } },
    );
    const byRsync = parseOutFormat(stdout).sort();
    const byUs = walk(src)
      .filter((e) => !matcher.isExcluded(e.path, e.isDir))
      .map((e) => (e.isDir ? `${e.path}/` : e.path))
      .sort();
    expect(byUs).toEqual(byRsync);
  });
});
