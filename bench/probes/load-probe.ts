/**
 * What loading the engine costs before it does anything, in a fresh process (run by
 * engine-breakdown.ts):  node load-probe.ts ENGINE_ROOT
 * prints one JSON line: RSS of this process as it starts (Node plus TypeScript type stripping),
 * then time and RSS after importing each runtime dependency the engine's package.json lists
 * (in that order), then after the CLI module with the whole engine behind it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [root] = process.argv.slice(2) as [string];
const rssMiB = () => process.memoryUsage().rss / (1024 * 1024);
const steps: Array<{ name: string; ms: number; rssMiB: number }> = [
  { name: 'start', ms: performance.now(), rssMiB: rssMiB() },
];
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
};
// Anything Electron-flavoured is the tray's, not the engine's (and importing `electron` from
// plain Node tries to download it).
const deps = Object.keys(pkg.dependencies ?? {}).filter((d) => !d.includes('electron'));
for (const dep of deps) {
  const t = performance.now();
  try {
    await import(dep);
    steps.push({ name: dep, ms: performance.now() - t, rssMiB: rssMiB() });
  } catch {
    steps.push({ name: `${dep} (not importable)`, ms: performance.now() - t, rssMiB: rssMiB() });
  }
}
const t = performance.now();
await import(pathToFileURL(path.join(root, 'electron/headless/cli.ts')).href);
steps.push({ name: 'electron/headless/cli.ts and the engine behind it', ms: performance.now() - t, rssMiB: rssMiB() });
process.stdout.write(`${JSON.stringify(steps)}\n`);
