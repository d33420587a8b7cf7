/**
 * The Chromium (and V8) switches the app may set, and a test that fails on any other. A switch such
 * as ignore-certificate-errors, remote-debugging-port, disable-web-security or no-sandbox undoes
 * the window's hardening for every page at once, and electronegativity's CUSTOM_ARGUMENTS_JS_CHECK
 * only says "review this" (scripts/lint-electron.ts gates it by the exact line); this test holds
 * the list itself, switch by switch and value by value, each with the reason it is there.
 *
 * Why a regex over the source text, not an AST: the only way to set a switch from code is
 * app.commandLine.appendSwitch / appendArgument, and every mention of those two names is taken as
 * a call to check — one whose switch (and value) is not a plain string literal, or a mention that
 * is not a call at all (`const { appendSwitch } = …`, `commandLine['appendSwitch']`), fails as
 * unrecognised. So the scanner fails closed where a regex cannot follow the code, and stays a few
 * lines instead of a TypeScript program walk. Comment lines are skipped so prose may name them.
 *
 * It scans the whole electron/ tree (main and preload, where Electron is reachable, and the rest
 * for good measure — core and headless do not import Electron; test/architecture checks that).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const SOURCE_DIRS = ['electron'];
const SOURCE_EXTENSIONS = /\.(ts|mts|cts|js|mjs|cjs)$/;

/** The switches the app may set: name + exact value (undefined: a switch without one) → why. */
const ALLOWED_SWITCHES: ReadonlyArray<{
  call: 'appendSwitch' | 'appendArgument';
  name: string;
  value?: string;
  reason: string;
}> = [
  {
    call: 'appendSwitch',
    name: 'js-flags',
    value: '--max-semi-space-size=1',
    reason:
      'V8 memory only: keeps the young generation small in a process that idles for days (electron/main/index.ts). ' +
      'No effect on web security, sandboxing, certificates or debugging.',
  },
];

interface SwitchUse {
  file: string;
  line: number;
  call: string;
  /** The switch's name, or undefined when it is not a string literal (or not a call). */
  name?: string;
  value?: string;
  /** The source text from the call on, for messages. */
  text: string;
}

const STRING = String.raw`(?:'([^'\\\n]*)'|"([^"\\\n]*)"|\x60([^\x60\\$]*)\x60)`;
/** A literal call: appendSwitch( 'name' [, 'value'] [,] ). */
const LITERAL_CALL = new RegExp(
  String.raw`^(appendSwitch|appendArgument)\s*\(\s*${STRING}\s*(?:,\s*${STRING}\s*)?,?\s*\)`,
);
const MENTION = /\b(appendSwitch|appendArgument)\b/g;

/** Every mention of appendSwitch / appendArgument in `source` (comment lines skipped). */
function findSwitchUses(file: string, source: string): SwitchUse[] {
  const uses: SwitchUse[] = [];
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') lineStarts.push(i + 1);
  for (const match of source.matchAll(MENTION)) {
    const at = match.index;
    let line = lineStarts.findLastIndex((start) => start <= at);
    const lineText = source.slice(
      lineStarts[line],
      source.indexOf('\n', at) === -1 ? undefined : source.indexOf('\n', at),
    );
    line += 1;
    const trimmed = lineText.trimStart();
    if (trimmed.startsWith('//') || trimmed.startsWith('*') || trimmed.startsWith('/*')) continue;
    const rest = source.slice(at);
    const literal = LITERAL_CALL.exec(rest);
    const text = (literal?.[0] ?? rest.slice(0, 80)).replace(/\s+/g, ' ');
    if (!literal) {
      uses.push({ file, line, call: match[1]!, text });
      continue;
    }
    const [, call, n1, n2, n3, v1, v2, v3] = literal;
    uses.push({ file, line, call: call!, name: n1 ?? n2 ?? n3, value: v1 ?? v2 ?? v3, text });
  }
  return uses;
}

/** The uses not on the allow-list, each with what to do about it. */
function disallowed(uses: readonly SwitchUse[], allowed = ALLOWED_SWITCHES): string[] {
  return uses
    .filter(
      (u) =>
        u.name === undefined || !allowed.some((a) => a.call === u.call && a.name === u.name && a.value === u.value),
    )
    .map((u) =>
      u.name === undefined
        ? `${u.file}:${u.line}: unrecognised use of ${u.call} (\`${u.text}\`): call it with string literals, ` +
          'so this test can read the switch.'
        : `${u.file}:${u.line}: ${u.call}('${u.name}'${u.value === undefined ? '' : `, '${u.value}'`}) is not an ` +
          'allowed Chromium switch: remove it, or add it to ALLOWED_SWITCHES in test/main/chromium-switches.test.ts ' +
          'with the reason it is safe.',
    );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && SOURCE_EXTENSIONS.test(e.name))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

describe('the Chromium switches the app sets', () => {
  const files = SOURCE_DIRS.flatMap(sourceFiles);
  const uses = files.flatMap((file) => findSwitchUses(file, readFileSync(path.join(root, file), 'utf8')));

  it('scans electron/main and electron/preload', () => {
    expect(files).toContain('electron/main/index.ts');
    expect(files.some((f) => f.startsWith('electron/preload/'))).toBe(true);
  });

  it('are all on the allow-list, with a reason each', () => {
    expect(disallowed(uses)).toEqual([]);
    for (const a of ALLOWED_SWITCHES) expect(a.reason.length, a.name).toBeGreaterThan(20);
  });

  it('include every allowed switch (the list does not rot)', () => {
    const unused = ALLOWED_SWITCHES.filter(
      (a) => !uses.some((u) => u.call === a.call && u.name === a.name && u.value === a.value),
    );
    expect(unused.map((a) => a.name)).toEqual([]);
  });
});

describe('the switch scanner (fixtures)', () => {
  it("finds appendSwitch('remote-debugging-port', '9222') and fails it", () => {
    const source = [
      "import { app } from 'electron';",
      "app.commandLine.appendSwitch('js-flags', '--max-semi-space-size=1');",
      "app.commandLine.appendSwitch('remote-debugging-port', '9222');",
    ].join('\n');
    const uses = findSwitchUses('fixture.ts', source);
    expect(uses.map((u) => [u.line, u.name, u.value])).toEqual([
      [2, 'js-flags', '--max-semi-space-size=1'],
      [3, 'remote-debugging-port', '9222'],
    ]);
    const problems = disallowed(uses);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("fixture.ts:3: appendSwitch('remote-debugging-port', '9222') is not an allowed");
  });

  it('finds switches without a value, in double quotes or backticks, split over lines, and appendArgument', () => {
    const source = [
      'app.commandLine.appendSwitch("ignore-certificate-errors");',
      'app.commandLine.appendSwitch(`no-sandbox`);',
      'app.commandLine.appendSwitch(',
      "  'disable-web-security',",
      ');',
      "app.commandLine.appendArgument('--inspect=9229');",
    ].join('\n');
    const uses = findSwitchUses('fixture.ts', source);
    expect(uses.map((u) => [u.line, u.call, u.name, u.value])).toEqual([
      [1, 'appendSwitch', 'ignore-certificate-errors', undefined],
      [2, 'appendSwitch', 'no-sandbox', undefined],
      [3, 'appendSwitch', 'disable-web-security', undefined],
      [6, 'appendArgument', '--inspect=9229', undefined],
    ]);
    expect(disallowed(uses)).toHaveLength(4);
  });

  it('fails closed on a switch it cannot read, and on an allowed switch with another value', () => {
    const source = [
      'const { appendSwitch } = app.commandLine;',
      'app.commandLine.appendSwitch(name, value);',
      "app.commandLine['appendSwitch']('remote-debugging-port', '9222');",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the fixture is source text with a template literal in it.
      'app.commandLine.appendSwitch(`remote-${what}`);',
      "app.commandLine.appendSwitch('js-flags', '--allow-natives-syntax');",
      '// a comment may name appendSwitch(',
    ].join('\n');
    const problems = disallowed(findSwitchUses('fixture.ts', source));
    expect(problems).toHaveLength(5);
    expect(problems.slice(0, 4).every((p) => p.includes('unrecognised use'))).toBe(true);
    expect(problems[4]).toContain("appendSwitch('js-flags', '--allow-natives-syntax') is not an allowed");
  });
});
