import { describe, expect, it } from 'vitest';
import { parseConfig, validateConfig } from '../../electron/core/config/config-file.ts';
import {
  CONFIG_VERSION,
  ProfileSchema,
  TargetSchema,
  targetKey,
  targetUrl,
} from '../../electron/shared/profile-schema.ts';

const good = {
  name: 'docs',
  source: '/srv/docs',
  targets: [{ host: 'backup.lan', module: 'docs', user: 'me', auth: { type: 'passwordFile', path: '/etc/pw' } }],
};

function problems(profile: unknown): string {
  try {
    validateConfig({ version: CONFIG_VERSION, profiles: [profile] });
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
      keepDeletedDays: 7, // the safety net is on for new profiles: a week to notice a mistake
    });
    expect(p.targets[0]).toMatchObject({ port: 873, path: '' });
  });

  it.each([
    [{ source: 'relative' }, /profiles\[0\]\.source \(profile "docs"\): The source folder must be an absolute path/],
    [{ targets: [] }, /targets.*Add at least one backup target\./],
    [{ bandwidthLimit: '5' }, /bandwidthLimit.*5M for 5 MiB\/s/],
    [{ excludes: ['+ keep'] }, /excludes\[0\]/],
    [{ targets: [{ ...good.targets[0], port: 0 }] }, /targets\[0\]\.port/],
    [{ targets: [{ ...good.targets[0], module: 'two words' }] }, /module.*no spaces/],
    [{ targets: [{ ...good.targets[0], path: '../escape' }] }, /cannot climb out/],
    [
      { targets: [{ ...good.targets[0], auth: { type: 'env', variable: '1BAD' } }] },
      /The environment variable must be a name such as BACKUP_PASSWORD/,
    ],
    [{ targets: [{ ...good.targets[0], auth: { type: 'password', value: 'x' } }] }, /auth/],
    [{ name: '' }, /Give the profile a name\./],
  ])('rejects %j with a message naming the field', (patch, message) => {
    expect(problems({ ...good, ...patch })).toMatch(message);
  });

  it('refuses duplicate names and a wrong version', () => {
    expect(() => validateConfig({ version: CONFIG_VERSION, profiles: [good, { ...good, name: 'DOCS' }] })).toThrow(
      /already the name of profile 1/,
    );
    expect(() => validateConfig({ version: 3, profiles: [] })).toThrow(
      /newer Rsync Tray \(format 3; this one reads up to 2\)/,
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

/** The one message the schema gives for a value of one target field. */
function targetProblem(field: string, value: string): string[] {
  const r = TargetSchema.safeParse({ host: 'backup.lan', module: 'docs', [field]: value });
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('control characters in names are refused, saying what to change', () => {
  it.each([
    ['module', 'do\u0000cs', 'U+0000 at character 3', 'module name'],
    ['module', 'docs\t', 'U+0009 at character 5', 'module name'], // a tab: one message, not "no spaces" too
    ['module', '\u007fdocs', 'U+007F at character 1', 'module name'],
    ['user', 'ada\u001b', 'U+001B at character 4', 'user name'],
    ['user', 'a\nda', 'U+000A at character 2', 'user name'],
  ])('%s %j', (field, value, found, what) => {
    expect(targetProblem(field, value)).toEqual([
      `${field}: contains an invisible control character (${found}); retype the ${what} without it`,
    ]);
  });

  it.each([
    ['Docs\u0000', 'U+0000 at character 5'],
    ['two\nlines', 'U+000A at character 4'],
    ['tab\tinside', 'U+0009 at character 4'],
    ['bell\u0007', 'U+0007 at character 5'],
  ])('profile name %j', (name, found) => {
    // The name is shown escaped, so the problem stays on one line and the character can be seen.
    expect(problems({ ...good, name }).split('\n')[1]).toBe(
      `  profiles[0].name (profile ${JSON.stringify(name)}): ` +
        `The profile name contains an invisible control character (${found}); retype the profile name without it.`,
    );
  });

  it('what is still allowed: non-ASCII names, spaces trimmed off a profile name', () => {
    expect(ProfileSchema.parse({ ...good, name: '  Fotos – Ü ' }).name).toBe('Fotos – Ü');
    expect(targetProblem('module', 'données')).toEqual([]);
    expect(targetProblem('user', 'ada.lovelace')).toEqual([]);
  });
});

describe('a host with a port or a module in it is refused, with the exact values to use', () => {
  it.each([
    ['backup.lan:873', '"backup.lan:873" includes a port; set host to "backup.lan" and put 873 in the port field'],
    ['10.0.0.5:8873', '"10.0.0.5:8873" includes a port; set host to "10.0.0.5" and put 8873 in the port field'],
    ['[::1]:873', '"[::1]:873" includes a port; set host to "[::1]" and put 873 in the port field'],
    [
      'backup.lan:99999',
      '"backup.lan:99999" includes a port, and 99999 is not a port (1 to 65535); ' +
        'set host to "backup.lan" and give the port in the port field',
    ],
    [
      'backup.lan::docs',
      '"backup.lan::docs" is rsync\'s host::module form; set host to "backup.lan" and put "docs" in the module field',
    ],
    ['backup.lan:', 'is not a host name or IP address'],
    ['a:b:c', 'is not a host name or IP address'],
    ['1:2:3:4:5:6:7:8:9', 'is not a host name or IP address'],
    ['[backup.lan]', 'is not a host name or IP address'],
    ['[abc]', '"[abc]" is not an IPv6 address'],
    ['back\u0000up', 'contains an invisible control character (U+0000 at character 5); retype the host without it'],
  ])('%j', (host, message) => {
    expect(targetProblem('host', host)).toEqual([`host: ${message}`]);
  });

  it.each([
    'backup.lan',
    '192.168.1.10',
    '::1',
    '[::1]',
    'fe80::1',
    '2001:db8::8a2e:370:7334',
    '2001:db8:0:0:0:0:0:1',
    '::ffff:10.0.0.1',
    '[2001:db8::1]',
  ])('%j is a host', (host) => {
    expect(targetProblem('host', host)).toEqual([]);
  });

  it('an IPv6 host goes in brackets in the rsync URL, where its colons would read as a port', () => {
    const url = (host: string) => targetUrl(TargetSchema.parse({ host, port: 8873, module: 'docs' }));
    expect(url('::1')).toBe('rsync://[::1]:8873/docs/');
    expect(url('[::1]')).toBe('rsync://[::1]:8873/docs/');
    expect(url('backup.lan')).toBe('rsync://backup.lan:8873/docs/');
  });
});
