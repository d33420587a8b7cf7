/**
 * The sersync confxml.xml importer: sersync's own sample file imports as the profile a sersync
 * user expects, and every invalid field is reported with its line and element in the XML.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { previewImport } from '../../electron/core/config/profile-import.ts';
import { CONFIG_VERSION, ConfigSchema, ProfileSchema, type Config } from '../../electron/shared/profile-schema.ts';
import { importSersync, parseXml, sersyncRegexToExclude } from '../../electron/core/config/sersync-import.ts';
import { loadImporters } from '../../electron/headless/importers.ts';

const sample = readFileSync(path.join(import.meta.dirname, 'fixtures/sersync-confxml.xml'), 'utf8');
const emptyConfig: Config = ConfigSchema.parse({ version: CONFIG_VERSION });

/** A minimal confxml.xml around the given <sersync> body (and optional top-level extras). */
const conf = (sersync: string, extra = ''): string => `<?xml version="1.0" encoding="ISO-8859-1"?>
<head version="2.5">
${extra}
<sersync>
${sersync}
</sersync>
</head>
`;
const remote = '<localpath watch="/srv/www"><remote ip="10.0.0.5" name="www"/></localpath>';

describe('sersync sample confxml.xml', () => {
  it('becomes one profile with every supported field carried over', () => {
    const { profiles, problems } = importSersync(sample);
    expect(problems).toEqual([]);
    expect(profiles).toHaveLength(1);
    const profile = ProfileSchema.parse(profiles[0]);
    expect(profile).toMatchObject({
      name: 'tongbu',
      source: '/opt/tongbu',
      bandwidthLimit: '5000K', // --bwlimit=5000 is KiB/s to rsync: the unit is made explicit
      compress: true, // -z of -artuz
      deletions: true, // <inotify><delete start="true"/>
      fullSyncIntervalMinutes: 600, // <crontab start="true" schedule="600">
      timeoutSeconds: 100,
      excludes: ['*.svn', '*.gz', '/info', '/static'],
    });
    // The commented-out remote is not imported; "name/sub" becomes module + sub-path.
    expect(profile.targets).toEqual([
      { host: '192.168.8.39', port: 874, module: 'tongbu', path: '', user: 'rsync_backup', auth: { type: 'passwordFile', path: '/etc/rsync.pas' } },
      { host: 'backup2.example.net', port: 874, module: 'tongbu', path: 'mirror', user: 'rsync_backup', auth: { type: 'passwordFile', path: '/etc/rsync.pas' } },
    ]);
  });

  it('is registered with the headless host and previews through the same path as JSON imports', async () => {
    const importers = await loadImporters();
    const existing: Config = { ...emptyConfig, profiles: [ProfileSchema.parse({ name: 'tongbu', source: '/x', targets: [{ host: 'h', module: 'm' }] })] };
    const preview = previewImport(sample, 'sersync', existing, importers);
    expect(preview.problems).toEqual([]);
    expect(preview.profiles.map((p) => p.name)).toEqual(['tongbu']);
    expect(preview.conflicts).toEqual(['tongbu']);
  });
});

describe('mapping details', () => {
  it('defaults: port 873, no auth, no periodic full sync, no excludes when the filter is off', () => {
    const { profiles, problems } = importSersync(conf(remote, '<filter start="false"><exclude expression="(.*)\\.gz"/></filter>'));
    expect(problems).toEqual([]);
    expect(ProfileSchema.parse(profiles[0])).toMatchObject({
      name: 'www',
      targets: [{ host: '10.0.0.5', port: 873, module: 'www', path: '', auth: { type: 'none' } }],
      excludes: [],
      fullSyncIntervalMinutes: 0,
      compress: false,
      bandwidthLimit: '',
    });
  });

  it('<delete start="false"> keeps deletions off the backup', () => {
    const { profiles } = importSersync(conf(remote, '<inotify><delete start="false"/></inotify>'));
    expect(ProfileSchema.parse(profiles[0]).deletions).toBe(false);
  });

  it('several <sersync> sections give several profiles with distinct names', () => {
    const text = `<head>
<sersync><localpath watch="/srv/data"><remote ip="a" name="m"/></localpath></sersync>
<sersync><localpath watch="/backup/data/"><remote ip="b" name="m"/></localpath></sersync>
</head>`;
    const { profiles, problems } = importSersync(text);
    expect(problems).toEqual([]);
    expect(profiles.map((p) => (p as { name: string }).name)).toEqual(['data', 'data 2']);
  });

  it('decodes entities and accepts single quotes', () => {
    const { profiles, problems } = importSersync(conf(`<localpath watch='/srv/a&amp;b'><remote ip="h" name="m"/></localpath>`));
    expect(problems).toEqual([]);
    expect((profiles[0] as { source: string }).source).toBe('/srv/a&b');
  });

  it.each([
    ['(.*)\\.svn', '*.svn'],
    ['.*\\.tmp', '*.tmp'],
    ['(.*)~', '*~'],
    ['(.*)\\.tar\\.gz$', '*.tar.gz'],
    ['^info/*', '/info'],
    ['^static/.*', '/static'],
    ['^a/b/(.*)', '/a/b'],
    ['^cache', '/cache'],
    ['cache', '/cache'],
  ])('filter regex %s → rsync exclude %s', (regex, pattern) => {
    expect(sersyncRegexToExclude(regex)).toEqual({ pattern });
  });

  it.each(['(.*)\\.(gz|bz2)', '^[0-9]+\\.log', '(.*)\\d', 'a|b'])('filter regex %s is reported, not guessed', (regex) => {
    expect(sersyncRegexToExclude(regex)).toHaveProperty('error');
  });
});

describe('every invalid field is reported with its place in the file', () => {
  it('bad values: each names its line and element', () => {
    const text = conf(`<localpath watch="srv/www">
  <remote ip="bad host" name="www"/>
</localpath>
<rsync>
  <commonParams params="-az --bwlimit=5mbit"/>
  <userDefinedPort start="true" port="87x"/>
  <timeout start="true" time="2"/>
</rsync>
<crontab start="true" schedule="hourly"/>`);
    const { profiles, problems } = importSersync(text);
    expect(profiles).toEqual([]);
    expect(problems).toEqual(
      expect.arrayContaining([
        'line 10 <userDefinedPort port>: "87x" is not a port number (1 to 65535)',
        'line 13 <crontab schedule>: "hourly" is not a number of minutes',
        'line 5 <localpath watch> (source): must be an absolute path, such as /srv/data',
        'line 6 <remote ip> (targets.0.host): is not a host name or IP address',
        expect.stringMatching(/^line 11 <timeout time> \(timeoutSeconds\): .*5/),
        expect.stringMatching(/^line 9 <commonParams params --bwlimit> \(bandwidthLimit\): .*bits/),
      ]),
    );
    expect(problems).toHaveLength(6);
  });

  it('a localpath without remotes', () => {
    const { problems } = importSersync(conf('<localpath watch="/srv/www"></localpath>'));
    expect(problems).toEqual(['line 5 <localpath> (targets): add at least one backup target']);
  });

  it('auth switched on without a user or password file', () => {
    const { problems } = importSersync(conf(`${remote}<rsync><auth start="true" users="" passwordfile=""/></rsync>`));
    expect(problems).toEqual(['line 5 <auth users>: auth is on but names no user', 'line 5 <auth passwordfile>: auth is on but names no password file']);
  });

  it('what Rsync Tray cannot do is refused with the element to change', () => {
    const text = conf(`${remote}
<rsync><commonParams params="-az -e ssh --inplace"/><ssh start="true"/></rsync>
<plugin start="true" name="command"/>`);
    const { profiles, problems } = importSersync(text);
    expect(profiles).toEqual([]);
    expect(problems).toEqual([
      expect.stringMatching(/^line 6 <commonParams params>: -e .*not supported/),
      expect.stringMatching(/^line 6 <commonParams params>: "ssh" is not an rsync option/),
      expect.stringMatching(/^line 6 <commonParams params>: the rsync option --inplace cannot be carried over/),
      expect.stringMatching(/^line 6 <ssh start>: rsync over ssh is not supported/),
      expect.stringMatching(/^line 7 <plugin start>: sersync plugins \(here "command"\) are not supported/),
    ]);
  });

  it('an untranslatable filter regex names its <exclude>', () => {
    const { problems } = importSersync(conf(remote, '<filter start="true">\n<exclude expression="(.*)\\.(gz|bz2)"/>\n</filter>'));
    expect(problems).toEqual([expect.stringMatching(/^line 4 <exclude expression>: the regular expression "\(\.\*\)\\\.\(gz\|bz2\)" has no exact rsync exclude pattern/)]);
  });

  it('full-sync-only excludes are refused, so live and full syncs cannot drift apart', () => {
    const text = conf(`${remote}
<crontab start="true" schedule="60">
  <crontabfilter start="true"><exclude expression="(.*)\\.php"/></crontabfilter>
</crontab>`);
    expect(importSersync(text).problems).toEqual([expect.stringMatching(/^line 7 <exclude expression>: excludes only for the periodic full sync are not supported/)]);
  });

  it.each([
    ['an element left open', '<head>\n<sersync>\n<localpath watch="/a">\n</sersync>\n</head>', 'line 4: </sersync> closes <localpath>, which was opened on line 3'],
    ['a remote not self-closed', '<head>\n<sersync>\n<localpath watch="/a">\n<remote ip="h" name="m">\n</localpath>\n</sersync>\n</head>', 'line 5: </localpath> closes <remote>, which was opened on line 4'],
    ['an unquoted attribute', '<head>\n<sersync>\n<localpath watch=/a>\n</localpath></sersync></head>', 'line 3: <localpath> is malformed near "watch=/a>"'],
    ['a comment never closed', '<head>\n<!-- <remote ip="h"/>\n<sersync/></head>', 'line 2: a comment "<!--" is never closed'],
    ['a truncated file', '<head>\n<sersync>\n<localpath watch="/a">', 'line 3: <localpath> is never closed'],
    ['not XML at all', '{"version": 1, "profiles": []}', 'the file has no XML elements'],
    ['another XML file', '<config><a/></config>', 'line 1: the top element is <config>'],
  ])('malformed XML: %s', (_, text, message) => {
    const { profiles, problems } = importSersync(text);
    expect(profiles).toEqual([]);
    expect(problems.join('\n')).toContain(message);
  });

  it('parseXml keeps line numbers through comments and declarations', () => {
    const { root, problems } = parseXml('<?xml version="1.0"?>\n<!-- a\nb -->\n<head>\n  <x a="1"/>\n</head>');
    expect(problems).toEqual([]);
    expect(root?.line).toBe(4);
    expect(root?.children[0]).toMatchObject({ name: 'x', line: 5, attrs: { a: '1' } });
  });
});
