/**
 * The bandwidth limit: a big file moved into a watched (empty) folder, each tool limited to the
 * same rate ("5M" = 5 MiB/s, passed to rsync as --bwlimit in KiB/s). The rate is how fast rsync's
 * temp file grows on the backup between 10 % and 90 % of the file; the time to completion is
 * shown beside it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseBandwidth } from '../../electron/shared/bandwidth.ts';
import type { ToolContext } from '../context.ts';
import { waitFor } from '../measure.ts';

export async function bandwidthScenario(ctx: ToolContext): Promise<void> {
  const { settings, result } = ctx;
  const source = path.join(ctx.dir, 'bw');
  mkdirSync(source, { recursive: true });
  const destination = ctx.destination('bw');
  const tool = await ctx.start({
    source,
    destination,
    workDir: path.join(ctx.dir, 'work-bw'),
    bandwidthLimit: settings.bandwidthLimit,
  });
  const bytes = settings.bandwidthMiB * 1024 * 1024;
  const outside = path.join(ctx.dir, 'bw-file.tmp');
  const block = randomBytes(1 << 20);
  writeFileSync(outside, Buffer.concat(Array.from({ length: settings.bandwidthMiB }, () => block)));
  const limit = parseBandwidth(settings.bandwidthLimit);
  const target = limit.ok ? limit.value.bytesPerSecond : 0;
  ctx.log(`bandwidth: ${settings.bandwidthMiB} MiB at ${settings.bandwidthLimit}`);
  await tool.settle(200, 10_000);
  renameSync(outside, path.join(source, 'big.bin'));
  const t0 = performance.now();
  const copy = path.join(destination.folder, 'big.bin');
  const expectedSeconds = target ? bytes / target : 60;
  // rsync writes into a temp file (.big.bin.XXXXXX) and renames it when complete: its growth is
  // the transfer rate, apart from whatever the tool waits before starting (lsyncd's delay).
  const growth: Array<{ at: number; size: number }> = [];
  const ms = await waitFor(
    () => {
      if (existsSync(copy)) return true;
      try {
        const temp = readdirSync(destination.folder).find((n) => n.startsWith('.big.bin.'));
        if (temp) growth.push({ at: performance.now(), size: statSync(path.join(destination.folder, temp)).size });
      } catch {
        // renamed meanwhile
      }
      return false;
    },
    expectedSeconds * 3_000 + 30_000,
    100,
    t0,
  );
  await tool.stop();
  if (ms === null || statSync(copy).size !== bytes) {
    result.cells.bandwidth = { value: null, text: 'not converged' };
    result.notes.push(`bandwidth: the ${settings.bandwidthMiB} MiB file did not arrive complete`);
    return;
  }
  // The rate between 10 % and 90 % of the file: rsync's start and end are not the limit's business.
  const from = growth.find((g) => g.size >= bytes * 0.1);
  const to = [...growth].reverse().find((g) => g.size <= bytes * 0.9);
  const rate = from && to && to.at > from.at ? (to.size - from.size) / ((to.at - from.at) / 1000) : bytes / (ms / 1000);
  const startedAfter = growth[0] ? growth[0].at - t0 : null;
  const lateStart = startedAfter !== null && startedAfter > 1_000;
  result.cells.bandwidth = {
    value: rate / (1024 * 1024),
    text: `${(rate / (1024 * 1024)).toFixed(2)} MiB/s`,
    detail:
      `${target ? `${((rate / target - 1) * 100).toFixed(1)} % off ${settings.bandwidthLimit}; ` : ''}` +
      `complete after ${(ms / 1000).toFixed(1)} s` +
      `${lateStart ? ` (first bytes after ${(startedAfter / 1000).toFixed(1)} s)` : ''}`,
  };
}
