/**
 * The runner's own mechanics, with a stand-in that prints what rsync prints (rsync itself runs in
 * every engine test): progress read from the output file while the process runs, the final
 * stats after it, an output file emptied past its size cap without losing the stats, the idle
 * watchdog, and captured stdout for listings.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Progress } from '../../electron/core/rsync-output.ts';
import { runRsync } from '../../electron/core/rsync-runner.ts';

const STATS = [
  'Number of files: 120,001 (reg: 120,000, dir: 1)',
  'Number of created files: 120,000',
  'Number of deleted files: 0',
  'Number of regular files transferred: 120,000',
  'Total file size: 1,200,000 bytes',
  'Total transferred file size: 1,200,000 bytes',
  'Total bytes sent: 9,000,000',
  'Total bytes received: 2,400,000',
].join('\n');

let dir: string;
/** A stand-in for rsync: `node fake.js LINES DELAY_MS` prints LINES progress2 lines over DELAY_MS, then the stats. */
let fake: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'runner-'));
  fake = path.join(dir, 'fake-rsync.mjs');
  await writeFile(
    fake,
    `#!${process.execPath}
import { writeSync } from 'node:fs';
const [lines, ms] = process.argv.slice(2).map(Number);
const total = lines * 10;
const started = Date.now();
for (let i = 1; i <= lines; i++) {
  const pct = Math.floor((100 * i) / lines);
  writeSync(1, '\\r' + String(i * 10).padStart(15) + String(pct).padStart(4) + '%   10.00MB/s    0:00:01 (xfr#' + i + ', to-chk=' + (lines - i) + '/' + lines + ')');
  while (Date.now() - started < (ms * i) / lines) {}
}
writeSync(1, '\\n\\n' + ${JSON.stringify(STATS)} + '\\n');
`,
  );
  await chmod(fake, 0o755);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('rsync runner', () => {
  it('reads progress while rsync runs and the stats when it ends', async () => {
    const seen: Progress[] = [];
    const r = await runRsync({ rsyncPath: fake, args: ['2000', '600'], onProgress: (p) => seen.push(p) });
    expect(r.exitCode).toBe(0);
    expect(seen.length).toBeGreaterThan(2); // every ~100 ms, not once per line
    expect(seen.length).toBeLessThan(30);
    expect(seen.map((p) => p.percent)).toEqual([...seen.map((p) => p.percent)].sort((a, b) => a - b));
    expect(r.stats).toMatchObject({ files: 120_001, created: 120_000, regularFilesTransferred: 120_000, transferredFileSize: 1_200_000 });
  });

  it('keeps the stats when the output passes the size cap (it is emptied as it goes)', async () => {
    // ~120k lines of ~75 bytes: 9 MB, more than twice the 4 MiB cap.
    const r = await runRsync({ rsyncPath: fake, args: ['120000', '1500'], onProgress: () => undefined });
    expect(r.exitCode).toBe(0);
    expect(r.stats?.files).toBe(120_001);
  });

  it('says the stats are unknown when rsync printed none', async () => {
    const r = await runRsync({ rsyncPath: process.execPath, args: ['-e', 'process.stdout.write("no stats here\\n")'] });
    expect(r.stats).toBeNull();
  });

  it('takes only a whole stats block: half of one is unknown', async () => {
    const half = STATS.split('\n').slice(0, 2).join('\n');
    const r = await runRsync({ rsyncPath: process.execPath, args: ['-e', `process.stdout.write(${JSON.stringify(half)} + '\\n')`] });
    expect(r.stats).toBeNull();
  });

  it('falls back to a pipe where no temp file can be made, stats and all', async () => {
    const tmp = process.env.TMPDIR;
    process.env.TMPDIR = path.join(dir, 'no-such-dir');
    try {
      const r = await runRsync({ rsyncPath: fake, args: ['50', '50'], onProgress: () => undefined });
      expect(r.exitCode).toBe(0);
      expect(r.stats?.files).toBe(120_001);
    } finally {
      if (tmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmp;
    }
  });

  it('captures stdout whole for listings', async () => {
    const r = await runRsync({ rsyncPath: process.execPath, args: ['-e', 'console.log("backup\\tmain backups")'], captureStdout: true });
    expect(r.stdout).toBe('backup\tmain backups\n');
  });

  it('stops a run that prints nothing for the idle time', async () => {
    const r = await runRsync({ rsyncPath: process.execPath, args: ['-e', 'setTimeout(() => {}, 10_000)'], idleTimeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.durationMs).toBeLessThan(5_000);
  });

  it('does not stop a run that keeps printing', async () => {
    const r = await runRsync({ rsyncPath: fake, args: ['200', '800'], idleTimeoutMs: 400, onProgress: () => undefined });
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(0);
  });
});
