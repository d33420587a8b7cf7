import { describe, expect, it } from 'vitest';
import { moveBasisArgs } from '../../electron/core/rsync/move-args.ts';
import { decodeName } from '../../electron/shared/names.ts';

const base = { source: '/src/', url: 'rsync://h:873/m/p/', common: ['--bwlimit=5m'] };

describe('moveBasisArgs', () => {
  it('maps a moved folder onto its old place, relative to the new one', () => {
    expect(moveBasisArgs({ ...base, from: 'a/b', to: 'c/d/e', isDir: true })).toEqual({
      kind: 'copy-dest',
      args: [
        '-a',
        '--ignore-existing',
        '--bwlimit=5m',
        '--copy-dest=../../../a/b',
        '/src/c/d/e/',
        'rsync://h:873/m/p/c/d/e/',
      ],
    });
  });

  it('uses the old folder for a file that kept its name, --fuzzy for one renamed in place', () => {
    const moved = moveBasisArgs({ ...base, from: 'a/f', to: 'b/f', isDir: false });
    expect(moved).toMatchObject({
      kind: 'copy-dest',
      args: expect.arrayContaining(['--copy-dest=../a', '/src/b/f', 'rsync://h:873/m/p/b/']),
    });
    const renamed = moveBasisArgs({ ...base, from: 'a/f', to: 'a/-g', isDir: false });
    expect(renamed.kind).toBe('fuzzy');
    // The name goes on stdin, never as a bare argument an rsync could read as an option.
    expect(renamed.kind !== 'none' && renamed.args.some((a) => a.startsWith('-g'))).toBe(false);
    expect(renamed.kind !== 'none' && renamed.input?.toString()).toBe('./-g\0');
  });

  it('says why there is no basis run', () => {
    const lossy = decodeName(Uint8Array.from([0x66, 0xff]));
    const none = (from: string, to: string, isDir = true) => moveBasisArgs({ ...base, from, to, isDir });
    expect(none('a', 'a/')).toEqual({ kind: 'none', why: 'same-place' });
    expect(none('a', 'a/b')).toEqual({ kind: 'none', why: 'into-itself' });
    expect(none('a', lossy)).toEqual({ kind: 'none', why: 'not-utf8' });
    expect(none('a/f', 'b/g', false)).toEqual({ kind: 'none', why: 'renamed-elsewhere' });
  });
});
