/**
 * Where Rsync Tray's engine spends time outside rsync, measured piece by piece on this machine:
 * Node's own start, loading the CLI with every module, spawning a process the way the runner does
 * (execa) and the plain way, and Node's fs.watch on every directory alone (what the engine watches
 * with; @parcel/watcher, measured before it was dropped, is in the README).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { execa } from 'execa';
import { currentBundle } from '../bin/cli-bundle.mjs';
import { fmtMs, median } from './measure.ts';
import { engine, PROJECT_NODE } from './tools/rsync-tray.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');

async function timeIt(n: number, fn: () => Promise<unknown>): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return median(out);
}

const spawnPlain = (cmd: string, args: string[]) =>
  new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'ignore' });
    child.once('error', reject);
    child.once('close', () => resolve());
  });

/** One line: RSS and time of each thing the engine loads (load-probe.ts), in a fresh process. */
async function loadCosts(): Promise<string> {
  try {
    const { stdout } = await run(PROJECT_NODE, [path.join(import.meta.dirname, 'probes/load-probe.ts'), engine.root], {
      cwd: ROOT,
      timeout: 60_000,
    });
    const steps = JSON.parse(stdout.trim().split('\n').pop()!) as Array<{ name: string; ms: number; rssMiB: number }>;
    const [start, ...rest] = steps;
    let rss = start!.rssMiB;
    const parts = rest.map((s) => {
      const text = `${s.name} +${fmtMs(s.ms)}, +${(s.rssMiB - rss).toFixed(0)} MiB`;
      rss = s.rssMiB;
      return text;
    });
    const plain = Number((await run(PROJECT_NODE, ['-p', 'process.memoryUsage().rss'])).stdout) / (1024 * 1024);
    return (
      `loading the sources module by module, in a fresh process: ` +
      `Node + type stripping ${start!.rssMiB.toFixed(0)} MiB (plain Node: ${plain.toFixed(0)} MiB); ` +
      `${parts.join('; ')} → ${rss.toFixed(0)} MiB before watching anything`
    );
  } catch (error) {
    return `load probe failed: ${(error as Error).message.split('\n')[0]}`;
  }
}

export async function engineBreakdown(o: {
  largeSource: string;
  largeLabel: string;
  dir: string;
  log(m: string): void;
}): Promise<string[]> {
  o.log('Rsync Tray breakdown: node start, CLI load, process spawn, fs.watch alone');
  mkdirSync(o.dir, { recursive: true });
  const config = path.join(o.dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      version: 2,
      profiles: [
        { name: 'p', source: o.largeSource, keepDeletedDays: 0, targets: [{ host: '127.0.0.1', module: 'm' }] },
      ],
    }),
  );
  const nodeBoot = await timeIt(5, () => run(PROJECT_NODE, ['-e', '0']));
  const cliLoad = await timeIt(3, () =>
    run(PROJECT_NODE, [path.join(engine.root, 'bin/rsync-tray.mjs'), 'validate', '--config', config]).catch(
      () => undefined,
    ),
  );
  const execaSpawn = await timeIt(15, () => execa('rsync', ['--version'], { reject: false }));
  const plainSpawn = await timeIt(15, () => spawnPlain('rsync', ['--version']));
  const cliFrom = currentBundle(engine.root) ? 'from the CLI bundle' : 'from the sources: no current CLI bundle';
  const lines = [
    `node -e 0 (the project's Node 24): ${fmtMs(nodeBoot)}; ` +
      `\`rsync-tray validate\` (Node + every CLI module + config, ${cliFrom}): ${fmtMs(cliLoad)}`,
    await loadCosts(),
    `spawning \`rsync --version\` from Node: execa (the runner's way) p50 ${fmtMs(execaSpawn)}, ` +
      `child_process.spawn p50 ${fmtMs(plainSpawn)}`,
  ];
  try {
    const { stdout } = await run(
      PROJECT_NODE,
      [path.join(import.meta.dirname, 'probes/fswatch-probe.ts'), o.largeSource, path.join(o.dir, 'fswatch-scratch')],
      { cwd: ROOT, timeout: 120_000 },
    );
    const p = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, number>;
    lines.push(
      `Node's fs.watch alone on each of the ${p.watches!.toLocaleString('en')} directories ` +
        `(a walk that reads directories only): ready ${fmtMs(p.readyMs)}, ` +
        `RSS ${p.rssBeforeMiB!.toFixed(0)} → ${p.rssAfterMiB!.toFixed(0)} MiB, ` +
        `idle CPU ${p.idleCpuPercent!.toFixed(1)} %, ` +
        `write → event ${fmtMs(p.deliveryMs)} (no debounce; but no overflow signal)`,
    );
  } catch (error) {
    lines.push(`fs.watch probe failed: ${(error as Error).message.split('\n')[0]}`);
  }
  return lines;
}
