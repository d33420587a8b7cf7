/**
 * `npm run lint:electron`: @doyensec/electronegativity over the main-process and preload sources,
 * with its findings gated — the tool itself exits 0 whatever it finds, so this script fails unless
 * every finding is on the reviewed list below (with the reason it is acceptable), and fails if a
 * reviewed finding disappears (so the list cannot rot) or a file could not be parsed.
 *
 * A reviewed finding is keyed by the exact finding: check id + file + the content of the offending
 * line (trimmed, and continued over the following lines while its brackets are open, so a call
 * split over lines is one statement). Not by line number, which shifts with every edit above it,
 * and not by check + file alone: that would let a new `appendSwitch('ignore-certificate-errors')`
 * in a file that already has a reviewed CUSTOM_ARGUMENTS_JS_CHECK finding through unseen.
 *
 * It runs the scanner in-process, without network: the CLI fetches translations and Electron's
 * release list at start (and crashes offline), so the translations are loaded from the package's
 * own files and the release-list check is left out (`npm audit`/Dependabot cover that ground).
 *
 *   node scripts/lint-electron.ts [--sarif FILE]
 *
 * For tests: scanElectron() runs the scan over any source root laid out like this repository's,
 * judgeFindings() is the gate (findings + reviewed list → verdict), pure.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
export const INPUTS = ['electron/main', 'electron/preload'];
const ELECTRON_VERSION = (
  JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string }
).version;
const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];

/** A finding reviewed and accepted, and why. */
export interface ReviewedFinding {
  /** Electronegativity's check id, e.g. CUSTOM_ARGUMENTS_JS_CHECK. */
  check: string;
  /** Relative to the repository root, e.g. electron/main/index.ts. */
  file: string;
  /** The offending line's content, trimmed (see lineTextAt); not its number. */
  line: string;
  reason: string;
}

/**
 * Findings reviewed and accepted. Keep this short; fix the code rather than growing it. Editing a
 * reviewed line makes its finding new (and its entry stale): review it again, here.
 */
export const REVIEWED: readonly ReviewedFinding[] = [
  {
    check: 'CSP_GLOBAL_CHECK',
    file: 'electron/main/app-main.ts',
    line: "callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } }),",
    reason:
      'The tool only parses CSP string literals; ours is built by contentSecurityPolicy() in window-security.ts, ' +
      'whose directives test/main/window-security.test.ts asserts.',
  },
  {
    check: 'CUSTOM_ARGUMENTS_JS_CHECK',
    file: 'electron/main/index.ts',
    line: "app.commandLine.appendSwitch('js-flags', '--max-semi-space-size=1');",
    reason:
      'The only switch is js-flags --max-semi-space-size=1, a V8 memory setting ' +
      '(smaller young generation for a process that idles for days); no security-relevant Chromium switch. ' +
      'test/main/chromium-switches.test.ts holds the list of switches the app may set.',
  },
];

/** One electronegativity finding, with the file relative to the repository root and its line's text. */
export interface Finding {
  check: string;
  file: string;
  line: number;
  column: number;
  /** The offending line's content (lineTextAt). */
  text: string;
  description: string;
  url: string;
  severity: string;
  confidence: string;
}

export interface Verdict {
  ok: boolean;
  accepted: Array<{ finding: Finding; review: ReviewedFinding }>;
  /** Findings on no reviewed entry, each with what to do about it. */
  unreviewed: Array<{ finding: Finding; message: string }>;
  /** Reviewed entries no finding matched: the code changed, the entry must go (or be updated). */
  stale: ReviewedFinding[];
  /** Files the scanner could not parse (a gate that skips a file proves nothing about it). */
  broken: string[];
}

const normalize = (text: string): string => text.trim().replace(/\s+/g, ' ');
const keyOf = (check: string, file: string, line: string): string => `${check}\u0000${file}\u0000${normalize(line)}`;

/**
 * The content of line `line` (1-based) of `source`, trimmed; while its round, square and curly
 * brackets are unbalanced (a call split over lines), continued over the next lines (at most 20),
 * whitespace collapsed. Brackets inside string literals are counted too — good enough for a key.
 */
export function lineTextAt(source: string, line: number): string {
  const lines = source.split(/\r?\n/);
  let text = lines[line - 1] ?? '';
  const open = (s: string): number => (s.match(/[([{]/g)?.length ?? 0) - (s.match(/[)\]}]/g)?.length ?? 0);
  for (let next = line; open(text) > 0 && next < lines.length && next < line + 20; next++) text += `\n${lines[next]}`;
  return normalize(text);
}

/** The gate: every finding must be on the reviewed list, every reviewed entry must still be found. */
export function judgeFindings(
  findings: readonly Finding[],
  reviewed: readonly ReviewedFinding[] = REVIEWED,
  broken: readonly string[] = [],
): Verdict {
  const byKey = new Map(reviewed.map((r) => [keyOf(r.check, r.file, r.line), r]));
  const seen = new Set<string>();
  const accepted: Verdict['accepted'] = [];
  const unreviewed: Verdict['unreviewed'] = [];
  for (const finding of findings) {
    const key = keyOf(finding.check, finding.file, finding.text);
    const review = byKey.get(key);
    if (review) {
      accepted.push({ finding, review });
      seen.add(key);
      continue;
    }
    const sameFile = reviewed.filter((r) => r.check === finding.check && r.file === finding.file);
    const where = `${finding.check} at ${finding.file}:${finding.line}:${finding.column} (\`${finding.text}\`)`;
    const context = sameFile.length
      ? ` ${finding.file} has a reviewed ${finding.check} finding, but on another line ` +
        `(${sameFile.map((r) => `\`${r.line}\``).join(', ')}): a review covers one line, not the file.`
      : '';
    unreviewed.push({
      finding,
      message:
        `unreviewed finding ${where}: ${finding.description}.${context} Fix the code; or, if it is acceptable, ` +
        `review it: add { check: '${finding.check}', file: '${finding.file}', line: <the line above>, ` +
        `reason: <why it is acceptable> } to REVIEWED in scripts/lint-electron.ts.`,
    });
  }
  const stale = reviewed.filter((r) => !seen.has(keyOf(r.check, r.file, r.line)));
  return {
    ok: !unreviewed.length && !stale.length && !broken.length,
    accepted,
    unreviewed,
    stale,
    broken: [...broken],
  };
}

interface Issue {
  id: string;
  file: string;
  location: { line: number; column: number };
  description: string;
  shortenedURL: string;
  severity: { name: string };
  confidence: { name: string };
  manualReview?: boolean;
}
interface RunResult {
  issues: Issue[];
  errors: Array<{ file: string; message: string; tolerable: boolean }>;
}
type Run = (options: object, forCli: boolean) => Promise<RunResult>;

let runner: Run | undefined;
/** electronegativity's run(), with the package's own i18n setup minus the download of "updated translations". */
function loadRunner(): Run {
  if (runner) return runner;
  const requireHere = createRequire(import.meta.url);
  const runnerPath = requireHere.resolve('@doyensec/electronegativity');
  const i18nModulePath = path.join(path.dirname(runnerPath), 'locales', 'i18n.js');
  const requireThere = createRequire(i18nModulePath);
  const i18n = requireThere('i18n') as { configure(options: object): void; setLocale(locale: string): void };
  const offlineI18n = async (): Promise<void> => {
    i18n.configure({
      locales: ['en-US'],
      defaultLocale: 'en-US',
      directory: path.dirname(i18nModulePath),
      updateFiles: false,
      objectNotation: true,
      retryInDefaultLocale: true,
      register: globalThis,
    });
    i18n.setLocale('en-US');
  };
  requireHere.cache[i18nModulePath] = {
    id: i18nModulePath,
    filename: i18nModulePath,
    loaded: true,
    exports: offlineI18n,
  } as unknown as NodeJS.Module;
  const loaded = requireHere(runnerPath) as Run | { default: Run };
  runner = typeof loaded === 'function' ? loaded : loaded.default;
  return runner;
}

/**
 * The report at `file` once complete: electronegativity writes it with fs.writeFile and does not
 * wait for the callback, so run() resolves before the file is there (or whole). Polls until it
 * parses as JSON, for up to 10 s.
 */
async function writtenJson(file: string): Promise<Buffer> {
  for (let waited = 0; ; waited += 50) {
    try {
      const bytes = readFileSync(file);
      JSON.parse(bytes.toString('utf8'));
      return bytes;
    } catch (error) {
      if (waited >= 10_000) throw new Error(`electronegativity did not finish writing ${file}`, { cause: error });
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface Scan {
  findings: Finding[];
  errors: Array<{ file: string; message: string; tolerable: boolean }>;
  /** The SARIF report, when asked for. */
  sarif?: Buffer;
}

/**
 * Runs electronegativity over `inputs` (folders under `sourceRoot`, e.g. electron/main) the way the
 * gate does: copied together into one temp tree, one scan (the "global" checks — CSP, navigation
 * limits, permission handler — look for their evidence across the whole input, and the preload
 * alone has none).
 */
export async function scanElectron(
  options: { sourceRoot?: string; inputs?: readonly string[]; sarif?: boolean } = {},
): Promise<Scan> {
  const { sourceRoot = root, inputs = INPUTS, sarif = false } = options;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'electronegativity-'));
  try {
    const scanRoot = path.join(tmp, 'electron');
    for (const input of inputs)
      cpSync(path.join(sourceRoot, input), path.join(scanRoot, path.relative('electron', input)), { recursive: true });
    const output = sarif ? path.join(tmp, 'electronegativity.sarif') : undefined;
    const result = await loadRunner()(
      {
        input: scanRoot,
        output,
        isSarif: Boolean(output),
        customScan: [],
        excludeFromScan: EXCLUDED_CHECKS,
        isRelative: true,
        isVerbose: true,
        electronVersionOverride: ELECTRON_VERSION,
        parserPlugins: [],
      },
      false,
    );
    const sources = new Map<string, string>();
    const source = (file: string): string => {
      let text = sources.get(file);
      if (text === undefined) sources.set(file, (text = readFileSync(path.join(scanRoot, file), 'utf8')));
      return text;
    };
    const findings = result.issues.map(
      (i): Finding => ({
        check: i.id,
        file: path.posix.join('electron', i.file.split(path.sep).join('/')),
        line: i.location.line,
        column: i.location.column,
        text: lineTextAt(source(i.file), i.location.line),
        description: i.description,
        url: i.shortenedURL,
        severity: i.severity.name,
        confidence: i.confidence.name,
      }),
    );
    return {
      findings,
      errors: result.errors.map((e) => ({ ...e, file: path.posix.join('electron', e.file.split(path.sep).join('/')) })),
      sarif: output ? await writtenJson(output) : undefined,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const sarifAt = process.argv.indexOf('--sarif');
  const scan = await scanElectron({ sarif: sarifAt > 0 });
  for (const e of scan.errors) console.error(`${e.tolerable ? 'warning' : 'error'}: ${e.file}: ${e.message}`);
  if (scan.sarif) writeFileSync(process.argv[sarifAt + 1]!, scan.sarif);

  const verdict = judgeFindings(
    scan.findings,
    REVIEWED,
    scan.errors.filter((e) => !e.tolerable).map((e) => e.file),
  );
  const describe = (f: Finding): string =>
    `${f.check} (${f.severity}, ${f.confidence}) ${f.file}:${f.line}:${f.column} — ${f.description} ${f.url}\n` +
    `    ${f.text}`;
  for (const { finding, review } of verdict.accepted)
    console.log(`reviewed: ${describe(finding)}\n    accepted because: ${review.reason}`);
  for (const { finding, message } of verdict.unreviewed) console.log(`FINDING: ${describe(finding)}\n    ${message}`);
  for (const r of verdict.stale)
    console.log(
      `STALE: ${r.check} ${r.file} \`${r.line}\` is on the reviewed list but was not found; ` +
        'remove it from REVIEWED in scripts/lint-electron.ts (or, if the line only changed, review the new one).',
    );

  const checked = `electronegativity (Electron ${ELECTRON_VERSION}) over ${INPUTS.join(', ')}`;
  if (!verdict.ok) {
    console.error(
      `\n${checked}: ${verdict.unreviewed.length} unreviewed finding(s), ` +
        `${verdict.stale.length} stale review(s)${verdict.broken.length ? ', files that could not be parsed' : ''}.`,
    );
    process.exit(1);
  }
  console.log(`\n${checked}: no unreviewed findings (${verdict.accepted.length} reviewed).`);
}

if (import.meta.main) await main();
