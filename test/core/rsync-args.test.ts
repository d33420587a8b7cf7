import { describe, expect, it } from 'vitest';
import { compileExcludes } from '../../electron/shared/exclude-rules.ts';
import { ProfileSchema } from '../../electron/shared/profile-schema.ts';
import { batchComparison, buildRsyncArgs, filesFromInput, progressFrom } from '../../electron/core/rsync/rsync-args.ts';
import { capabilitiesFrom } from '../../electron/core/rsync/rsync-probe.ts';

const caps = capabilitiesFrom('rsync', 'rsync  version 3.2.7  protocol version 31\n');
const oldCaps = capabilitiesFrom('rsync', 'rsync  version 3.1.3  protocol version 31\n');
const profile = ProfileSchema.parse({
  name: 'p',
  source: '/data/',
  bandwidthLimit: '5M',
  compress: true,
  excludes: ['*.tmp'],
  targets: [{ host: 'h', module: 'm', user: 'u', path: 'sub' }],
});
const args = (kind: 'full' | 'batch', p = profile, c = caps) =>
  buildRsyncArgs({ profile: p, target: p.targets[0]!, caps: c, excludes: compileExcludes(p.excludes), kind });

describe('rsync command lines', () => {
  it('a full sync mirrors the tree with deletions, limits and excludes', () => {
    const a = args('full');
    expect(a).toEqual(
      expect.arrayContaining([
        '-a',
        '--delete',
        '--bwlimit=5120K',
        '--compress',
        '--mkpath',
        '--exclude=*.tmp',
        '--sockopts=TCP_NODELAY',
        '--stats',
      ]),
    );
    expect(a.slice(-2)).toEqual(['/data/', 'rsync://u@h:873/m/sub/']);
    expect(a).not.toContain('--files-from=-');
  });

  it.each([
    ['full', 'linux', 'process-io'],
    ['batch', 'linux', 'lines'],
    ['full', 'darwin', 'lines'], // no /proc to count bytes from
    ['full', 'win32', 'lines'],
  ] as const)(
    'a %s run on %s reads its progress from %s (a line per file costs a full sync ~4 %%)',
    (kind, platform, from) => {
      expect(progressFrom(kind, platform)).toBe(from);
      const a = buildRsyncArgs({
        profile,
        target: profile.targets[0]!,
        caps,
        excludes: compileExcludes([]),
        kind,
        platform,
      });
      expect(a.includes('--info=progress2,stats2')).toBe(from === 'lines');
      expect(a.includes('--stats')).toBe(from !== 'lines');
    },
  );

  it('asks an rsync before 3.1 for --stats only (it has no progress2)', () => {
    expect(
      buildRsyncArgs({
        profile,
        target: profile.targets[0]!,
        caps: { ...caps, infoProgress2: false },
        excludes: compileExcludes([]),
        kind: 'batch',
      }),
    ).toContain('--stats');
  });

  it('a batch lists paths on stdin and deletes missing ones', () => {
    const a = args('batch');
    expect(a).toEqual(
      expect.arrayContaining([
        '--files-from=-',
        '--from0',
        '-r',
        '--checksum',
        '--delete-missing-args',
        '--force',
        '--delete',
      ]),
    );
  });

  it.each([
    ['files changed in place', false, 0, '--checksum'],
    ['only new directories', true, 0, '--ignore-times'],
    ['only new directories, with the safety net on', true, 7, '--checksum'],
  ] as const)('a batch of %s compares with %s', (_what, onlyNewTrees, keepDeletedDays, flag) => {
    expect(batchComparison({ ...profile, keepDeletedDays }, onlyNewTrees)).toBe(flag);
    const a = buildRsyncArgs({
      profile: { ...profile, keepDeletedDays },
      target: profile.targets[0]!,
      caps,
      excludes: compileExcludes([]),
      kind: 'batch',
      onlyNewTrees,
    });
    expect(a).toContain(flag);
    expect(a).not.toContain(flag === '--checksum' ? '--ignore-times' : '--checksum');
  });

  it('a batch without deletions ignores missing paths instead', () => {
    const a = args('batch', { ...profile, deletions: false });
    expect(a).toContain('--ignore-missing-args');
    expect(a).not.toContain('--delete');
    expect(args('full', { ...profile, deletions: false })).not.toContain('--delete');
  });

  it('an rsync before 3.2.3 gets no --delete-missing-args (broken with -R) nor --mkpath', () => {
    expect(args('batch', profile, oldCaps)).not.toContain('--delete-missing-args');
    expect(args('full', profile, oldCaps)).not.toContain('--mkpath');
  });

  it('never puts a password on the command line', () => {
    expect(args('full').join(' ')).not.toMatch(/password/i);
  });

  it('prefixes each listed path with ./ and ends it with NUL', () => {
    expect(filesFromInput(['#hash', 'a\nb']).toString()).toBe('./#hash\0./a\nb\0');
  });
});

describe('rsync probe', () => {
  it.each([
    ['rsync  version 3.2.7  protocol version 31', true],
    ['rsync  version 3.1.3  protocol version 31', false],
  ])('%s → deleteMissingArgs %s', (text, expected) =>
    expect(capabilitiesFrom('rsync', text).deleteMissingArgs).toBe(expected),
  );

  it.each([
    ['rsync  version 2.6.9  protocol version 29', /2\.6\.9 .* too old/],
    ['openrsync: protocol version 29', /not a supported rsync/],
  ])('refuses %s', (text, message) => expect(() => capabilitiesFrom('/usr/bin/rsync', text)).toThrow(message));
});
