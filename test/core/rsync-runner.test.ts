/**
 * The runner's own mechanics, with a stand-in that prints what rsync prints (rsync itself runs in
 * every engine test): progress read from the output file while the process runs (without a
 * percentage while rsync is still finding files), or from the bytes the process has written, the
 * final stats after it, an output file emptied past its size cap without losing the stats, the
 * idle watchdog, and captured stdout for listings.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRsync, type RunProgress } from '../../electron/core/rsync/rsync-runner.ts';

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
/**
 * A stand-in for rsync: `node fake.js LINES DELAY_MS [IR]` prints LINES progress2 lines over
 * DELAY_MS, then the stats; with IR the first half says "ir-chk" (file list still growing).
 */
let fake: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'runner-'));
  fake = path.join(dir, 'fake-rsync.mjs');
  await writeFile(
    fake,
    `#!${process.execPath}
import { writeSync } from 'node:fs';
const [lines, ms, ir] = process.argv.slice(2).map(Number);
const total = lines * 10;
const started = Date.now();
for (let i = 1; i <= lines; i++) {
  const pct = Math.floor((100 * i) / lines);
  writeSync(1, '\\r' + String(i * 10).padStart(15) + String(pct).padStart(4) + '%   10.00MB/s    0:00:01 (xfr#' + i +
    ', ' + (ir && i <= lines / 2 ? 'ir' : 'to') + '-chk=' + (lines - i) + '/' + lines + ')');
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
    const seen: RunProgress[] = [];
    const r = await runRsync({ rsyncPath: fake, args: ['2000', '600'], onProgress: (p) => seen.push(p) });
    expect(r.exitCode).toBe(0);
    expect(seen.length).toBeGreaterThan(2); // every ~100 ms, not once per line
    expect(seen.length).toBeLessThan(30);
    const percents = seen.map((p) => p.percent ?? -1);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents.every((p) => p >= 0)).toBe(true); // a whole file list: rsync's percentage stands
    expect(r.stats).toMatchObject({
      files: 120_001,
      created: 120_000,
      regularFilesTransferred: 120_000,
      transferredFileSize: 1_200_000,
    });
  });

  it('gives no percentage while rsync is still finding files (its own is of those found so far)', async () => {
    const seen: RunProgress[] = [];
    await runRsync({ rsyncPath: fake, args: ['2000', '800', '1'], onProgress: (p) => seen.push(p) });
    const growing = seen.filter((p) => p.percent === null);
    const whole = seen.filter((p) => p.percent !== null);
    expect(growing.length).toBeGreaterThan(0);
    expect(growing.every((p) => p.etaSeconds === null && p.bytes > 0)).toBe(true);
    expect(whole.length).toBeGreaterThan(0);
    expect(seen.indexOf(whole[0]!)).toBeGreaterThan(seen.indexOf(growing.at(-1)!)); // once whole, it stays
    expect(whole.every((p) => p.percent! >= 50)).toBe(true);
  });

  it.skipIf(!existsSync('/proc/self/io'))(
    'follows a run without progress lines by the bytes it writes (process-io)',
    async () => {
      // Writes 64 KiB every 20 ms for ~0.6 s and prints no progress lines.
      const writer = [
        '-e',
        'const b = Buffer.alloc(65536, 120); let n = 0; const t = setInterval(() => { require("fs").writeSync(1, b); ' +
          'if (++n === 30) clearInterval(t); }, 20);',
      ];
      const seen: RunProgress[] = [];
      const r = await runRsync({
        rsyncPath: process.execPath,
        args: writer,
        progressFrom: 'process-io',
        onProgress: (p) => seen.push(p),
      });
      expect(r.exitCode).toBe(0);
      expect(seen.length).toBeGreaterThan(2);
      expect(seen.every((p) => p.percent === null && p.etaSeconds === null)).toBe(true);
      const bytes = seen.map((p) => p.bytes);
      expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
      expect(bytes.at(-1)).toBeGreaterThan(10 * 65536);
      const moving = seen.filter((p, i) => i > 0 && p.bytes > seen[i - 1]!.bytes);
      expect(Math.max(...moving.map((p) => p.bytesPerSecond))).toBeGreaterThan(65536); // ~3 MiB/s written
    },
  );

  it.skipIf(!existsSync('/proc/self/io'))('lets the rate fall while rsync writes nothing (process-io)', async () => {
    // 1 MiB at once, then ~2.5 s of silence.
    const writer = ['-e', 'require("fs").writeSync(1, Buffer.alloc(1 << 20, 120)); setTimeout(() => {}, 2_500);'];
    const seen: RunProgress[] = [];
    await runRsync({
      rsyncPath: process.execPath,
      args: writer,
      progressFrom: 'process-io',
      onProgress: (p) => seen.push(p),
    });
    expect(seen.some((p) => p.bytesPerSecond > 0)).toBe(true);
    expect(seen.at(-1)!.bytes).toBeGreaterThanOrEqual(1 << 20);
    expect(seen.at(-1)!.bytesPerSecond).toBe(0); // not the last burst's rate, frozen
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
    const r = await runRsync({
      rsyncPath: process.execPath,
      args: ['-e', `process.stdout.write(${JSON.stringify(half)} + '\\n')`],
    });
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
    const r = await runRsync({
      rsyncPath: process.execPath,
      args: ['-e', 'console.log("backup\\tmain backups")'],
      captureStdout: true,
    });
    expect(r.stdout).toBe('backup\tmain backups\n');
  });

  it('stops a run that prints nothing for the idle time', async () => {
    const r = await runRsync({
      rsyncPath: process.execPath,
      args: ['-e', 'setTimeout(() => {}, 10_000)'],
      idleTimeoutMs: 300,
    });
    // Stopped, not waited out: the program would have run 10 s and exited 0.
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).not.toBe(0);
  });

  it('does not stop a run that keeps printing', async () => {
    const r = await runRsync({
      rsyncPath: fake,
      args: ['200', '800'],
      idleTimeoutMs: 400,
      onProgress: () => undefined,
    });
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(0);
  });
});
