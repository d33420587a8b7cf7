import { describe, expect, it } from 'vitest';
import { parseProgress2, parseStats, ProgressSplitter, type Progress } from '../../electron/core/rsync/rsync-output.ts';

// Captured from rsync 3.5.0: `LC_ALL=C rsync -a --info=progress2,stats2 --bwlimit=1000 src/ dst/`
// (a 2 MB file and three 32 KiB files and a symlink), stdout verbatim.
const RUN_STDOUT =
  '\r         32,768   1%    0.00kB/s    0:00:00  ' +
  '\r         32,768   1%    0.00kB/s    0:00:00 (xfr#1, to-chk=5/7)' +
  '\r         65,536   3%   31.25MB/s    0:00:00 (xfr#2, to-chk=4/7)' +
  '\r         98,304   4%   62.50MB/s    0:00:00 (xfr#3, to-chk=3/7)' +
  '\r      1,081,344  51% 1000.98kB/s    0:00:01  ' +
  '\r      2,098,304  99%    1.03MB/s    0:00:01 (xfr#4, to-chk=0/7)' +
  '\r      2,098,304  99%    1.03MB/s    0:00:01 (xfr#4, to-chk=0/7)' +
  '\r      2,098,304  99%  984.92kB/s    0:00:02 (xfr#4, to-chk=0/7)\n' +
  '\n' +
  'Number of files: 7 (reg: 4, dir: 2, link: 1)\n' +
  'Number of created files: 7 (reg: 4, dir: 2, link: 1)\n' +
  'Number of deleted files: 0\n' +
  'Number of regular files transferred: 4\n' +
  'Total file size: 2,098,306 bytes\n' +
  'Total transferred file size: 2,098,304 bytes\n' +
  'Literal data: 2,098,304 bytes\n' +
  'Matched data: 0 bytes\n' +
  'File list size: 0\n' +
  'File list generation time: 0.001 seconds\n' +
  'File list transfer time: 0.000 seconds\n' +
  'Total bytes sent: 2,099,154\n' +
  'Total bytes received: 110\n' +
  '\n' +
  'sent 2,099,154 bytes  received 110 bytes  839,705.60 bytes/sec\n' +
  'total size is 2,098,306  speedup is 1.00\n';

// Same tree after deleting two files and adding one, with --delete; and a 3,000-file tree sent to a
// daemon (incremental recursion prints ir-chk while the file list is still being built).
const DELETE_STATS = `Number of files: 7 (reg: 3, dir: 3, link: 1)
Number of created files: 2 (reg: 1, dir: 1)
Number of deleted files: 2 (reg: 2)
Number of regular files transferred: 1
Total file size: 2,032,774 bytes
Total transferred file size: 4 bytes
Literal data: 4 bytes
Matched data: 0 bytes
File list size: 0
File list generation time: 0.001 seconds
File list transfer time: 0.000 seconds
Total bytes sent: 242
Total bytes received: 62

sent 242 bytes  received 62 bytes  608.00 bytes/sec
total size is 2,032,774  speedup is 6,686.76
`;

const MiB = 1024 * 1024;

describe('parseProgress2', () => {
  const table: [string, Progress | null][] = [
    [
      '         32,768   1%    0.00kB/s    0:00:00  ',
      { bytes: 32_768, percent: 1, bytesPerSecond: 0, etaSeconds: 0, transfers: 0 },
    ],
    [
      '         65,536   3%   31.25MB/s    0:00:00 (xfr#2, to-chk=4/7)',
      {
        bytes: 65_536,
        percent: 3,
        bytesPerSecond: 31.25 * MiB,
        etaSeconds: null,
        transfers: 2,
        toCheck: 4,
        total: 7,
        fileListComplete: true,
        elapsedSeconds: 0,
      },
    ],
    [
      '      1,081,344  51% 1000.98kB/s    0:00:01  ',
      { bytes: 1_081_344, percent: 51, bytesPerSecond: Math.round(1000.98 * 1024), etaSeconds: 1, transfers: 0 },
    ],
    [
      '        360,448  11%  300.47kB/s    0:00:09  ',
      { bytes: 360_448, percent: 11, bytesPerSecond: Math.round(300.47 * 1024), etaSeconds: 9, transfers: 0 },
    ],
    [
      '      2,098,304  99%  984.92kB/s    0:00:02 (xfr#4, to-chk=0/7)',
      {
        bytes: 2_098_304,
        percent: 99,
        bytesPerSecond: Math.round(984.92 * 1024),
        etaSeconds: null,
        transfers: 4,
        toCheck: 0,
        total: 7,
        fileListComplete: true,
        elapsedSeconds: 2,
      },
    ],
    [
      '      2,032,772  99%    1.89GB/s    0:00:00 (xfr#3, to-chk=0/7)',
      {
        bytes: 2_032_772,
        percent: 99,
        bytesPerSecond: Math.round(1.89 * 1024 * MiB),
        etaSeconds: null,
        transfers: 3,
        toCheck: 0,
        total: 7,
        fileListComplete: true,
        elapsedSeconds: 0,
      },
    ],
    [
      '              0   0%    0.00kB/s    0:00:00 (xfr#0, ir-chk=1000/1131)',
      {
        bytes: 0,
        percent: 0,
        bytesPerSecond: 0,
        etaSeconds: null,
        transfers: 0,
        toCheck: 1000,
        total: 1131,
        fileListComplete: false,
        elapsedSeconds: 0,
      },
    ],
    [
      '         11,896  85%   39.24kB/s    0:00:00 (xfr#2499, ir-chk=1000/6030)',
      {
        bytes: 11_896,
        percent: 85,
        bytesPerSecond: Math.round(39.24 * 1024),
        etaSeconds: null,
        transfers: 2499,
        toCheck: 1000,
        total: 6030,
        fileListComplete: false,
        elapsedSeconds: 0,
      },
    ],
    // Synthesized from progress.c: long runs and an unknown remaining time.
    [
      '  1,234,567,890  42%   12.50MB/s    1:02:03  ',
      { bytes: 1_234_567_890, percent: 42, bytesPerSecond: 12.5 * MiB, etaSeconds: 3723, transfers: 0 },
    ],
    [
      '        100,000  10%    0.00kB/s  ??:??:??  ',
      { bytes: 100_000, percent: 10, bytesPerSecond: 0, etaSeconds: null, transfers: 0 },
    ],
    // Not progress lines.
    ['Number of files: 7 (reg: 4, dir: 2, link: 1)', null],
    ['sent 2,099,154 bytes  received 110 bytes  839,705.60 bytes/sec', null],
    ['file has vanished: "/tmp/x"', null],
    ['', null],
  ];
  it.each(table)('%j', (line, expected) => {
    expect(parseProgress2(line)).toEqual(expected);
  });
});

describe('ProgressSplitter', () => {
  it('splits on \\r and \\n across arbitrary chunk boundaries', () => {
    const whole = new ProgressSplitter();
    const expected = [...whole.push(RUN_STDOUT), ...whole.flush()];
    expect(expected).toHaveLength(8 + 15); // 8 progress updates, 13 stats lines, 2 summary lines;
    expect(expected[0]).toBe('         32,768   1%    0.00kB/s    0:00:00  ');
    expect(expected.at(-1)).toBe('total size is 2,098,306  speedup is 1.00');

    for (const size of [1, 3, 7, 64]) {
      const s = new ProgressSplitter();
      const lines: string[] = [];
      for (let i = 0; i < RUN_STDOUT.length; i += size) lines.push(...s.push(RUN_STDOUT.slice(i, i + size)));
      lines.push(...s.flush());
      expect(lines).toEqual(expected);
    }
  });

  it('decodes UTF-8 split between byte chunks and keeps an unterminated last line', () => {
    const bytes = new TextEncoder().encode('dir/Grüße.txt\r   1,024 100%    1.00MB/s    0:00:00 (xfr#1, to-chk=0/1)');
    const s = new ProgressSplitter();
    const cut = 9; // inside "ü" (two bytes)
    expect(s.push(bytes.slice(0, cut))).toEqual([]);
    expect(s.push(bytes.slice(cut))).toEqual(['dir/Grüße.txt']);
    const [last] = s.flush();
    expect(parseProgress2(last ?? '')?.transfers).toBe(1);
    expect(s.flush()).toEqual([]);
  });

  it('yields every progress update of a real run in order', () => {
    const s = new ProgressSplitter();
    const progress = [...s.push(RUN_STDOUT), ...s.flush()].map(parseProgress2).filter((p) => p !== null);
    expect(progress.map((p) => p.bytes)).toEqual([
      32_768, 32_768, 65_536, 98_304, 1_081_344, 2_098_304, 2_098_304, 2_098_304,
    ]);
  });
});

describe('parseStats', () => {
  it.each([
    [
      'initial copy',
      RUN_STDOUT,
      {
        files: 7,
        regularFilesTransferred: 4,
        created: 7,
        deleted: 0,
        totalFileSize: 2_098_306,
        transferredFileSize: 2_098_304,
        bytesSent: 2_099_154,
        bytesReceived: 110,
      },
    ],
    [
      'with --delete',
      DELETE_STATS,
      {
        files: 7,
        regularFilesTransferred: 1,
        created: 2,
        deleted: 2,
        totalFileSize: 2_032_774,
        transferredFileSize: 4,
        bytesSent: 242,
        bytesReceived: 62,
      },
    ],
    [
      'large tree to a daemon',
      'Number of files: 6,031 (reg: 3,000, dir: 3,031)\n' +
        'Number of created files: 6,031 (reg: 3,000, dir: 3,031)\n' +
        'Number of deleted files: 0\n' +
        'Number of regular files transferred: 3,000\n' +
        'Total file size: 13,860 bytes\n' +
        'Total transferred file size: 13,860 bytes\n' +
        'Total bytes sent: 253,836\n' +
        'Total bytes received: 69,215\n',
      {
        files: 6031,
        regularFilesTransferred: 3000,
        created: 6031,
        deleted: 0,
        totalFileSize: 13_860,
        transferredFileSize: 13_860,
        bytesSent: 253_836,
        bytesReceived: 69_215,
      },
    ],
    [
      'rsync 3.0 wording (synthesized)',
      'Number of files: 12\n' +
        'Number of files transferred: 5\n' +
        'Total file size: 1,000 bytes\n' +
        'Total transferred file size: 500 bytes\n' +
        'Total bytes sent: 700\n' +
        'Total bytes received: 90\n',
      {
        files: 12,
        regularFilesTransferred: 5,
        created: 0,
        deleted: 0,
        totalFileSize: 1000,
        transferredFileSize: 500,
        bytesSent: 700,
        bytesReceived: 90,
      },
    ],
    [
      'no stats',
      '',
      {
        files: 0,
        regularFilesTransferred: 0,
        created: 0,
        deleted: 0,
        totalFileSize: 0,
        transferredFileSize: 0,
        bytesSent: 0,
        bytesReceived: 0,
      },
    ],
  ])('%s', (_name, text, expected) => {
    expect(parseStats(text)).toEqual(expected);
  });
});
