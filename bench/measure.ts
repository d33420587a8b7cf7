/** Small measuring helpers: polling the backup, percentiles, formatting. */
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Polls `test` every `intervalMs` (1 ms: a timer, not a busy loop, so the two cores stay with the
 * tool under test) until it holds; returns the elapsed ms, or null on timeout.
 */
export async function waitFor(
  test: () => boolean,
  timeoutMs: number,
  intervalMs = 1,
  from = performance.now(),
): Promise<number | null> {
  for (;;) {
    if (test()) return performance.now() - from;
    if (performance.now() - from > timeoutMs) return null;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The file exists with exactly these bytes. */
export function hasContent(file: string, expected: Buffer): boolean {
  try {
    return readFileSync(file).equals(expected);
  } catch {
    return false;
  }
}

/** Completed entries of a directory: rsync's temp files start with '.', and are renamed when complete. */
export function completeEntries(dir: string): number {
  try {
    let n = 0;
    for (const name of readdirSync(dir)) if (!name.startsWith('.')) n++;
    return n;
  } catch {
    return -1;
  }
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const median = (values: readonly number[]) => percentile(values, 50);
export const max = (values: readonly number[]) => (values.length ? Math.max(...values) : NaN);

/** "12 ms", "1.51 s", "15.1 s". */
export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
