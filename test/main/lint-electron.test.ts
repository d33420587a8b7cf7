/**
 * The electronegativity gate (scripts/lint-electron.ts) keys each reviewed finding by check id +
 * file + the offending line's content, so a reviewed finding in a file does not wave through a new
 * one in the same file. Proven here on the real sources (the gate passes) and on copies of them
 * with a dangerous Chromium switch added to a file that already has a reviewed finding (it fails).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type Finding,
  INPUTS,
  judgeFindings,
  lineTextAt,
  REVIEWED,
  type ReviewedFinding,
  scanElectron,
} from '../../scripts/lint-electron.ts';

const root = path.resolve(import.meta.dirname, '../..');
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A copy of electron/main + electron/preload in a temp dir, with `added` appended to electron/main/index.ts. */
function fixtureWith(added: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lint-electron-fixture-'));
  temps.push(dir);
  for (const input of INPUTS) cpSync(path.join(root, input), path.join(dir, input), { recursive: true });
  const index = path.join(dir, 'electron/main/index.ts');
  writeFileSync(index, `${readFileSync(index, 'utf8')}\n${added}\n`);
  return dir;
}

const finding = (over: Partial<Finding>): Finding => ({
  check: 'CUSTOM_ARGUMENTS_JS_CHECK',
  file: 'electron/main/index.ts',
  line: 27,
  column: 0,
  text: "app.commandLine.appendSwitch('js-flags', '--max-semi-space-size=1');",
  description: 'Review the use of custom command line arguments',
  url: 'https://git.io/Jeu1h',
  severity: 'MEDIUM',
  confidence: 'TENTATIVE',
  ...over,
});
const reviewed: ReviewedFinding[] = [
  {
    check: 'CUSTOM_ARGUMENTS_JS_CHECK',
    file: 'electron/main/index.ts',
    line: "app.commandLine.appendSwitch('js-flags', '--max-semi-space-size=1');",
    reason: 'a V8 memory setting',
  },
];

describe('judgeFindings (the gate, pure)', () => {
  it('accepts a reviewed finding wherever its line moved to', () => {
    const verdict = judgeFindings([finding({ line: 40 })], reviewed);
    expect(verdict.ok).toBe(true);
    expect(verdict.accepted.map((a) => a.review.reason)).toEqual(['a V8 memory setting']);
  });

  it('fails a new finding with other line content in an already-reviewed file, saying what to do', () => {
    const added = finding({ line: 28, text: "app.commandLine.appendSwitch('ignore-certificate-errors');" });
    const verdict = judgeFindings([finding({}), added], reviewed);
    expect(verdict.ok).toBe(false);
    expect(verdict.accepted).toHaveLength(1);
    expect(verdict.unreviewed.map((u) => u.finding)).toEqual([added]);
    const message = verdict.unreviewed[0]!.message;
    expect(message).toContain('ignore-certificate-errors');
    expect(message).toContain('has a reviewed CUSTOM_ARGUMENTS_JS_CHECK finding, but on another line');
    expect(message).toMatch(/Fix the code/);
    expect(message).toMatch(/add \{ check: 'CUSTOM_ARGUMENTS_JS_CHECK', file: 'electron\/main\/index.ts'.*reason/);
    expect(message).toContain('REVIEWED in scripts/lint-electron.ts');
  });

  it('fails when a reviewed line changed: the new one is unreviewed, the old entry stale', () => {
    const changed = finding({ text: "app.commandLine.appendSwitch('js-flags', '--expose-gc');" });
    const verdict = judgeFindings([changed], reviewed);
    expect(verdict.ok).toBe(false);
    expect(verdict.unreviewed).toHaveLength(1);
    expect(verdict.stale).toEqual(reviewed);
  });

  it('does not let a review of one check or file cover another', () => {
    expect(judgeFindings([finding({ check: 'OTHER_CHECK' })], reviewed).unreviewed).toHaveLength(1);
    expect(judgeFindings([finding({ file: 'electron/main/app-main.ts' })], reviewed).unreviewed).toHaveLength(1);
  });

  it('fails on files that could not be parsed', () => {
    expect(judgeFindings([finding({})], reviewed, ['electron/main/broken.ts']).ok).toBe(false);
  });

  it('ignores leading/trailing and repeated whitespace in the line, not its content', () => {
    expect(
      judgeFindings(
        [finding({ text: "  app.commandLine.appendSwitch('js-flags',   '--max-semi-space-size=1');  " })],
        reviewed,
      ).ok,
    ).toBe(true);
  });

  it('every reviewed entry has a reason', () => {
    for (const r of REVIEWED) expect(r.reason.length, `${r.check} ${r.file}`).toBeGreaterThan(20);
  });
});

describe('lineTextAt', () => {
  it('is the trimmed line, continued while a call is open over lines', () => {
    const source = "a();\n  app.commandLine.appendSwitch(\n    'js-flags',\n    '--expose-gc',\n  );\nb();\n";
    expect(lineTextAt(source, 1)).toBe('a();');
    expect(lineTextAt(source, 2)).toBe("app.commandLine.appendSwitch( 'js-flags', '--expose-gc', );");
  });
});

describe('the gate over electronegativity, as npm run lint:electron runs it', () => {
  it('passes on the real sources', async () => {
    const scan = await scanElectron();
    const verdict = judgeFindings(
      scan.findings,
      REVIEWED,
      scan.errors.filter((e) => !e.tolerable).map((e) => e.file),
    );
    expect(verdict.unreviewed.map((u) => u.message)).toEqual([]);
    expect(verdict.stale).toEqual([]);
    expect(verdict.ok).toBe(true);
  });

  it.each([
    "app.commandLine.appendSwitch('ignore-certificate-errors');",
    "app.commandLine.appendSwitch('remote-debugging-port', '9222');",
  ])('fails on a copy of electron/main with %s added to index.ts (which has a reviewed finding)', async (added) => {
    const scan = await scanElectron({ sourceRoot: fixtureWith(added) });
    const verdict = judgeFindings(scan.findings, REVIEWED);
    expect(verdict.ok).toBe(false);
    expect(verdict.stale).toEqual([]);
    expect(verdict.accepted).toHaveLength(REVIEWED.length);
    expect(verdict.unreviewed.map((u) => [u.finding.check, u.finding.file, u.finding.text])).toEqual([
      ['CUSTOM_ARGUMENTS_JS_CHECK', 'electron/main/index.ts', added],
    ]);
  });
});
