/**
 * The restore command line's invariant: the daemon is always the source, a local folder the
 * destination, and no option that could delete or move anything — over every combination of
 * options — and the check refuses each way a command could break it.
 */
import { describe, expect, it } from 'vitest';
import { assertPullOnly, buildRestoreArgs, type RestoreArgsInput } from '../../electron/core/restore/restore-args.ts';
import { restoredName } from '../../electron/core/restore/keep-both.ts';

const base: RestoreArgsInput = {
  profile: { timeoutSeconds: 30, bandwidthLimit: '', compress: false },
  authArgs: ['--password-file=/home/me/.pw'],
  sourceUrl: 'rsync://me@nas:873/backup/',
  dest: '/home/me/data',
  listed: true,
};

const combinations = (): RestoreArgsInput[] => {
  const out: RestoreArgsInput[] = [];
  for (const listed of [true, false])
    for (const flat of [true, false])
      for (const dryRun of [true, false])
        for (const ignoreExisting of [true, false])
          for (const excludeSafetyNet of [true, false])
            for (const compress of [true, false])
              out.push({
                ...base,
                listed,
                flat,
                dryRun,
                ignoreExisting,
                excludeSafetyNet,
                partialDir: dryRun ? undefined : '/home/me/data/.rsync-tray-restore-partial',
                bandwidthLimit: compress ? '1M' : undefined,
                profile: { ...base.profile, compress },
              });
  return out;
};

describe('restore args', () => {
  it('every combination pulls from the daemon into the local folder and deletes nothing', () => {
    for (const input of combinations()) {
      const args = buildRestoreArgs(input);
      expect(args.at(-2)).toBe('rsync://me@nas:873/backup/');
      expect(args.at(-1)).toBe('/home/me/data/');
      expect(args.filter((a) => a.startsWith('rsync://'))).toHaveLength(1);
      for (const a of args) {
        expect(a).not.toMatch(/^--(del|delete.*|remove-.*|max-delete.*|backup.*)$/);
      }
      expect(args.includes('--dry-run')).toBe(Boolean(input.dryRun));
      expect(args.includes('--ignore-existing')).toBe(Boolean(input.ignoreExisting));
    }
  });

  it('a listed restore reads its paths from stdin and recurses into listed folders', () => {
    const args = buildRestoreArgs(base);
    expect(args).toEqual(expect.arrayContaining(['--files-from=-', '--from0', '-r']));
    expect(buildRestoreArgs({ ...base, flat: true })).toContain('--no-relative');
  });

  it.each([
    ['a deletion', ['-a', '--delete', 'rsync://h/m/', '/d/']],
    ['a deletion, short', ['-a', '--del', 'rsync://h/m/', '/d/']],
    ['removing the source', ['--remove-source-files', 'rsync://h/m/', '/d/']],
    ['the daemon as destination', ['-a', '/d/', 'rsync://h/m/']],
    ['a remote shell', ['-a', '-e', 'ssh', 'rsync://h/m/', '/d/']],
    ['a second source', ['-a', 'rsync://h/m/x', 'rsync://h/m/', '/d/']],
    ['a host:path destination', ['-a', 'rsync://h/m/', 'host:/d/']],
    ['a backup dir', ['-a', '--backup-dir=x', 'rsync://h/m/', '/d/']],
  ])('refuses %s', (_why, args) => {
    expect(() => assertPullOnly(args)).toThrow(/refused/);
  });

  it('keep-both names the restored copy by the day', () => {
    expect(restoredName('report.txt', '2026-12-02')).toBe('report (restored 2026-12-02).txt');
    expect(restoredName('report.txt', '2026-12-02', 2)).toBe('report (restored 2026-12-02 2).txt');
    expect(restoredName('.bashrc', '2026-12-02')).toBe('.bashrc (restored 2026-12-02)');
    expect(restoredName('archive.tar.gz', '2026-12-02')).toBe('archive.tar (restored 2026-12-02).gz');
  });
});
