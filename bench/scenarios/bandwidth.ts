/**
 * The bandwidth limit: a big file moved into a watched (empty) folder, each tool limited to the
 * same rate ("5M" = 5 MiB/s, passed to rsync as --bwlimit in KiB/s). The rate is the file's size
 * over the time from its arrival in the source to its completion on the backup (rsync renames
 * its temp file into place only when complete).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseBandwidth } from '../../electron/core/bandwidth.ts';
import type { ToolContext } from '../context.ts';
import { waitFor } from '../measure.ts';

export async function bandwidthScenario(ctx: ToolContext): Promise<void> {
  const { settings, result } = ctx;
  const source = path.join(ctx.dir, 'bw');
  mkdirSync(source, { recursive: true });
  const destination = ctx.destination('bw');
  const tool = await ctx.start({ source, destination, workDir: path.join(ctx.dir, 'work-bw'), bandwidthLimit: settings.bandwidthLimit });
  const bytes = settings.bandwidthMiB * 1024 * 1024;
  const outside = path.join(ctx.dir, 'bw-file.tmp');
  const block = randomBytes(1 << 20);
  writeFileSync(outside, Buffer.concat(Array.from({ length: settings.bandwidthMiB }, () => block)));
  const limit = parseBandwidth(settings.bandwidthLimit);
  const target = limit.ok ? limit.value.bytesPerSecond : 0;
  ctx.log(`bandwidth: ${settings.bandwidthMiB} MiB at ${settings.bandwidthLimit}`);
  await tool.settle(200, 10_000);
  renameSync(outside, path.join(source, 'big.bin'));
  const copy = path.join(destination.folder, 'big.bin');
  const expectedSeconds = target ? bytes / target : 60;
  const ms = await waitFor(() => existsSync(copy), expectedSeconds * 3_000 + 30_000, 20);
  await tool.stop();
  if (ms === null || statSync(copy).size !== bytes) {
    result.cells.bandwidth = { value: null, text: 'not converged' };
    result.notes.push(`bandwidth: the ${settings.bandwidthMiB} MiB file did not arrive complete`);
    return;
  }
  const rate = bytes / (ms / 1000);
  result.cells.bandwidth = {
    value: rate / (1024 * 1024),
    text: `${(rate / (1024 * 1024)).toFixed(2)} MiB/s`,
    detail: target ? `${((rate / target - 1) * 100).toFixed(1)} % off ${settings.bandwidthLimit}; ${(ms / 1000).toFixed(1)} s` : undefined,
  };
}
