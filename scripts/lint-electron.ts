/**
 * `npm run lint:electron`: @doyensec/electronegativity over the main-process and preload sources,
 * with its findings gated — the tool itself exits 0 whatever it finds, so this script fails unless
 * every finding is on the reviewed list below (with the reason it is acceptable), and fails if a
 * reviewed finding disappears (so the list cannot rot) or a file could not be parsed.
 *
 * It runs the scanner in-process, without network: the CLI fetches translations and Electron's
 * release list at start (and crashes offline), so the translations are loaded from the package's
 * own files and the release-list check is left out (`npm audit`/Dependabot cover that ground).
 *
 *   node scripts/lint-electron.ts [--sarif FILE]
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const INPUTS = ['electron/main', 'electron/preload'];
const ELECTRON_VERSION = (
  JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string }
).version;
const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];

/**
 * Findings reviewed and accepted: check id + file (relative to the input folder) → why. Keep this
 * short; fix the code rather than growing it.
 */
const REVIEWED: Record<string, string> = {
  'CSP_GLOBAL_CHECK electron/main/app-main.ts':
    'The tool only parses CSP string literals; ours is built by contentSecurityPolicy() in window-security.ts, ' +
    'whose directives test/main/window-security.test.ts asserts.',
  'CUSTOM_ARGUMENTS_JS_CHECK electron/main/index.ts':
    'The only switch is js-flags --max-semi-space-size=1, a V8 memory setting ' +
    '(smaller young generation for a process that idles for days); no security-relevant Chromium switch.',
};

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

const requireHere = createRequire(import.meta.url);
const runnerPath = requireHere.resolve('@doyensec/electronegativity');
const i18nModulePath = path.join(path.dirname(runnerPath), 'locales', 'i18n.js');
// The package's own i18n setup, minus the download of "updated translations".
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
const run = requireHere(runnerPath) as (options: object, forCli: boolean) => Promise<RunResult>;

const sarifAt = process.argv.indexOf('--sarif');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'electronegativity-'));
const found: Array<Issue & { input: string }> = [];
let broken = false;

// One scan over both folders together: the "global" checks (CSP, navigation limits, permission
// handler) look for their evidence across the whole input, and the preload alone has none.
const scanRoot = path.join(tmp, 'electron');
for (const input of INPUTS)
  cpSync(path.join(root, input), path.join(scanRoot, path.relative('electron', input)), { recursive: true });
{
  const input = 'electron';
  const output = sarifAt > 0 ? path.join(tmp, 'electronegativity.sarif') : undefined;
  const result = await run(
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
  for (const e of result.errors) {
    console.error(`${e.tolerable ? 'warning' : 'error'}: ${input}/${e.file}: ${e.message}`);
    if (!e.tolerable) broken = true;
  }
  found.push(...result.issues.map((i) => ({ ...i, input })));
  if (output) writeFileSync(process.argv[sarifAt + 1]!, readFileSync(output));
}

const key = (i: { id: string; input: string; file: string }): string => `${i.id} ${i.input}/${i.file}`;
const unexpected = found.filter((i) => !(key(i) in REVIEWED));
const seen = new Set(found.map(key));
const stale = Object.keys(REVIEWED).filter((k) => !seen.has(k));

for (const i of found) {
  const mark = key(i) in REVIEWED ? 'reviewed' : 'FINDING';
  console.log(
    `${mark}: ${i.id} (${i.severity.name}, ${i.confidence.name}) ` +
      `${i.input}/${i.file}:${i.location.line}:${i.location.column} — ${i.description} ${i.shortenedURL}`,
  );
  if (mark === 'reviewed') console.log(`    accepted because: ${REVIEWED[key(i)]}`);
}
for (const k of stale)
  console.log(`STALE: "${k}" is on the reviewed list but was not found; remove it from scripts/lint-electron.ts.`);

const checked = `electronegativity (Electron ${ELECTRON_VERSION}) over ${INPUTS.join(', ')}`;
if (broken || unexpected.length || stale.length) {
  console.error(
    `\n${checked}: ${unexpected.length} unreviewed finding(s), ` +
      `${stale.length} stale review(s)${broken ? ', files that could not be parsed' : ''}.`,
  );
  process.exit(1);
}
console.log(`\n${checked}: no unreviewed findings (${found.length} reviewed).`);
