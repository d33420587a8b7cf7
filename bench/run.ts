/**
 * `npm run bench [-- --quick] [-- --tools rsync-tray,lsyncd,inotify-script,lsyncd-default]`
 *
 * Rsync Tray's engine side by side with lsyncd and the plain inotifywait + rsync script, against
 * one loopback `rsync --daemon`, source and backup on tmpfs (/dev/shm). One tool at a time, each
 * with fresh trees and its own daemon module; every part ends in a tree comparison. Prints one
 * Markdown table of absolute figures and ratios to lsyncd (delay 0), then the physical limits
 * measured in the same run, notes, and Rsync Tray's own account of where its time goes.
 *
 *   --quick          a 100k large tree, fewer samples, shorter windows, a 20 MiB bandwidth file
 *                    (under 3 minutes)
 *   --tools a,b      which tools (default: rsync-tray,lsyncd,inotify-script; lsyncd-default —
 *                    lsyncd with its 15 s delay — only when asked)
 *   --large N        files in the large tree, in thousands (default 200, --quick 100: N × 100
 *                    dirs × 10 files)
 *   --parts a,b      which parts (default all): small (10k tree), large, bandwidth, restore (Rsync
 *                    Tray's restore against a plain rsync pull, once, not per tool), link-economy
 *                    (moves, a growing log and a small write in a big file at the 5M limit: time
 *                    and bytes on the wire, Rsync Tray against lsyncd delay 0)
 *   --engine DIR     run the Rsync Tray engine of another checkout (e.g. a git worktree of the
 *                    last commit, with node_modules linked) to compare two versions
 *   --out DIR        also write there: report.md, results.json, and each tool's transcripts
 *                    (transcripts/TOOL-PART.log: every line the tool printed, stamped with the
 *                    bench's clock in ms, the bench's own actions marked "#")
 *   --json FILE      also write the results as JSON
 *   --keep           keep the scratch folder (trees, configs, the daemon's log, transcripts)
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { execFileSync, spawnSync } from 'node:child_process';
import { parseBandwidth } from '../electron/shared/bandwidth.ts';
import { startLocalDaemon } from '../electron/core/service/local-rsync-daemon.ts';
import { measureBaselines, type Baselines } from './baseline.ts';
import type { BenchSettings, ToolContext, ToolResult } from './context.ts';
import { engineBreakdown } from './engine-breakdown.ts';
import { startLoadMonitor } from './load-monitor.ts';
import { fmtMs } from './measure.ts';
import { renderReport } from './report.ts';
import { bandwidthScenario } from './scenarios/bandwidth.ts';
import { largeTreeScenarios } from './scenarios/large-tree.ts';
import { linkEconomyScenario, linkModule } from './scenarios/link-economy.ts';
import { RESTORE_MODULES, restoreScenario } from './scenarios/restore.ts';
import { smallTreeScenarios } from './scenarios/small-tree.ts';
import { inotifyScript } from './tools/inotify-script.ts';
import { lsyncdDefault, lsyncdDelay0, lsyncdVersion } from './tools/lsyncd.ts';
import { engine, rsyncTray } from './tools/rsync-tray.ts';
import type { Destination, RunningTool, StartOptions, ToolSpec } from './tools/tool.ts';
import { countDirs, countFiles, SMALL_TREE, type TreeShape } from './trees.ts';

const ALL_TOOLS: ToolSpec[] = [rsyncTray, lsyncdDelay0, lsyncdDefault, inotifyScript];
const DEFAULT_TOOLS = ['rsync-tray', 'lsyncd', 'inotify-script'];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    tools: { type: 'string' },
    large: { type: 'string' },
    json: { type: 'string' },
    parts: { type: 'string' },
    engine: { type: 'string' },
    out: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});

const quick = Boolean(values.quick);
const largeThousands = values.large ? Number(values.large) : quick ? 100 : 200;
if (!Number.isInteger(largeThousands) || largeThousands < 1 || largeThousands > 2000)
  throw new Error('--large takes the number of files in thousands, e.g. 200');
// 10 files per leaf dir, 100 leaf dirs per top dir: 200k = 200 × 100 × 10 (20,200 dirs).
const largeTree: TreeShape = { dirs: [largeThousands, 100], filesPerDir: 10 };
const settings: BenchSettings = {
  quick,
  latencySamples: quick ? 8 : 20,
  largeLatencySamples: quick ? 5 : 20,
  largeTree,
  bandwidthMiB: quick ? 20 : 200,
  bandwidthLimit: '5M',
  quietWindowMs: quick ? 3_000 : 10_000,
  idleWindowMs: quick ? 3_000 : 10_000,
  settleTimeoutMs: quick ? 4_000 : 15_000,
  pairedBaselines: !quick,
  startRounds: quick ? 1 : 3,
};

const wanted = (values.tools ?? DEFAULT_TOOLS.join(','))
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
for (const id of wanted)
  if (!ALL_TOOLS.some((t) => t.id === id))
    throw new Error(`unknown tool "${id}"; known: ${ALL_TOOLS.map((t) => t.id).join(', ')}`);
// In the order asked for (the default: Rsync Tray first).
const tools = wanted.map((id) => ALL_TOOLS.find((t) => t.id === id)!);
const PARTS = ['small', 'large', 'bandwidth', 'restore', 'link-economy'];
const parts = (values.parts ?? PARTS.join(',')).split(',').map((s) => s.trim());
for (const p of parts) if (!PARTS.includes(p)) throw new Error(`unknown part "${p}"; known: ${PARTS.join(', ')}`);

if (values.engine) {
  engine.root = path.resolve(values.engine);
  if (!existsSync(path.join(engine.root, 'bin/rsync-tray.mjs')))
    throw new Error(`--engine ${values.engine}: no bin/rsync-tray.mjs there`);
}
const started = performance.now();
const load = startLoadMonitor();
const log = (m: string) =>
  process.stderr.write(`[bench +${((performance.now() - started) / 1000).toFixed(1)} s] ${m}\n`);

const root = path.join(existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), `rsync-tray-bench-${process.pid}`);
const transcripts = path.join(root, 'transcripts');
mkdirSync(transcripts, { recursive: true });

const modules = tools
  .flatMap((t) => ['small', 'large', 'bw'].map((k) => ({ name: `${t.id}-${k}` })))
  .concat([{ name: 'baseline' }, ...RESTORE_MODULES.map((name) => ({ name }))])
  .concat(tools.map((t) => ({ name: linkModule(t.id) })));
const daemon = await startLocalDaemon({ rootDir: path.join(root, 'daemon'), modules });
const destination = (module: string): Destination => ({
  host: '127.0.0.1',
  port: daemon.port,
  module,
  user: daemon.user,
  passwordFile: daemon.passwordFile,
  folder: daemon.modules[module]!,
});
log(`daemon on 127.0.0.1:${daemon.port}; scratch ${root}`);

const running = new Set<RunningTool>();
const cleanup = async () => {
  await Promise.all([...running].map((t) => t.stop()));
  await daemon.dispose();
  if (values.out) {
    mkdirSync(values.out, { recursive: true });
    cpSync(transcripts, path.join(values.out, 'transcripts'), { recursive: true });
  }
  if (!values.keep) rmSync(root, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  });
}

/** Starts a tool and waits for its initial sync and its watcher; stopped with the bench if need be. */
async function startTool(spec: ToolSpec, options: StartOptions): Promise<RunningTool> {
  mkdirSync(options.workDir, { recursive: true });
  const transcript = path.join(transcripts, `${spec.id}-${path.basename(options.workDir).replace(/^work-/, '')}.log`);
  const tool = await spec.start({ transcript, ...options });
  running.add(tool);
  void tool.exited.then(() => running.delete(tool));
  await tool.until(
    () => tool.initialSyncAt !== null && tool.readyAt !== null,
    600_000,
    `${spec.label}: initial sync and watcher`,
  );
  return tool;
}

let baselines: Baselines | null = null;
const results: ToolResult[] = [];
let restoreLines: string[] | undefined;
let linkLines: string[] | undefined;
const largeLabel = `${countFiles(largeTree) / 1000}k`;

try {
  for (const spec of tools) {
    const result: ToolResult = { spec, skipped: await spec.unavailable(), cells: {}, notes: [], evidence: [] };
    results.push(result);
    if (result.skipped) {
      log(`${spec.label}: skipped — ${result.skipped}`);
      continue;
    }
    const dir = path.join(root, spec.id);
    mkdirSync(dir, { recursive: true });
    const ctx: ToolContext = {
      spec,
      settings,
      dir,
      result,
      destination: (kind) => destination(`${spec.id}-${kind}`),
      baseline: destination('baseline'),
      log: (m) => log(`${spec.label}: ${m}`),
      start: (options) => startTool(spec, options),
      explain(tool, label, from, to = performance.now()) {
        const text = tool.explain?.(from, to);
        if (text) result.evidence.push(`${label}: ${text}`);
      },
      async largeTreeReady(source) {
        if (!baselines)
          baselines = await measureBaselines({
            daemon,
            destination: destination('baseline'),
            largeSource: source,
            dir: path.join(root, 'baseline'),
            samples: settings.latencySamples,
            repeats: quick ? 1 : 2,
            log,
          });
        if (spec.id === 'rsync-tray')
          result.evidence.push(
            ...(await engineBreakdown({ largeSource: source, largeLabel, dir: path.join(dir, 'breakdown'), log })),
          );
      },
    };
    for (const [part, name, scenario] of [
      ['small', '10k tree', smallTreeScenarios],
      ['large', `${largeLabel} tree`, largeTreeScenarios],
      ['bandwidth', 'bandwidth', bandwidthScenario],
    ] as const) {
      if (!parts.includes(part)) continue;
      try {
        await scenario(ctx);
      } catch (error) {
        result.notes.push(`${name}: FAILED — ${(error as Error).message}`);
        log(`${spec.label}: ${name} failed: ${(error as Error).message}`);
      } finally {
        await Promise.all([...running].map((t) => t.stop()));
      }
    }
    // Free the tool's trees before the next tool runs.
    if (!values.keep) {
      log(`${spec.label}: done; removing its trees`);
      rmSync(dir, { recursive: true, force: true });
      for (const kind of ['small', 'large', 'bw'])
        rmSync(destination(`${spec.id}-${kind}`).folder, { recursive: true, force: true });
    }
  }
  if (parts.includes('link-economy')) {
    // Rsync Tray against lsyncd delay 0, whichever of them --tools names and is installed.
    const compared: ToolSpec[] = [];
    for (const t of tools.filter((t) => t.id === 'rsync-tray' || t.id === 'lsyncd'))
      if (!(await t.unavailable())) compared.push(t);
    const dir = path.join(root, 'link-economy');
    try {
      linkLines = await linkEconomyScenario({
        settings,
        tools: compared,
        dir,
        destination,
        daemonLog: daemon.logFile,
        daemonPidFile: path.join(daemon.rootDir, 'rsyncd.pid'),
        start: startTool,
        log,
      });
    } catch (error) {
      linkLines = [`Link economy: FAILED — ${(error as Error).message}`];
      log(`link economy failed: ${(error as Error).message}`);
    } finally {
      await Promise.all([...running].map((t) => t.stop()));
      if (!values.keep) {
        rmSync(dir, { recursive: true, force: true });
        for (const t of compared) rmSync(destination(linkModule(t.id)).folder, { recursive: true, force: true });
      }
    }
  }
  if (parts.includes('restore')) {
    const dir = path.join(root, 'restore');
    try {
      restoreLines = await restoreScenario({
        settings,
        dir,
        destination: (module) => ({ ...destination(module), module }),
        log: (m) => log(m),
      });
    } catch (error) {
      restoreLines = [`Restore: FAILED — ${(error as Error).message}`];
      log(`restore failed: ${(error as Error).message}`);
    } finally {
      if (!values.keep) rmSync(dir, { recursive: true, force: true });
    }
  }
} finally {
  await cleanup();
}

const foreign = load.stop();
const cpu = os.cpus();
/** First line of a tool's version output (inotifywait --help exits 1, so the exit code is ignored). */
const version = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.error ? `${cmd} not installed` : `${r.stdout}${r.stderr}`.split('\n')[0]!.trim().replace(/\s+/g, ' ');
};
/** Which engine was measured: its commit, and whether its engine sources had uncommitted changes. */
const engineVersion = (() => {
  try {
    const git = (...args: string[]) => execFileSync('git', ['-C', engine.root, ...args], { encoding: 'utf8' }).trim();
    const dirty =
      git('status', '--porcelain', '--', 'electron/core', 'electron/headless', 'electron/api', 'bin') !== '';
    return (
      `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' with uncommitted engine changes' : ''}` +
      `${values.engine ? ` (${engine.root})` : ''}`
    );
  } catch {
    return values.engine ? engine.root : 'this checkout';
  }
})();
const memGiB = (os.totalmem() / 1024 ** 3).toFixed(0);
const osName = existsSync('/etc/os-release')
  ? (/PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os.type())
  : os.type();
const bw = parseBandwidth(settings.bandwidthLimit);
const busiest = foreign.top.map((t) => `${t.comm} ${t.seconds.toFixed(0)} s`).join(', ');
const header = [
  `## Rsync Tray bench${quick ? ' (--quick)' : ''} — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  '',
  `Engine: commit ${engineVersion}. ` +
    `Command: npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}.`,
  `Machine: ${cpu[0]?.model ?? 'cpu'} × ${cpu.length} cores, ${memGiB} GiB, ${osName}, Linux ${os.release()}; ` +
    `${version('rsync', ['--version'])}; lsyncd ${(await lsyncdVersion()) ?? 'not installed'}; ` +
    `${version('inotifywait', ['--help'])}; Node ${process.version}.`,
  `Other processes used ${foreign.foreignCores.toFixed(2)} of the ${os.cpus().length} cores on average during the run` +
    `${foreign.top.length ? ` (most: ${busiest})` : ''}` +
    `${foreign.foreignCores > 0.1 ? ' — a noisy run: compare with care' : ''}.`,
  `Source and backup on tmpfs, one loopback rsync daemon (auth users + secrets file); one tool at a time. ` +
    `Trees: ${countFiles(SMALL_TREE) / 1000}k files in ${countDirs(SMALL_TREE)} dirs (+ two 1,000-file dirs), ` +
    `${largeLabel} files in ${countDirs(largeTree).toLocaleString('en')} dirs, 100 B – 2 KiB each. ` +
    `Bench time: ${fmtMs(performance.now() - started)}.`,
];
const report = renderReport({
  header,
  results,
  baselines,
  smallLabel: `${countFiles(SMALL_TREE) / 1000}k`,
  largeLabel,
  latencySamples: settings.latencySamples,
  largeLatencySamples: settings.largeLatencySamples,
  bandwidthLabel: `${settings.bandwidthLimit} (${settings.bandwidthMiB} MiB file)`,
  bandwidthBytesPerSecond: bw.ok ? bw.value.bytesPerSecond : 0,
  restore: restoreLines,
  linkEconomy: linkLines,
});
process.stdout.write(`${report}\n`);
const json = JSON.stringify(
  {
    settings,
    baselines,
    results: results.map((r) => ({
      ...r,
      spec: { id: r.spec.id, label: r.spec.label, configuration: r.spec.configuration },
    })),
  },
  null,
  2,
);
if (values.json) writeFileSync(values.json, json);
if (values.out) {
  writeFileSync(path.join(values.out, 'report.md'), `${report}\n`);
  writeFileSync(path.join(values.out, 'results.json'), json);
}
