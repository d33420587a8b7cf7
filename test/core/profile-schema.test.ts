import { describe, expect, it } from 'vitest';
import { parseConfig, validateConfig } from '../../electron/core/config/config-file.ts';
import { ProfileSchema, targetKey, targetUrl } from '../../electron/shared/profile-schema.ts';

const good = {
  name: 'docs',
  source: '/srv/docs',
  targets: [{ host: 'backup.lan', module: 'docs', user: 'me', auth: { type: 'passwordFile', path: '/etc/pw' } }],
};

function problems(profile: unknown): string {
  try {
    validateConfig({ version: 1, profiles: [profile] });
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('profile schema', () => {
  it('fills defaults', () => {
    const p = ProfileSchema.parse(good);
    expect(p).toMatchObject({
      enabled: true,
      deletions: true,
      compress: false,
      bandwidthLimit: '',
      excludes: [],
      debounceMs: 5,
      maxDelayMs: 250,
      fullSyncIntervalMinutes: 60,
      watch: 'native',
    });
    expect(p.targets[0]).toMatchObject({ port: 873, path: '' });
  });

  it.each([
    [{ source: 'relative' }, /profiles\[0\]\.source \(profile "docs"\): must be an absolute path/],
    [{ targets: [] }, /targets.*add at least one backup target/],
    [{ bandwidthLimit: '5' }, /bandwidthLimit.*5M for 5 MiB\/s/],
    [{ excludes: ['+ keep'] }, /excludes\[0\]/],
    [{ targets: [{ ...good.targets[0], port: 0 }] }, /targets\[0\]\.port/],
    [{ targets: [{ ...good.targets[0], module: 'two words' }] }, /module.*no spaces/],
    [{ targets: [{ ...good.targets[0], path: '../escape' }] }, /cannot climb out/],
    [{ targets: [{ ...good.targets[0], auth: { type: 'env', variable: '1BAD' } }] }, /environment variable name/],
    [{ targets: [{ ...good.targets[0], auth: { type: 'password', value: 'x' } }] }, /auth/],
    [{ name: '' }, /give the profile a name/],
  ])('rejects %j with a message naming the field', (patch, message) => {
    expect(problems({ ...good, ...patch })).toMatch(message);
  });

  it('refuses duplicate names and a wrong version', () => {
    expect(() => validateConfig({ version: 1, profiles: [good, { ...good, name: 'DOCS' }] })).toThrow(
      /already the name of profile 1/,
    );
    expect(() => validateConfig({ version: 2, profiles: [] })).toThrow(
      /newer Rsync Tray \(format 2; this one reads up to 1\)/,
    );
  });

  it('reports JSON syntax errors with their position', () => {
    expect(() => parseConfig('{"version": 1,, }', 'cfg.json')).toThrow(/cfg\.json is not valid JSON/);
  });

  it('names targets and builds their URL', () => {
    const t = ProfileSchema.parse({ ...good, targets: [{ ...good.targets[0], port: 8873, path: 'sub/dir/' }] })
      .targets[0]!;
    expect(targetKey(t)).toBe('me@backup.lan:8873/docs/sub/dir');
    expect(targetUrl(t)).toBe('rsync://me@backup.lan:8873/docs/sub/dir/');
  });
});
