/**
 * The large tree (200k files in 20k dirs by default): start with an empty backup, the watcher's
 * ready time, idle memory and CPU, single changes in the big tree, then a restart on the backup
 * that is now in sync.
 */
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { timeRsync } from '../baseline.ts';
import type { Cell, ToolContext } from '../context.ts';
import { cpuShare, sampleGroup } from '../proc.ts';
import { fmtMs, median, sleep } from '../measure.ts';
import { rsyncUrl, type RunningTool, type StartOptions } from '../tools/tool.ts';
import { awaitEqualTrees, countDirs, countFiles, generateTree } from '../trees.ts';
import { mergeConverged } from './small-tree.ts';
import { singleChanges } from './single-change.ts';

const since = (tool: RunningTool, at: number | null) => (at === null ? null : at - tool.spawnedAt);

export async function largeTreeScenarios(ctx: ToolContext): Promise<void> {
  const { settings, result } = ctx;
  const shape = settings.largeTree;
  const label = `${countFiles(shape) / 1000}k`;
  const source = path.join(ctx.dir, 'large');
  ctx.log(`generating the ${label}-file tree (${countDirs(shape)} dirs)`);
  await generateTree(source, shape);
  await ctx.largeTreeReady(source);
  const destination = ctx.destination('large');
  const startOptions: StartOptions = { source, destination, workDir: path.join(ctx.dir, 'work-large') };

  const auth = `--password-file=${destination.passwordFile}`;
  const rounds = settings.startRounds;
  const of = (round: number) => (rounds > 1 ? ` (${round + 1}/${rounds})` : '');

  /**
   * One round: the plain rsync timed right before (paired baselines), the tool's start, and a
   * tree comparison once it says its initial sync is done (on an empty backup at once, so a
   * backup not yet identical when the tool said so is noted; in sync after 300 ms of quiet).
   */
  const round = async (
    what: 'empty backup' | 'backup in sync',
    n: number,
    baseline: () => Promise<number>,
  ): Promise<{ tool: RunningTool; sample: StartSample; equal: boolean }> => {
    const ref = settings.pairedBaselines ? await baseline() : null;
    ctx.log(`start on the ${label} tree, ${what}${of(n)}`);
    const tool = await ctx.start(startOptions);
    const sample = { ms: since(tool, tool.initialSyncAt)!, ready: since(tool, tool.readyAt)!, ref };
    ctx.explain(
      tool,
      `start on the ${label} tree, ${what}${of(n)} (ready at +${fmtMs(sample.ready)}, done at +${fmtMs(sample.ms)})`,
      tool.spawnedAt,
    );
    if (what === 'backup in sync') await tool.settle(300, 60_000);
    const check = await awaitEqualTrees(source, destination.folder, 120_000);
    if (!check.equal)
      result.notes.push(
        `${label} tree after the start, ${what}${of(n)}: ${check.differenceCount} differences, e.g. ` +
          `${check.differences.join('; ')}`,
      );
    else if (!check.firstTry)
      result.notes.push(
        `${label} tree, ${what}${of(n)}: the backup was not yet identical ` +
          `when the tool reported its initial sync done; it was ${fmtMs(check.waitedMs)} later`,
      );
    return { tool, sample, equal: check.equal };
  };

  // Start with an empty backup; each round's plain rsync goes into an empty folder.
  const empties: StartSample[] = [];
  let tool!: RunningTool;
  let converged = true;
  for (let n = 0; n < rounds; n++) {
    // Emptied first, so the plain rsync and the tool's start find the machine in the same state
    // (a full backup left in place made the plain rsync after it ~30 % slower).
    if (n > 0) emptyFolder(destination.folder);
    const r = await round('empty backup', n, async () => {
      ctx.log(`plain rsync -a of the ${label} tree into an empty folder, right before the tool starts${of(n)}`);
      const ms = await timeRsync(['-a', auth, `${source}/`, `${rsyncUrl(ctx.baseline)}${ctx.spec.id}/`]);
      rmSync(path.join(ctx.baseline.folder, ctx.spec.id), { recursive: true, force: true });
      return ms;
    });
    empties.push(r.sample);
    converged &&= r.equal;
    tool = r.tool;
    if (n < rounds - 1) await tool.stop();
  }

  // Idle: nothing changes; what does watching cost?
  await tool.settle(500, 60_000);
  const a = sampleGroup(tool.pid);
  await sleep(settings.idleWindowMs);
  const b = sampleGroup(tool.pid);
  const rssAt = (v: number | null) => (v === null ? '—' : v.toFixed(0));
  const perProcess = b.processes.map(
    (p) => `${p.comm}${p.state === 'Z' ? ' (zombie)' : ''} ${(p.rssKiB / 1024).toFixed(1)}`,
  );
  result.cells.idleRss = {
    value: b.rssMiB,
    text: `${b.rssMiB.toFixed(1)} MiB`,
    detail:
      `${perProcess.join(' + ')}; ` +
      `at ready ${rssAt(tool.rssAtReady)}, after the initial sync ${rssAt(tool.rssAtInitialSync)}`,
  };
  const cpu = cpuShare(a, b);
  result.cells.idleCpu = {
    value: cpu * 100,
    text: `${(cpu * 100).toFixed(1)} %`,
    detail: `over ${fmtMs(settings.idleWindowMs)}`,
  };

  // Single changes deep in the big tree.
  const files = Array.from({ length: 20 }, (_, i) => {
    const [top, sub] = shape.dirs;
    const parts = [`d${String((i * 37) % top!).padStart(4, '0')}`];
    if (sub !== undefined) parts.push(`d${String((i * 53) % sub).padStart(4, '0')}`);
    return [...parts, `f${String(i % shape.filesPerDir).padStart(4, '0')}`].join('/');
  });
  const samples = ctx.spec.slow ? Math.min(3, settings.largeLatencySamples) : settings.largeLatencySamples;
  ctx.log(`single changes ×${samples} in the ${label} tree`);
  const single = await singleChanges(tool, {
    source,
    backup: destination.folder,
    files,
    samples,
    timeoutMs: ctx.spec.slow ? 60_000 : 30_000,
  });
  result.cells.latencyLarge = {
    value: single.p50,
    max: single.max,
    text: `${fmtMs(single.p50)} / ${fmtMs(single.max)}`,
    detail: `${single.latencies.length} samples${single.missed ? `, ${single.missed} never arrived` : ''}`,
  };
  ctx.explain(tool, `single changes in the ${label} tree`, single.from, single.to);
  await tool.stop();

  // Restart on the backup that is now in sync, each round after a no-op plain rsync.
  const synced: StartSample[] = [];
  for (let n = 0; n < rounds; n++) {
    const r = await round('backup in sync', n, () => {
      ctx.log(`a no-op plain rsync -a to the backup, right before the restart${of(n)}`);
      return timeRsync(['-a', auth, `${source}/`, rsyncUrl(destination)]);
    });
    synced.push(r.sample);
    converged &&= r.equal;
    await r.tool.stop();
  }

  // Each goal's own measure picks the median round: a ratio for the empty start (≤ 1.1×), a
  // difference for the in-sync one (≤ no-op + 1 s).
  result.cells.startEmpty = startCell(
    empties,
    'plain rsync',
    (ms, ref) => ms / ref,
    (v) => `${v.toFixed(2)}×`,
  );
  result.cells.startInSync = startCell(
    synced,
    'no-op rsync',
    (ms, ref) => ms - ref,
    (v) => `${v >= 0 ? '+' : '−'}${fmtMs(Math.abs(v))}`,
  );
  const readies = empties.map((e) => e.ready);
  result.cells.ready = {
    value: median(readies),
    text: fmtMs(median(readies)),
    detail:
      `${rounds > 1 ? `median of ${rounds} (${readies.map(fmtMs).join(', ')}); ` : ''}` +
      `${fmtMs(median(synced.map((e) => e.ready)))} on the in-sync start`,
  };
  result.cells.converged = mergeConverged(result.cells.converged, converged, label);
}

interface StartSample {
  /** Process start → initial sync done. */
  ms: number;
  /** Process start → watching. */
  ready: number;
  /** The plain rsync timed right before (paired baselines), or null. */
  ref: number | null;
}

/**
 * The median round by the goal's measure against the rsync timed right before it, when there is
 * one (so one round on a busy moment of a shared machine does not decide), with every round listed.
 */
function startCell(
  samples: StartSample[],
  what: string,
  measure: (ms: number, ref: number) => number,
  show: (v: number) => string,
): Cell {
  const paired = samples.every((s) => s.ref !== null);
  const key = (s: StartSample) => (paired ? measure(s.ms, s.ref!) : s.ms);
  const sorted = [...samples].sort((a, b) => key(a) - key(b));
  const mid = sorted[Math.floor((sorted.length - 1) / 2)]!;
  const each = samples.map((s) =>
    s.ref === null ? fmtMs(s.ms) : `${fmtMs(s.ms)} vs ${fmtMs(s.ref)} = ${show(measure(s.ms, s.ref))}`,
  );
  return {
    value: mid.ms,
    text: fmtMs(mid.ms),
    ref: mid.ref,
    detail: paired
      ? `${what} right before each start; ` +
        `${samples.length > 1 ? `median of ${samples.length}: ` : ''}${each.join('; ')}`
      : undefined,
  };
}

/** Empties a module's folder, keeping the folder the daemon serves. */
function emptyFolder(folder: string): void {
  for (const name of readdirSync(folder)) rmSync(path.join(folder, name), { recursive: true, force: true });
}
