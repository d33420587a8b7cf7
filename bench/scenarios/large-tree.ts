/**
 * The large tree (200k files in 20k dirs by default): start with an empty backup, the watcher's
 * ready time, idle memory and CPU, single changes in the big tree, then a restart on the backup
 * that is now in sync.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { timeRsync } from '../baseline.ts';
import type { ToolContext } from '../context.ts';
import { cpuShare, sampleGroup } from '../proc.ts';
import { fmtMs, sleep } from '../measure.ts';
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
  let plainNow: number | null = null;
  if (settings.pairedBaselines) {
    ctx.log(`plain rsync -a of the ${label} tree into an empty folder, right before the tool starts`);
    const scratch = path.join(ctx.baseline.folder, ctx.spec.id);
    plainNow = await timeRsync(['-a', auth, `${source}/`, `${rsyncUrl(ctx.baseline)}${ctx.spec.id}/`]);
    rmSync(scratch, { recursive: true, force: true });
  }

  // Start with an empty backup.
  ctx.log(`start on the ${label} tree, empty backup`);
  let tool = await ctx.start(startOptions);
  const emptyStart = since(tool, tool.initialSyncAt)!;
  const emptyReady = since(tool, tool.readyAt)!;
  ctx.explain(tool, `start on the ${label} tree, empty backup (ready at +${fmtMs(emptyReady)}, done at +${fmtMs(emptyStart)})`, tool.spawnedAt);
  const check1 = await awaitEqualTrees(source, destination.folder, 120_000);
  if (!check1.equal) result.notes.push(`${label} tree after the start: ${check1.differenceCount} differences, e.g. ${check1.differences.join('; ')}`);
  else if (!check1.firstTry) result.notes.push(`${label} tree: the backup was not yet identical when the tool reported its initial sync done; it was ${fmtMs(check1.waitedMs)} later`);

  // Idle: nothing changes; what does watching cost?
  await tool.settle(500, 60_000);
  const a = sampleGroup(tool.pid);
  await sleep(settings.idleWindowMs);
  const b = sampleGroup(tool.pid);
  const rssAt = (v: number | null) => (v === null ? '—' : v.toFixed(0));
  result.cells.idleRss = {
    value: b.rssMiB,
    text: `${b.rssMiB.toFixed(1)} MiB`,
    detail: `${b.processes.map((p) => `${p.comm}${p.state === 'Z' ? ' (zombie)' : ''} ${(p.rssKiB / 1024).toFixed(1)}`).join(' + ')}; at ready ${rssAt(tool.rssAtReady)}, after the initial sync ${rssAt(tool.rssAtInitialSync)}`,
  };
  const cpu = cpuShare(a, b);
  result.cells.idleCpu = { value: cpu * 100, text: `${(cpu * 100).toFixed(1)} %`, detail: `over ${fmtMs(settings.idleWindowMs)}` };

  // Single changes deep in the big tree.
  const files = Array.from({ length: 20 }, (_, i) => {
    const [top, sub] = shape.dirs;
    const parts = [`d${String((i * 37) % top!).padStart(4, '0')}`];
    if (sub !== undefined) parts.push(`d${String((i * 53) % sub).padStart(4, '0')}`);
    return [...parts, `f${String(i % shape.filesPerDir).padStart(4, '0')}`].join('/');
  });
  const samples = ctx.spec.slow ? Math.min(3, settings.largeLatencySamples) : settings.largeLatencySamples;
  ctx.log(`single changes ×${samples} in the ${label} tree`);
  const single = await singleChanges(tool, { source, backup: destination.folder, files, samples, timeoutMs: ctx.spec.slow ? 60_000 : 30_000 });
  result.cells.latencyLarge = {
    value: single.p50,
    max: single.max,
    text: `${fmtMs(single.p50)} / ${fmtMs(single.max)}`,
    detail: `${single.latencies.length} samples${single.missed ? `, ${single.missed} never arrived` : ''}`,
  };
  ctx.explain(tool, `single changes in the ${label} tree`, single.from, single.to);
  await tool.stop();

  // Restart on the backup that is now in sync.
  let noopNow: number | null = null;
  if (settings.pairedBaselines) {
    ctx.log('a no-op plain rsync -a to the backup, right before the restart');
    noopNow = await timeRsync(['-a', auth, `${source}/`, rsyncUrl(destination)]);
  }
  ctx.log(`start on the ${label} tree, backup in sync`);
  tool = await ctx.start(startOptions);
  const syncedStart = since(tool, tool.initialSyncAt)!;
  const syncedReady = since(tool, tool.readyAt)!;
  ctx.explain(tool, `start on the ${label} tree, backup in sync (ready at +${fmtMs(syncedReady)}, done at +${fmtMs(syncedStart)})`, tool.spawnedAt);
  await tool.settle(300, 60_000);
  const check2 = await awaitEqualTrees(source, destination.folder, 60_000);
  if (!check2.equal) result.notes.push(`${label} tree after the restart: ${check2.differenceCount} differences, e.g. ${check2.differences.join('; ')}`);
  await tool.stop();

  const paired = (ms: number, ref: number | null, what: string) => (ref === null ? undefined : `${what} right before: ${fmtMs(ref)} (${(ms / ref).toFixed(2)}×)`);
  result.cells.startEmpty = { value: emptyStart, text: fmtMs(emptyStart), ref: plainNow, detail: paired(emptyStart, plainNow, 'plain rsync') };
  result.cells.startInSync = { value: syncedStart, text: fmtMs(syncedStart), ref: noopNow, detail: paired(syncedStart, noopNow, 'no-op rsync') };
  result.cells.ready = { value: emptyReady, text: fmtMs(emptyReady), detail: `${fmtMs(syncedReady)} on the in-sync start` };
  result.cells.converged = mergeConverged(result.cells.converged, check1.equal && check2.equal, label);
}
