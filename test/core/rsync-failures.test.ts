import { describe, expect, it } from 'vitest';
import { parseFailures } from '../../electron/core/rsync/rsync-failures.ts';

describe('parseFailures', () => {
  it('names the entries an exit-23 run could not send, relative to the source', () => {
    const stderr = [
      'rsync: [sender] send_files failed to open "/data/src/secret.txt": Permission denied (13)',
      'rsync: [sender] opendir "/data/src/private" failed: Permission denied (13)',
      'rsync: [receiver] mkstemp "/docs/.a.txt.Xy12" failed: Permission denied (13)',
      'could not make way for new regular file: photos/a.jpg',
      'cannot delete non-empty directory: photos/a.jpg',
      'ERROR: daemon refused to receive file "secret.txt"',
      'rsync: [sender] send_files failed to open "/data/src/secret.txt": Permission denied (13)',
      'rsync error: some files/attrs were not transferred (see previous errors) (code 23) at main.c(1338) [sender=3.2.7]',
    ].join('\n');
    expect(parseFailures(stderr, '/data/src')).toEqual({
      count: 4,
      names: ['secret.txt', 'private', '/docs/.a.txt.Xy12', 'photos/a.jpg'],
    });
  });

  it('names what a daemon refused to receive (its module excludes it)', () => {
    const stderr =
      'ERROR: daemon refused to receive file "secret.txt"\n' +
      'rsync error: some files/attrs were not transferred (see previous errors) (code 23) at main.c(1338) [sender=3.2.7]\n';
    expect(parseFailures(stderr, '/s')).toEqual({ count: 1, names: ['secret.txt'] });
  });

  it('keeps the first names and counts them all', () => {
    const stderr = Array.from(
      { length: 30 },
      (_, i) => `rsync: send_files failed to open "/s/f${i}": Permission denied (13)`,
    ).join('\n');
    const failed = parseFailures(stderr, '/s/', 5);
    expect(failed.count).toBe(30);
    expect(failed.names).toEqual(['f0', 'f1', 'f2', 'f3', 'f4']);
  });

  it('does not count vanished files, connection failures or the summary line', () => {
    const stderr = [
      'file has vanished: "/s/tmp.swp"',
      'rsync: [sender] file has vanished: "/s/tmp2.swp"',
      'rsync: failed to connect to 127.0.0.1 (127.0.0.1): Connection refused (111)',
      '@ERROR: Unknown module "nope"',
      'rsync error: some files vanished before they could be transferred (code 24)',
    ].join('\n');
    expect(parseFailures(stderr, '/s')).toEqual({ count: 0, names: [] });
  });
});
