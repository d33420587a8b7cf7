/**
 * The sersync confxml.xml importer: sersync's own sample file imports as the profile a sersync
 * user expects, and every invalid field is reported with its line and element in the XML.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { previewImport } from '../../electron/core/config/profile-import.ts';
import { CONFIG_VERSION, ConfigSchema, ProfileSchema, type Config } from '../../electron/shared/profile-schema.ts';
import {
  importSersync,
  parseXml,
  sersyncRegexToExclude,
  XML_MAX_DEPTH,
} from '../../electron/core/config/sersync-import.ts';
import { loadImporters } from '../../electron/headless/importers.ts';

const sample = readFileSync(path.join(import.meta.dirname, 'fixtures/sersync-confxml.xml'), 'utf8');
const emptyConfig: Config = ConfigSchema.parse({ version: CONFIG_VERSION });
/** The sample names /etc/rsync.pas; what this machine keeps there must not decide the test. */
const noDisk = { readPasswordFile: (): null => null };

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
    const { profiles, problems } = importSersync(sample, noDisk);
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
      {
        host: '192.168.8.39',
        port: 874,
        module: 'tongbu',
        path: '',
        user: 'rsync_backup',
        auth: { type: 'passwordFile', path: '/etc/rsync.pas' },
      },
      {
        host: 'backup2.example.net',
        port: 874,
        module: 'tongbu',
        path: 'mirror',
        user: 'rsync_backup',
        auth: { type: 'passwordFile', path: '/etc/rsync.pas' },
      },
    ]);
  });

  it('is registered with the headless host and previews through the same path as JSON imports', async () => {
    const importers = await loadImporters();
    const existing: Config = {
      ...emptyConfig,
      profiles: [ProfileSchema.parse({ name: 'tongbu', source: '/x', targets: [{ host: 'h', module: 'm' }] })],
    };
    const preview = previewImport(sample, 'sersync', existing, importers);
    expect(preview.problems).toEqual([]);
    expect(preview.profiles.map((p) => p.name)).toEqual(['tongbu']);
    expect(preview.conflicts).toEqual(['tongbu']);
  });
});

describe('mapping details', () => {
  it('defaults: port 873, no auth, no periodic full sync, no excludes when the filter is off', () => {
    const { profiles, problems } = importSersync(
      conf(remote, '<filter start="false"><exclude expression="(.*)\\.gz"/></filter>'),
    );
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

  it('ip="host:port" is refused with the sersync element the port belongs in', () => {
    const { profiles, problems } = importSersync(
      conf('<localpath watch="/srv/www"><remote ip="backup.lan:874" name="www"/></localpath>'),
    );
    expect(profiles).toEqual([]);
    expect(problems).toEqual([
      'line 5 <remote ip>: "backup.lan:874" includes a port; write ip="backup.lan" ' +
        'and give the port as <userDefinedPort start="true" port="874"/>',
    ]);
  });

  it('an IPv6 address in ip is not taken for host:port', () => {
    const { profiles, problems } = importSersync(
      conf('<localpath watch="/srv/www"><remote ip="fe80::1" name="www"/></localpath>'),
    );
    expect(problems).toEqual([]);
    expect(ProfileSchema.parse(profiles[0]).targets[0]!.host).toBe('fe80::1');
  });

  it('control characters written as character references are refused in module and user names', () => {
    const { profiles, problems } = importSersync(
      conf(
        '<localpath watch="/srv/www"><remote ip="h" name="w&#9;w"/></localpath>\n' +
          '<rsync><auth start="true" users="u&#127;" passwordfile="/etc/rsync.pas"/></rsync>',
      ),
      noDisk,
    );
    expect(profiles).toEqual([]);
    expect(problems).toEqual([
      'line 5 <remote name> (targets.0.module): The module name contains an invisible control character ' +
        '(U+0009 at character 2); retype the module name without it.',
      'line 6 <auth users> (targets.0.user): The user name contains an invisible control character ' +
        '(U+007F at character 2); retype the user name without it.',
    ]);
  });

  it('a control character in the watched folder becomes a space in the profile name, the folder kept as it is', () => {
    const { profiles, problems } = importSersync(
      conf('<localpath watch="/srv/old&#9;site"><remote ip="h" name="m"/></localpath>'),
    );
    expect(problems).toEqual([]);
    expect(ProfileSchema.parse(profiles[0])).toMatchObject({ name: 'old site', source: '/srv/old\tsite' });
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
    const { profiles, problems } = importSersync(
      conf(`<localpath watch='/srv/a&amp;b'><remote ip="h" name="m"/></localpath>`),
    );
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

  it.each(['(.*)\\.(gz|bz2)', '^[0-9]+\\.log', '(.*)\\d', 'a|b'])(
    'filter regex %s is reported, not guessed',
    (regex) => {
      expect(sersyncRegexToExclude(regex)).toHaveProperty('error');
    },
  );
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
        'line 5 <localpath watch> (source): The source folder must be an absolute path, such as /srv/data.',
        'line 6 <remote ip> (targets.0.host): The host is not a host name or IP address.',
        expect.stringMatching(/^line 11 <timeout time> \(timeoutSeconds\): .*5/),
        expect.stringMatching(/^line 9 <commonParams params --bwlimit> \(bandwidthLimit\): .*bits/),
      ]),
    );
    expect(problems).toHaveLength(6);
  });

  it('a localpath without remotes', () => {
    const { problems } = importSersync(conf('<localpath watch="/srv/www"></localpath>'));
    expect(problems).toEqual(['line 5 <localpath> (targets): Add at least one backup target.']);
  });

  it('auth switched on without a user or password file', () => {
    const { problems } = importSersync(conf(`${remote}<rsync><auth start="true" users="" passwordfile=""/></rsync>`));
    expect(problems).toEqual([
      'line 5 <auth users>: auth is on but names no user',
      'line 5 <auth passwordfile>: auth is on but names no password file',
    ]);
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
    const { problems } = importSersync(
      conf(remote, '<filter start="true">\n<exclude expression="(.*)\\.(gz|bz2)"/>\n</filter>'),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^line 4 <exclude expression>: the regular expression "\(\.\*\)\\\.\(gz\|bz2\)" has no exact rsync exclude pattern/,
      ),
    ]);
  });

  it('full-sync-only excludes are refused, so live and full syncs cannot drift apart', () => {
    const text = conf(`${remote}
<crontab start="true" schedule="60">
  <crontabfilter start="true"><exclude expression="(.*)\\.php"/></crontabfilter>
</crontab>`);
    expect(importSersync(text).problems).toEqual([
      expect.stringMatching(/^line 7 <exclude expression>: excludes only for the periodic full sync are not supported/),
    ]);
  });

  it.each([
    [
      'an element left open',
      '<head>\n<sersync>\n<localpath watch="/a">\n</sersync>\n</head>',
      'line 4: </sersync> closes <localpath>, which was opened on line 3',
    ],
    [
      'a remote not self-closed',
      '<head>\n<sersync>\n<localpath watch="/a">\n<remote ip="h" name="m">\n</localpath>\n</sersync>\n</head>',
      'line 5: </localpath> closes <remote>, which was opened on line 4',
    ],
    [
      'an unquoted attribute',
      '<head>\n<sersync>\n<localpath watch=/a>\n</localpath></sersync></head>',
      'line 3: <localpath> is malformed near "watch=/a>"',
    ],
    [
      'a comment never closed',
      '<head>\n<!-- <remote ip="h"/>\n<sersync/></head>',
      'line 2: a comment "<!--" is never closed',
    ],
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

describe('never crashes: a broken or hostile file gives problems with a line and what to do, and no profiles', () => {
  /** Every problem starts with the line it is about. */
  const refused = (text: string): string[] => {
    const { profiles, problems } = importSersync(text, noDisk);
    expect(profiles).toEqual([]);
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p).toMatch(/^line \d+: /);
    return problems;
  };

  it('100,000 nested elements stop at the depth limit, quickly', () => {
    const text = `<head>\n${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}\n</head>`;
    const problems = refused(text);
    expect(problems).toEqual([
      expect.stringMatching(
        new RegExp(`^line 2: <a> is nested more than ${XML_MAX_DEPTH} elements deep.*choose sersync's confxml\\.xml`),
      ),
    ]);
    expect(parseXml(text).root).toBeNull();
    // Unclosed, too: the limit comes before the end of the file is reached.
    expect(refused('<a>'.repeat(100_000))).toEqual([
      expect.stringContaining(`nested more than ${XML_MAX_DEPTH} elements deep`),
    ]);
  });

  it('nesting up to the limit is read', () => {
    const depth = XML_MAX_DEPTH;
    const { root, problems } = parseXml(`${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}`);
    expect(problems).toEqual([]);
    expect(root?.name).toBe('a');
  });

  it.each([
    [
      'an undefined entity',
      '<head>\n<sersync>\n<localpath watch="/srv/a&nbsp;b"><remote ip="h" name="m"/></localpath>\n</sersync>\n</head>',
      /^line 3: "&nbsp;" is not an XML entity .*write &amp; for a literal "&"/,
    ],
    [
      'a bare "&" in an attribute',
      '<head>\n<sersync>\n<localpath watch="/srv/a & b"><remote ip="h" name="m"/></localpath>\n</sersync>\n</head>',
      /^line 3: a bare "&" .*write &amp; for a literal "&"/,
    ],
    [
      'a bare "&" with a ";" further on',
      '<head>\n<sersync>\n<localpath watch="/srv/a&b"><remote ip="h" name="m"/></localpath>\n</sersync>\n' +
        '<!-- ; -->\n</head>',
      /^line 3: a bare "&"/,
    ],
    [
      'a bad character number',
      '<head>\n<sersync>\n<localpath watch="/srv/&#xZZ;"/>\n</sersync>\n</head>',
      /^line 3: "&#xZZ;" is not a valid character number/,
    ],
  ])('bad entities: %s', (_, text, message) => {
    expect(refused(text)).toEqual([expect.stringMatching(message)]);
  });

  it('a DOCTYPE declaring entities (billion laughs) is refused without expanding anything', () => {
    const text = readFileSync(path.join(import.meta.dirname, 'fixtures/sersync-billion-laughs.xml'), 'utf8');
    const problems = refused(text);
    expect(problems).toEqual([
      expect.stringMatching(
        /^line 2: the file declares XML entities .*not expanded.*Remove the <!DOCTYPE \.\.\.> part/,
      ),
    ]);
    expect(problems[0]!.length).toBeLessThan(400); // nothing of the entities' text made it anywhere
  });

  it('a plain DOCTYPE without entities is tolerated', () => {
    const { profiles, problems } = importSersync(`<!DOCTYPE head>\n${conf(remote).replace(/^<\?xml[^>]*>\n/, '')}`);
    expect(problems).toEqual([]);
    expect(profiles).toHaveLength(1);
  });

  it.each([
    [
      'inside an attribute',
      '<head>\n<sersync>\n<localpath watch="/a',
      'line 3: the file ends inside the tag <localpath>; it looks cut off',
    ],
    [
      'inside a closing tag',
      '<head>\n<sersync>\n</sers',
      'line 3: the file ends inside a closing tag; it looks cut off',
    ],
    ['inside a CDATA section', '<head>\n<![CDATA[ text', 'line 2: "<![CDATA[" is never closed with "]]>"'],
    ['inside a processing instruction', '<head>\n<?sersync ', 'line 2: "<?" is never closed with "?>"'],
    [
      'inside a comment, just before its ">"',
      '<head>\n<!-- <remote ip="h"/> --',
      'line 2: a comment "<!--" is never closed with "-->"',
    ],
    ['between elements', '<head>\n<sersync>\n', 'line 2: <sersync> is never closed (add </sersync>'],
  ])('a truncated document: cut off %s', (_, text, message) => {
    expect(refused(text).join('\n')).toContain(message);
  });

  it("sersync's sample cut off at any point never crashes and never gives a profile", () => {
    const end = sample.lastIndexOf('</head>') + '</head>'.length;
    for (let length = 0; length < end; length++) refused(sample.slice(0, length));
  });

  it.each([
    [
      'a shell script',
      '#!/bin/sh\nif [ "$a" < 3 ]; then sersync2 -r; fi\n',
      /^line 2: "<" does not start a tag .*this does not look like XML: choose sersync's confxml\.xml/,
    ],
    [
      'a binary file',
      '\x89PNG\r\n\x1a\n\u0000\u0000\u0000\rIHDR',
      /^line 2: the character U\+001A is not allowed in XML; is this a text file\? choose sersync's confxml\.xml/,
    ],
    [
      'JSON',
      '{"version": 1, "profiles": []}',
      /^line 1: the file has no XML elements; is this a sersync confxml\.xml\? Choose sersync's confxml\.xml/,
    ],
  ])('a non-XML file: %s', (_, text, message) => {
    expect(refused(text)).toEqual([expect.stringMatching(message)]);
  });

  it.each([
    ['empty', ''],
    ['only blank lines', '\n  \n\t\n'],
  ])('an empty file: %s', (_, text) => {
    expect(refused(text)).toEqual([expect.stringMatching(/^line 1: the file is empty; choose sersync's confxml\.xml/)]);
  });

  it.each([
    [
      'a second top-level element',
      '<head/>\n<head/>',
      'line 2: a second top-level element; everything in a confxml.xml belongs inside its one <head>',
    ],
    [
      'an attribute given twice',
      '<head>\n<sersync a="1" a="2"/>\n</head>',
      'line 2: <sersync> has the attribute a twice; keep one',
    ],
    [
      'a close tag that closes nothing',
      '<head/>\n</head>',
      'line 2: </head> closes nothing (no <head> is open); remove it',
    ],
    ['a NUL character', '<head>\n\u0000</head>', 'line 2: the character U+0000 is not allowed in XML; remove it'],
    ['"--" inside a comment', '<head>\n<!-- old -- remote -->\n</head>', 'line 2: a comment contains "--"'],
  ])('other XML mistakes: %s', (_, text, message) => {
    expect(refused(text).join('\n')).toContain(message);
  });

  it.each([
    ['in an attribute', '<head>\n<sersync><localpath watch="/srv/a"><remote ip="h" name="m\u0001"/>', 'U+0001'],
    ['in a tag', '<head>\n<sersync \u0007><localpath watch="/srv/a"/></sersync></head>', 'U+0007'],
    ['between tags', '<head>\n<sersync>\u001b<localpath watch="/srv/a"/></sersync></head>', 'U+001B'],
  ])('a control character %s is named with its line, not taken for a tag mistake', (_, text, code) => {
    expect(refused(text)).toEqual([`line 2: the character ${code} is not allowed in XML; remove it`]);
  });

  it.each([
    ['an external DTD', '<?xml version="1.0"?>\n<!DOCTYPE head SYSTEM "file:///etc/passwd">\n<head>&xxe;</head>'],
    ['an external entity in an attribute', '<!DOCTYPE head SYSTEM "http://example.invalid/x.dtd">\n<head a="&xxe;"/>'],
  ])('an entity from %s is never fetched or expanded: refused as undefined', (_, text) => {
    expect(refused(text)).toEqual([expect.stringMatching(/^line \d: "&xxe;" is not an XML entity/)]);
  });

  it('a DOCTYPE declaring parameter entities is refused like any entity declaration', () => {
    const text = '<!DOCTYPE head [\n<!ENTITY % p SYSTEM "http://example.invalid/p">\n%p;\n]>\n<head/>';
    expect(refused(text)).toEqual([expect.stringMatching(/^line 1: the file declares XML entities/)]);
  });

  it('every refusal of a mangled sample names a line', () => {
    // Deterministic mutations of the sample: inserted markup characters, cut and repeated spans.
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    const marks = ['<', '>', '&', '"', "'", '/', '=', '!', '?', '[', ']', ';', '#', '\u0000', '\n', '-', ':'];
    let refusals = 0;
    for (let n = 0; n < 1500; n++) {
      let text = sample;
      for (let m = 0; m <= random(3); m++) {
        const at = random(text.length);
        const op = random(3);
        if (op === 0) text = text.slice(0, at) + marks[random(marks.length)] + text.slice(at);
        else if (op === 1) text = text.slice(0, at) + text.slice(at + 1 + random(5));
        else text = text.slice(0, at) + text.slice(at, at + 20) + text.slice(at);
      }
      const { problems } = importSersync(text, noDisk);
      refusals += problems.length;
      for (const p of problems) expect(p).toMatch(/^line \d+[: ]/);
    }
    expect(refusals).toBeGreaterThan(500); // the mutations did break the file
  });

  it('a mistake late in the file means no profile at all, not the sections before it', () => {
    const text = `<head>
<sersync><localpath watch="/srv/a"><remote ip="h" name="m"/></localpath></sersync>
<sersync><localpath watch="/srv/b&c"><remote ip="h" name="m"/></localpath></sersync>
</head>`;
    expect(refused(text)).toEqual([expect.stringMatching(/^line 3: a bare "&"/)]);
  });

  it('what sersync tolerates still imports: an XML declaration after a blank line, stray text outside <head>', () => {
    const { profiles, problems } = importSersync(
      `\n<?xml version="1.0" encoding="GB2312"?>\nsersync config\n` +
        `${conf(remote).replace(/^<\?xml[^>]*>\n/, '')}trailing words\n`,
    );
    expect(problems).toEqual([]);
    expect(profiles).toHaveLength(1);
  });
});

describe('an <auth passwordfile> that is really the daemon secrets file', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rsync-tray-sersync-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string): string => {
    const p = path.join(dir, name);
    writeFileSync(p, content, { mode: 0o600 });
    return p;
  };
  const withAuth = (passwordFile: string): string =>
    conf(`${remote}\n<rsync>\n<auth start="true" users="rsync_backup" passwordfile="${passwordFile}"/>\n</rsync>`);

  it('is reported for that profile, naming the file and the fix, without repeating the secret', () => {
    const secrets = file('rsyncd.secrets', 'rsync_backup:s3cr3t-Pa55\nother:xyz\n');
    const { profiles, problems } = importSersync(withAuth(secrets));
    expect(profiles).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^line 7 <auth passwordfile>: /);
    expect(problems[0]).toContain(`${secrets} looks like an rsync daemon secrets file`);
    expect(problems[0]).toContain('Make a client password file holding only the password');
    expect(problems[0]).toContain('chmod 600');
    expect(problems[0]).not.toContain('s3cr3t');
  });

  it('is recognised after blank lines and comments, as rsyncd allows in a secrets file', () => {
    const secrets = file('commented.secrets', '\n# backup users\n\n  rsync_backup:pw\n');
    expect(importSersync(withAuth(secrets)).problems).toEqual([
      expect.stringContaining('looks like an rsync daemon secrets file'),
    ]);
  });

  it("in sersync's own sample, /etc/rsync.pas as a secrets file is caught on its <auth> line", () => {
    const secrets = file('rsync.pas', 'rsync_backup:123456\n');
    const { profiles, problems } = importSersync(sample.replace('/etc/rsync.pas', secrets));
    expect(profiles).toEqual([]);
    expect(problems).toEqual([
      expect.stringMatching(/^line 31 <auth passwordfile>: .*looks like an rsync daemon secrets file/),
    ]);
  });

  it('only the profiles of the <sersync> section naming it are held back', () => {
    const secrets = file('two.secrets', 'u:pw\n');
    const client = file('two.pas', 'pw\n');
    const text =
      '<head>\n' +
      '<sersync><localpath watch="/srv/a"><remote ip="h" name="m"/></localpath>' +
      `<rsync><auth start="true" users="u" passwordfile="${secrets}"/></rsync></sersync>\n` +
      '<sersync><localpath watch="/srv/b"><remote ip="h" name="m"/></localpath>' +
      `<rsync><auth start="true" users="u" passwordfile="${client}"/></rsync></sersync>\n` +
      '</head>';
    const { profiles, problems } = importSersync(text);
    expect(problems).toEqual([expect.stringMatching(/^line 2 <auth passwordfile>: /)]);
    expect(profiles.map((p) => (p as { name: string }).name)).toEqual(['b']);
  });

  it('two name:password lines are a secrets file whatever the names', () => {
    const secrets = file('others.secrets', 'alice:pw1\nbob:pw2\n');
    expect(importSersync(withAuth(secrets)).problems).toEqual([
      expect.stringMatching(
        /^line 7 <auth passwordfile>: .*looks like an rsync daemon secrets file \(its first line is "alice:"/,
      ),
    ]);
  });

  it.each([
    ['a client password file (the password alone)', () => file('client.pas', 'just-the-password\n')],
    // A password may contain a colon: one such line is a secrets file only when it names the user.
    ['a client password that contains a colon', () => file('colon.pas', 'Tr0ub4dor:horse\n')],
    ['a client password file with more lines after the password', () => file('client2.pas', 'pw\nuser:other\n')],
    ['an empty file', () => file('empty.pas', '')],
    ['a missing file', () => path.join(dir, 'missing.pas')],
    [
      'a directory',
      () => {
        const d = path.join(dir, 'a-directory');
        mkdirSync(d, { recursive: true });
        return d;
      },
    ],
  ])('is not reported for %s', (_, make) => {
    const passwordFile = make();
    const { profiles, problems } = importSersync(withAuth(passwordFile));
    expect(problems).toEqual([]);
    expect(ProfileSchema.parse(profiles[0]).targets[0]!.auth).toEqual({ type: 'passwordFile', path: passwordFile });
  });

  it.skipIf(process.platform === 'win32' || process.getuid?.() === 0)(
    'a file it may not read does not fail the import',
    () => {
      const secrets = file('locked.secrets', 'rsync_backup:pw\n');
      chmodSync(secrets, 0o000);
      expect(importSersync(withAuth(secrets)).problems).toEqual([]);
    },
  );

  it.skipIf(process.platform === 'win32')('a FIFO named by mistake neither hangs nor fails the import', () => {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(importSersync(withAuth(fifo)).problems).toEqual([]);
  });

  it('a reader that throws does not fail the import', () => {
    const { problems } = importSersync(withAuth('/etc/rsync.pas'), {
      readPasswordFile: () => {
        throw new Error('EACCES');
      },
    });
    expect(problems).toEqual([]);
  });
});
