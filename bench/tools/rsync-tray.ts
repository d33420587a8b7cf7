/**
 * Rsync Tray's engine as users run it headless: `rsync-tray run --config F --json`, in its own
 * process (so its memory and CPU are its own), one profile with every default — the goals are
 * for defaults. Its JSON lines say everything: the status (watch mode, state, pending) and one
 * `run` event per rsync.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EngineEvent } from '../../electron/shared/status.ts';
import { ProfileSchema } from '../../electron/shared/profile-schema.ts';
import { RunningTool, type StartOptions, type ToolSpec } from './tool.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** The Node 24 the project brings (the system's may be too old for type stripping). */
export const PROJECT_NODE = path.join(ROOT, 'node_modules/.bin/node');

/**
 * Which checkout's engine runs: this one by default; `--engine DIR` (another checkout or git
 * worktree, e.g. of the last commit, with node_modules) compares two versions of the engine.
 */
export const engine = { root: ROOT };

export interface RsyncTrayRun {
  kind: 'full' | 'batch';
  durationMs: number;
  paths: number;
  latencyMs: number | null;
  outcome: string;
  /** performance.now() here when the event arrived. */
  receivedAt: number;
}

/** Rsync Tray's runs and the first events, for the breakdown of where its time goes. */
export interface RsyncTrayTrace {
  firstEventAt: number | null;
  runs: RsyncTrayRun[];
  /** The engine's warnings and errors (e.g. an inotify queue overflow). */
  logs: Array<{ at: number; text: string }>;
}

export const traces = new WeakMap<RunningTool, RsyncTrayTrace>();

const ms = (v: number) => `${Math.round(v)} ms`;
const p50 = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)] ?? NaN;

/**
 * "3 runs: 1 full (rsync 9120 ms ok, started at +1200 ms), 2 batches (rsync p50 12 ms, max 15 ms;
 * engine latency p50 70 ms)".
 */
function explainRuns(runs: RsyncTrayRun[], from: number): string | null {
  if (runs.length === 0) return null;
  const parts: string[] = [];
  const full = runs.filter((r) => r.kind === 'full');
  const batches = runs.filter((r) => r.kind === 'batch');
  const fullRun = (r: RsyncTrayRun) =>
    `rsync ${ms(r.durationMs)} ${r.outcome}, started at +${ms(r.receivedAt - r.durationMs - from)}`;
  if (full.length) parts.push(`${full.length} full (${full.map(fullRun).join('; ')})`);
  if (batches.length) {
    const d = batches.map((r) => r.durationMs);
    const lat = batches.map((r) => r.latencyMs).filter((x): x is number => x !== null);
    const paths = batches.map((r) => r.paths);
    parts.push(
      `${batches.length} batch${batches.length === 1 ? '' : 'es'} ` +
        `(rsync process p50 ${ms(p50(d))}, max ${ms(Math.max(...d))}; ` +
        `engine latency — first event seen → run done — p50 ${lat.length ? ms(p50(lat)) : '—'}; ` +
        `paths per batch max ${Math.max(...paths)}` +
        `${batches.some((r) => r.outcome !== 'ok') ? `; outcomes ${batches.map((r) => r.outcome).join(',')}` : ''})`,
    );
  }
  return `${runs.length} rsync run${runs.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

/** The defaults the bench runs with, read from the schema so the report cannot go stale. */
const DEFAULTS = (() => {
  const s = ProfileSchema.shape;
  return (
    `debounce ${s.debounceMs.parse(undefined)} ms, max delay ${s.maxDelayMs.parse(undefined)} ms, ` +
    `${s.watch.parse(undefined)} watcher`
  );
})();

export const rsyncTray: ToolSpec = {
  id: 'rsync-tray',
  label: 'Rsync Tray',
  configuration: `rsync-tray run --json, one profile, every default but the safety net, off as the peers have none (${DEFAULTS})`,
  async unavailable() {
    return null;
  },
  async start(o: StartOptions) {
    const configFile = path.join(o.workDir, 'config.json');
    const d = o.destination;
    const profile = {
      name: 'bench',
      source: o.source,
      targets: [
        {
          host: d.host,
          port: d.port,
          module: d.module,
          user: d.user,
          auth: { type: 'passwordFile', path: d.passwordFile },
        },
      ],
      ...(o.bandwidthLimit ? { bandwidthLimit: o.bandwidthLimit } : {}),
      // The peers keep nothing they delete or overwrite: the safety net (7 days by default) is
      // off here, so every tool does the same work.
      keepDeletedDays: 0,
      // The delete scenario removes and remakes the same 1,000-file folder three times within a
      // minute: 27 % of the 10k tree, which the deletion budget (20 %) rightly holds. Here the
      // cost of ordinary deletions is measured (the budget's dry run included), so it is off.
      maxDeletePercent: 100,
    };
    await writeFile(configFile, JSON.stringify({ version: 2, profiles: [profile] }, null, 2));
    const trace: RsyncTrayTrace = { firstEventAt: null, runs: [], logs: [] };
    // Started as users start it: the bin itself, so its shebang's V8 flags apply, with the
    // project's Node 24 first on PATH (as under `npx rsync-tray` or an npm script).
    const env = { ...process.env, PATH: `${path.dirname(PROJECT_NODE)}${path.delimiter}${process.env.PATH ?? ''}` };
    const tool = new RunningTool(
      path.join(engine.root, 'bin/rsync-tray.mjs'),
      ['run', '--config', configFile, '--json'],
      { cwd: o.workDir, env, transcript: o.transcript },
      (t, line, stream) => {
        if (stream !== 'stdout' || !line.startsWith('{')) return;
        let event: EngineEvent;
        try {
          event = JSON.parse(line) as EngineEvent;
        } catch {
          return;
        }
        trace.firstEventAt ??= performance.now();
        if (event.type === 'run') {
          // The engine reports a run when it ends; it started durationMs earlier.
          t.runStarted(performance.now() - event.run.durationMs);
          t.runEnded();
          trace.runs.push({
            kind: event.run.kind,
            durationMs: event.run.durationMs,
            paths: event.run.paths,
            latencyMs: event.run.latencyMs,
            outcome: event.run.outcome,
            receivedAt: performance.now(),
          });
        } else if (event.type === 'log') {
          if (event.level === 'warn' || event.level === 'error')
            trace.logs.push({ at: performance.now(), text: `${event.level}: ${event.message}` });
        } else if (event.type === 'status') {
          const s = event.status;
          if (s.watch.mode === 'watching' || s.watch.mode === 'polling') t.markReady();
          const settled = s.targets.length > 0 && s.targets.every((x) => x.state === 'idle' && x.pending === 0);
          if (settled && s.targets.every((x) => x.lastFullSyncAt !== null)) t.markInitialSync();
          t.busyFlag = !settled;
          t.activity();
        }
      },
    );
    tool.termLeaderOnly = true;
    tool.explain = (from, to) => {
      const runs = explainRuns(
        trace.runs.filter((r) => r.receivedAt >= from && r.receivedAt <= to),
        from,
      );
      const logs = trace.logs
        .filter((l) => l.at >= from && l.at <= to)
        .map((l) => `engine said "${l.text}" at +${ms(l.at - from)}`);
      return [runs, ...logs].filter(Boolean).join('; ') || null;
    };
    traces.set(tool, trace);
    return tool;
  },
};
