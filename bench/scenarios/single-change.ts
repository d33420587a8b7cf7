/**
 * One file rewritten (4 KiB, new bytes) → how long until the backup holds exactly those bytes.
 * The bench writes, then reads the backup's copy every millisecond. One change at a time, on an
 * idle tool: each change comes `gapMs` (600 ms) after the tool went quiet, as single edits do.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { hasContent, max, median, sleep, waitFor } from '../measure.ts';
import type { RunningTool } from '../tools/tool.ts';

export interface SingleChangeResult {
  latencies: number[];
  missed: number;
  p50: number;
  max: number;
  /** rsync runs the changes took. */
  runs: number;
  from: number;
  to: number;
}

export async function singleChanges(
  tool: RunningTool,
  o: { source: string; backup: string; files: string[]; samples: number; timeoutMs: number; gapMs?: number },
): Promise<SingleChangeResult> {
  const latencies: number[] = [];
  let missed = 0;
  const runsBefore = tool.runsStarted;
  const from = performance.now();
  for (let i = 0; i < o.samples; i++) {
    await tool.settle(50, o.timeoutMs);
    await sleep((o.gapMs ?? 600) + (i % 4) * 10); // not in step with any timer of the tool
    const rel = o.files[i % o.files.length]!;
    const bytes = randomBytes(4096);
    writeFileSync(path.join(o.source, rel), bytes);
    tool.mark(`wrote ${rel}`);
    const ms = await waitFor(() => hasContent(path.join(o.backup, rel), bytes), o.timeoutMs);
    tool.mark(`${rel} on the backup: ${ms === null ? 'never' : `${ms.toFixed(1)} ms`}`);
    if (ms === null) missed++;
    else latencies.push(ms);
  }
  await tool.settle(50, o.timeoutMs);
  return {
    latencies,
    missed,
    p50: median(latencies),
    max: max(latencies),
    runs: tool.runsStarted - runsBefore,
    from,
    to: performance.now(),
  };
}
