/**
 * rsync's itemized output (--out-format=%i %n, LC_ALL=C) → the names a run sent and deleted. The
 * lines are as rsync 3.x prints them (checked against a real daemon); names are hostile on
 * purpose: a newline, a leading dash, a literal "\#", bytes that are not UTF-8, " -> ".
 */
import { describe, expect, it } from 'vitest';
import { ItemizedLines, parseItemizeLine, withoutProgress } from '../../electron/core/rsync/rsync-itemize.ts';
import { DeletionLines, parseDeletionLine } from '../../electron/core/rsync/rsync-output.ts';
import { decodeName, encodeName } from '../../electron/shared/names.ts';

const bytes = (...b: number[]): string => decodeName(Uint8Array.from(b));

describe('parseItemizeLine', () => {
  it.each([
    ['<f+++++++++ docs/new.txt', { action: 'sent', name: 'docs/new.txt' }],
    ['<f.st...... a', { action: 'sent', name: 'a' }],
    ['cd+++++++++ photos/', { action: 'sent', name: 'photos/' }],
    ['cL+++++++++ link', { action: 'sent', name: 'link' }],
    ['hf+++++++++ hard', { action: 'sent', name: 'hard' }],
    ['*deleting   old.txt', { action: 'deleted', name: 'old.txt' }],
    ['*deleting   e/sub/', { action: 'deleted', name: 'e/sub/' }],
    ['deleting plain.txt', { action: 'deleted', name: 'plain.txt' }],
    // Hostile names.
    ['<f+++++++++ nl\\#012name', { action: 'sent', name: 'nl\nname' }],
    ['<f+++++++++ -dash', { action: 'sent', name: '-dash' }],
    ['<f+++++++++ --delete', { action: 'sent', name: '--delete' }],
    ['<f+++++++++ b -> c', { action: 'sent', name: 'b -> c' }],
    // A name holding a literal backslash-hash: rsync escapes the backslash itself (\#134).
    ['<f+++++++++ back\\#134#041slash', { action: 'sent', name: 'back\\#041slash' }],
    ['<f+++++++++ \\#303\\#274', { action: 'sent', name: 'ü' }],
    ['*deleting   bad\\#377byte', { action: 'deleted', name: `bad${bytes(0xff)}byte` }],
    ['<f+++++++++ x\\#015y', { action: 'sent', name: 'x\ry' }],
    ['<f+++++++++  leading space', { action: 'sent', name: ' leading space' }],
  ])('%s', (line, expected) => {
    expect(parseItemizeLine(line)).toEqual(expected);
  });

  it('keeps the exact bytes of a name that is not UTF-8', () => {
    const name = parseItemizeLine('<f+++++++++ caf\\#351.txt')?.name ?? '';
    expect([...encodeName(name)]).toEqual([...Buffer.from('caf\xe9.txt', 'latin1')]);
  });

  it.each([
    '.d..t...... ./', // attributes only
    '.f...p..... perms-only', // attributes only: nothing sent
    'cd+++++++++ ./', // the transfer's top folder
    'Number of files: 12 (reg: 8, dir: 3, link: 1)',
    'Number of deleted files: 0',
    'cannot delete non-empty directory: e/sub',
    'created directory backup/sub',
    'sent 584 bytes  received 1,096 bytes  3,360.00 bytes/sec',
    'total size is 16  speedup is 0.01',
    '              2  12%    0.00kB/s    0:00:00 (xfr#1, to-chk=10/12)',
    'deleting',
    '',
  ])('is not a name: %j', (line) => {
    expect(parseItemizeLine(line)).toBeNull();
  });
});

describe('withoutProgress', () => {
  it('cuts a progress2 line off the front of the line glued to it', () => {
    expect(withoutProgress('             13  81%   10.74kB/s    0:00:00 (xfr#7, to-chk=3/12)cd+++++++++ d/')).toBe(
      'cd+++++++++ d/',
    );
    expect(withoutProgress('              7  29%    0.00kB/s    0:00:00  <f+++++++++ a')).toBe('<f+++++++++ a');
    expect(withoutProgress('1,099,511,627,776 100%  512.00MB/s    0:35:00 (xfr#1, to-chk=0/1)*deleting   x')).toBe(
      '*deleting   x',
    );
    expect(withoutProgress('              2  12%    0.00kB/s    0:00:00 (xfr#1, to-chk=10/12)')).toBe('');
    expect(withoutProgress('<f+++++++++ a')).toBe('<f+++++++++ a');
  });
});

describe('ItemizedLines', () => {
  it('counts every entry sent and deleted, keeps the first names, and skips everything else', () => {
    const lines = new ItemizedLines(2, 1);
    lines.add([
      '.d..t...... ./',
      '<f+++++++++ a',
      '              2  12%    0.00kB/s    0:00:00 (xfr#1, to-chk=10/12)',
      '<f+++++++++ nl\\#012name',
      '             13  81%   10.74kB/s    0:00:00 (xfr#7, to-chk=3/12)cd+++++++++ d/',
      '*deleting   gone',
      '*deleting   gone/too',
      'Number of files: 12 (reg: 8, dir: 3, link: 1)',
      '',
    ]);
    expect(lines.sent).toEqual({ count: 3, names: ['a', 'nl\nname'] });
    expect(lines.deleted).toEqual({ count: 2, names: ['gone'] });
  });

  it('reads 10,000 itemized lines with their progress lines in a few milliseconds', () => {
    const out: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      out.push(`<f+++++++++ burst/dir${i % 100}/file-${i}.txt`);
      out.push(`         ${i * 10}  ${i % 100}%  1.00MB/s    0:00:00 (xfr#${i}, to-chk=${10_000 - i}/10001)`);
    }
    const best = Math.min(
      ...[0, 1, 2, 3, 4].map(() => {
        const lines = new ItemizedLines(20_000, 20_000);
        const t = performance.now();
        lines.add(out);
        expect(lines.sent.count).toBe(10_000);
        return performance.now() - t;
      }),
    );
    // Measured ~2-4 ms on the CI machine; a bound far above it, which a per-line regex or a
    // decode of every name would still pass, but a quadratic scan would not.
    expect(best).toBeLessThan(50);
  });
});

describe('deletion counting under the itemizing out-format', () => {
  it('reads both "deleting x" (--info=del alone) and "*deleting   x" (with %i) the same', () => {
    expect(parseDeletionLine('deleting a/b')).toBe('a/b');
    expect(parseDeletionLine('*deleting   a/b')).toBe('a/b');
    expect(parseDeletionLine('<f+++++++++ a/b')).toBeNull();
    const d = new DeletionLines(10);
    d.add(['deleting x', '*deleting   y/', '<f+++++++++ z', '.d..t...... ./']);
    expect(d).toMatchObject({ count: 2, names: ['x', 'y/'] });
  });
});
