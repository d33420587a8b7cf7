import { describe, expect, it } from 'vitest';
import { ProgressLines } from '../../electron/core/rsync/rsync-progress.ts';

// As rsync 3.x prints them with --info=progress2 and ITEMIZE_FORMAT (captured from a real run).
const ITEMIZED_TAIL = [
  '>f+++++++++ f1\n',
  '\r         32,768   0%    0.00kB/s    0:00:00  \r      3,000,000  33%    4.59MB/s    0:00:00 (xfr#1, to-chk=4/6)\n',
  '>f+++++++++ f2\n',
  '\r      4,343,488  48%    4.01MB/s    0:00:01  \r      6,000,000  66%    4.27MB/s    0:00:01 (xfr#2, to-chk=3/6)\n',
  '>f+++++++++ f3\n',
].join('');

describe('ProgressLines', () => {
  it('finds the newest progress behind itemized lines, with files done of the whole list', () => {
    const p = new ProgressLines().read(ITEMIZED_TAIL)!;
    expect(p).toMatchObject({ bytes: 6_000_000, percent: 66, filesDone: 3, filesTotal: 6 });
    expect(p.bytesTotal).toBe(Math.round((6_000_000 * 100) / 66));
  });

  it('keeps the files done from an earlier xfr block while a big file is mid-way', () => {
    const lines = new ProgressLines();
    lines.read(ITEMIZED_TAIL);
    const p = lines.read('\r      7,000,000  77%    4.00MB/s    0:00:01  \r')!;
    expect(p).toMatchObject({ bytes: 7_000_000, percent: 77, filesDone: 3, filesTotal: 6 });
  });

  it('gives no totals while rsync is still finding files (ir-chk)', () => {
    const p = new ProgressLines().read('\r      1,000  94%  1.00MB/s  0:00:00 (xfr#5, ir-chk=100/200)\n')!;
    expect(p).toMatchObject({ percent: null, filesDone: 100, filesTotal: null, bytesTotal: null });
  });

  it('gives no byte total from a percentage too small to divide by', () => {
    const p = new ProgressLines().read('\r     65,536   1%   31.25MB/s    0:00:10  \r')!;
    expect(p.bytesTotal).toBeNull();
    expect(p.filesDone).toBeUndefined();
  });

  it('reads nothing from output without progress', () => {
    expect(new ProgressLines().read('>f+++++++++ a\n>f+++++++++ b\n')).toBeNull();
  });
});
