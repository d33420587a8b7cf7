/**
 * The 10k-file tree (100 dirs × 100 files, plus two 1,000-file dirs): single changes, deleting and
 * renaming a 1,000-file directory, then a burst of 10,000 new files in 100 new dirs.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { ToolContext } from '../context.ts';
import { completeEntries, fmtMs, sleep, waitFor } from '../measure.ts';
import type { RunningTool, StartOptions } from '../tools/tool.ts';
import { compareTrees, countFiles, generateFlatDir, generateTree, SMALL_TREE } from '../trees.ts';
import { singleChanges } from './single-change.ts';

const BIG_DIR_FILES = 1_000;
/** Every scenario starts on a tool idle for this long, as single changes do (see single-change.ts). */
const IDLE_GAP_MS = 600;
const BURST = { dirs: [100], filesPerDir: 100 };

export async function smallTreeScenarios(ctx: ToolContext): Promise<void> {
  const { settings, result } = ctx;
  const source = path.join(ctx.dir, 'small');
  const destination = ctx.destination('small');
  const backup = destination.folder;
  await generateTree(source, SMALL_TREE);
  await generateFlatDir(path.join(source, 'big-delete'), BIG_DIR_FILES);
  await generateFlatDir(path.join(source, 'big-rename'), BIG_DIR_FILES);
  const startOptions: StartOptions = { source, destination, workDir: path.join(ctx.dir, 'work-small') };
  let tool = await ctx.start(startOptions);
  const slowTimeout = ctx.spec.slow ? 60_000 : 20_000;

  /** After a scenario: wait for quiet; a tool still busy (a storm of runs) is restarted. */
  const settle = async (what: string): Promise<void> => {
    if (await tool.settle(300, settings.settleTimeoutMs)) return;
    result.notes.push(
      `${what}: still busy ${fmtMs(settings.settleTimeoutMs)} after it converged ` +
        `(${tool.runsStarted} rsync runs so far); restarted before the next scenario`,
    );
    await tool.stop();
    tool = await ctx.start(startOptions);
  };

  // Single changes.
  const files = Array.from(
    { length: 20 },
    (_, i) => `d${String((i * 37) % 100).padStart(4, '0')}/f${String((i * 13) % 100).padStart(4, '0')}`,
  );
  const samples = ctx.spec.slow ? Math.min(3, settings.latencySamples) : settings.latencySamples;
  ctx.log(`single changes ×${samples} in the ${countFiles(SMALL_TREE) / 1000}k tree`);
  const single = await singleChanges(tool, { source, backup, files, samples, timeoutMs: slowTimeout });
  result.cells.latencySmall = {
    value: single.p50,
    max: single.max,
    text: `${fmtMs(single.p50)} / ${fmtMs(single.max)}`,
    detail: `${single.latencies.length} samples${single.missed ? `, ${single.missed} never arrived` : ''}`,
  };
  ctx.explain(tool, `single changes in the 10k tree`, single.from, single.to);
  await settle('single changes');

  // Delete, then rename, a 1,000-file directory: a few samples each (one is noise on a shared
  // machine), the directory made again between them.
  const dirSamples = ctx.spec.slow ? 1 : settings.latencySamples >= 20 ? 5 : 3;
  for (const op of ['delete', 'rename'] as const) {
    ctx.log(`${op} a ${BIG_DIR_FILES}-file directory ×${dirSamples}`);
    const times: number[] = [];
    const runCounts: number[] = [];
    const before = performance.now();
    for (let sample = 0; sample < dirSamples; sample++) {
      if (sample > 0) {
        if (op === 'delete') await generateFlatDir(path.join(source, 'big-delete'), BIG_DIR_FILES);
        else renameSync(path.join(source, 'big-renamed'), path.join(source, 'big-rename'));
        tool.mark(`${op} sample ${sample + 1}: directory made again`);
      }
      await tool.settle(100, slowTimeout);
      await sleep(IDLE_GAP_MS);
      const sampleStart = performance.now();
      let ms: number | null;
      let t0: number;
      if (op === 'delete') {
        tool.mark('rm -r big-delete: start');
        rmSync(path.join(source, 'big-delete'), { recursive: true });
        t0 = performance.now();
        tool.mark('rm -r big-delete: done');
        // An lstat per millisecond: polling must not take the CPU the tools need.
        ms = await waitFor(() => !existsSync(path.join(backup, 'big-delete')), slowTimeout, 1, t0);
        tool.mark(`big-delete gone from the backup: ${fmtMs(ms)}`);
      } else {
        renameSync(path.join(source, 'big-rename'), path.join(source, 'big-renamed'));
        t0 = performance.now();
        tool.mark('renamed big-rename → big-renamed');
        // rsync fills a directory in name order: the last file first, then the whole count once.
        const last = path.join(backup, 'big-renamed', `f${String(BIG_DIR_FILES - 1).padStart(4, '0')}`);
        ms = await waitFor(
          () =>
            existsSync(last) &&
            !existsSync(path.join(backup, 'big-rename')) &&
            completeEntries(path.join(backup, 'big-renamed')) === BIG_DIR_FILES,
          slowTimeout,
          1,
          t0,
        );
        tool.mark(`big-renamed complete on the backup: ${fmtMs(ms)}`);
      }
      if (ms === null) {
        result.notes.push(
          `${op} of a ${BIG_DIR_FILES}-file directory did not reach the backup within ${fmtMs(slowTimeout)}`,
        );
        break;
      }
      times.push(ms);
      // Runs that started before the backup was right (Rsync Tray reports a run when it ends).
      const convergedAt = t0 + ms;
      await tool.settle(100, 2_000);
      runCounts.push(tool.runsBetween(sampleStart, convergedAt));
    }
    const sorted = [...times].sort((x, y) => x - y);
    const p50 = sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)]! : null;
    const max = sorted.length ? sorted.at(-1)! : null;
    const runs = Math.max(0, ...runCounts);
    result.cells[op === 'delete' ? 'deleteDir' : 'renameDir'] = {
      value: p50,
      max: max ?? undefined,
      text: p50 === null ? 'not converged' : sorted.length > 1 ? `${fmtMs(p50)} / ${fmtMs(max)}` : fmtMs(p50),
      detail:
        `${sorted.length > 1 ? `p50 / max of ${sorted.length}; ` : ''}` +
        `${runs} rsync run${runs === 1 ? '' : 's'}${sorted.length > 1 ? ' each at most' : ''}`,
    };
    await settle(`${op} of a ${BIG_DIR_FILES}-file directory`);
    ctx.explain(tool, `${op} of a ${BIG_DIR_FILES}-file directory`, before);
  }
  const mid = await compareTrees(source, backup);
  if (!mid.equal)
    result.notes.push(
      `10k tree after single changes, delete and rename: ${mid.differenceCount} differences, e.g. ` +
        `${mid.differences.join('; ')}`,
    );

  // The burst: 10,000 files in 100 new dirs, written as fast as the bench can.
  ctx.log('burst of 10,000 files in 100 new dirs');
  await tool.settle(300, slowTimeout);
  await sleep(IDLE_GAP_MS);
  tool.mark('burst: start');
  const burstStart = performance.now();
  await generateTree(path.join(source, 'burst'), BURST, { prefix: 'b', seed: 99 });
  const burstEnd = performance.now();
  tool.mark('burst: end');
  const dirs = Array.from({ length: 100 }, (_, i) => path.join(backup, 'burst', `b${String(i).padStart(4, '0')}`));
  let done = 0;
  const converged = await waitFor(
    () => {
      while (done < dirs.length && completeEntries(dirs[done]!) === BURST.filesPerDir) done++;
      return done === dirs.length;
    },
    ctx.spec.slow ? 90_000 : 60_000,
    5,
    burstEnd,
  );
  const convergedAt = converged === null ? performance.now() : burstEnd + converged;
  tool.mark(`burst: converged ${fmtMs(converged)} after its end`);
  // Quiet afterwards? Count the runs that start in the window after convergence. (Counted at
  // the end of the window: Rsync Tray reports a run, with its start, when it ends.)
  await new Promise((r) => setTimeout(r, Math.max(0, convergedAt + settings.quietWindowMs - performance.now())));
  const runsToConverge = tool.runsBetween(burstStart, convergedAt);
  const followUps = tool.runsBetween(convergedAt);
  const stillBusy = tool.busy;
  result.cells.burst = {
    value: converged,
    runs: runsToConverge,
    followUps,
    stillBusy,
    text: converged === null ? 'not converged' : fmtMs(converged),
    detail:
      `${runsToConverge} run${runsToConverge === 1 ? '' : 's'}; ` +
      `then ${followUps} in ${fmtMs(settings.quietWindowMs)}${stillBusy ? ', still busy' : ''}`,
  };
  ctx.log(`burst written in ${fmtMs(burstEnd - burstStart)}; converged ${fmtMs(converged)} after its end`);
  ctx.explain(tool, `burst (written in ${fmtMs(burstEnd - burstStart)})`, burstStart);
  let end = await compareTrees(source, backup);
  if (!end.equal) {
    // A tool still busy may finish a run meanwhile; a difference that stays is a failure.
    await tool.settle(300, 30_000);
    end = await compareTrees(source, backup);
    if (!end.equal)
      result.notes.push(
        `10k tree after the burst: ${end.differenceCount} differences, e.g. ${end.differences.join('; ')}`,
      );
  }
  result.cells.converged = mergeConverged(result.cells.converged, mid.equal && end.equal, '10k');
  await tool.stop();
}

export function mergeConverged(
  previous: { value: number | null; text: string } | undefined,
  equal: boolean,
  tree: string,
): { value: number | null; text: string } {
  const parts = previous && previous.text !== '' ? [previous.text] : [];
  parts.push(`${tree} ${equal ? 'identical' : 'DIFFERENT'}`);
  return { value: null, text: parts.join(', ') };
}
