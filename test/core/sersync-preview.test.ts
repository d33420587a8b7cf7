/**
 * What the sersync preview says beside each profile: every setting with its line in confxml.xml,
 * and what was not carried over with why. On sersync's own sample file and on small variations.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { previewImport } from '../../electron/core/config/profile-import.ts';
import { importSersync } from '../../electron/core/config/sersync-import.ts';
import { parseCommonParams } from '../../electron/core/config/sersync-rsync-options.ts';
import { CONFIG_VERSION, ConfigSchema } from '../../electron/shared/profile-schema.ts';

const sample = readFileSync(path.join(import.meta.dirname, 'fixtures/sersync-confxml.xml'), 'utf8');
const noDisk = { readPasswordFile: (): null => null };
const emptyConfig = ConfigSchema.parse({ version: CONFIG_VERSION });

describe('sersync’s sample', () => {
  const preview = previewImport(sample, 'sersync', emptyConfig, { sersync: (t) => importSersync(t, noDisk) });
  const m = preview.mapping![0]!;
  const field = (name: string) => m.fields.find((f) => f.field === name);

  it('every setting, with where it came from', () => {
    expect(preview.mapping!.map((x) => x.profile)).toEqual(['tongbu']);
    expect(m.fields.map((f) => f.field)).toEqual([
      'Name',
      'Source',
      'Target 1 host',
      'Target 1 port',
      'Target 1 module',
      'Target 1 user',
      'Target 1 password',
      'Target 2 host',
      'Target 2 port',
      'Target 2 module',
      'Target 2 sub-path',
      'Target 2 user',
      'Target 2 password',
      'Bandwidth limit',
      'Compression',
      'Excludes',
      'Deletions',
      'Full sync',
      'Timeout',
      'Quiet time (debounce)',
    ]);
    expect(field('Target 2 sub-path')).toEqual({
      field: 'Target 2 sub-path',
      value: 'mirror',
      from: 'line 27 <remote name>',
    });
    expect(field('Target 1 port')).toEqual({
      field: 'Target 1 port',
      value: '874',
      from: 'line 32 <userDefinedPort port>',
    });
    expect(field('Bandwidth limit')?.value).toBe('5000K = 5000 KiB/s = 5,120,000 bytes per second');
    expect(field('Excludes')).toEqual({
      field: 'Excludes',
      value: '4 patterns: *.svn, *.gz, /info, /static',
      from: 'lines 7, 8, 9, 10 <exclude expression>',
    });
    expect(field('Full sync')).toEqual({
      field: 'Full sync',
      value: 'every 600 min',
      from: 'line 37 <crontab schedule>',
    });
  });

  it('what it did not carry over, with why', () => {
    expect(m.dropped.map((d) => `${d.what} @ ${d.from}`)).toEqual([
      '-u @ line 30 <commonParams params>',
      '<inotify><createFile start="false"/> @ line 15 <createFile start>',
      '<inotify><attrib start="false"/> @ line 19 <attrib start>',
      '<inotify><modify start="false"/> @ line 20 <modify start>',
      '<ssh start="false"> @ line 34 <ssh start>',
      '<failLog path="/tmp/rsync_fail_log.sh"> @ line 36 <failLog path>',
      '<crontabfilter start="false"> @ line 38 <crontabfilter start>',
      '<plugin name="command"> @ line 43 <plugin start>',
      '<plugin name="command"> @ line 46 <plugin>',
      '<plugin name="refreshCDN"> @ line 54 <plugin>',
      '<host> @ line 3 <host>',
      '<debug> @ line 4 <debug>',
      '<fileSystem> @ line 5 <fileSystem>',
    ]);
    for (const d of m.dropped) expect(d.why, d.what).toMatch(/^[A-Zs].*\.$/);
  });
});

describe('variations', () => {
  const conf = (rsync: string, extra = '', crontab = '') =>
    `<head version="2.5">${extra}<sersync><localpath watch="/srv/www"><remote ip="10.0.0.5" name="www"/></localpath>` +
    `<rsync>${rsync}</rsync>${crontab}</sersync></head>`;

  it('defaults are said as defaults; a file with nothing extra drops nothing', () => {
    const { mapping } = importSersync(conf(''), noDisk);
    expect(mapping![0]!.dropped).toEqual([]);
    const from = Object.fromEntries(mapping![0]!.fields.map((f) => [f.field, `${f.value} | ${f.from}`]));
    expect(from).toMatchObject({
      'Target port': '873 | not in the file: Rsync Tray’s default (873)',
      'Target user': 'none | not in the file: Rsync Tray’s default (no login)',
      'Bandwidth limit': 'no limit | no --bwlimit in <commonParams>',
      Deletions: 'made on the backup too | no <inotify><delete>: sersync’s default (deletions are made)',
      'Full sync': 'off | no <crontab start="true">: off, as in sersync',
      Timeout: '30 s | not in the file: Rsync Tray’s default',
    });
  });

  it('switched-off sections that still hold values are listed, and <delete start="false"> is mapped', () => {
    const { mapping } = importSersync(
      conf(
        '<auth start="false" users="u" passwordfile="/etc/p"/><userDefinedPort start="false" port="874"/>' +
          '<timeout start="false" time="9"/>',
        '<inotify><delete start="false"/></inotify><filter start="false"><exclude expression="(.*)\\.tmp"/></filter>',
        '<crontab start="false" schedule="60"/>',
      ),
      noDisk,
    );
    expect(mapping![0]!.dropped.map((d) => d.what)).toEqual([
      '<filter start="false">',
      '<auth start="false">',
      '<userDefinedPort port="874">',
      '<timeout time="9">',
      '<crontab start="false" schedule="60">',
    ]);
    expect(mapping![0]!.fields.find((f) => f.field === 'Deletions')?.value).toBe('kept on the backup');
  });

  it('each accepted rsync option that is not -a’s or -z is listed once, with why', () => {
    const { dropped } = parseCommonParams(
      '-artuzvH --progress --delete -u --hard-links',
      'line 1 <commonParams params>',
    );
    expect(dropped.map((d) => d.option)).toEqual(['-u', '-v', '-H', '--progress', '--delete', '--hard-links']);
    expect(dropped[0]!.why).toMatch(/overwritten, not kept because it is newer/);
    expect(dropped[2]!.why).toMatch(/Hard links are not preserved/);
  });

  it('a JSON import has no mapping; a sersync file with a problem maps nothing', () => {
    expect(previewImport('{"version":2,"profiles":[]}', 'json', emptyConfig).mapping).toBeUndefined();
    const bad = importSersync(conf('<commonParams params="-e ssh"/>'), noDisk);
    expect(bad.problems).not.toEqual([]);
    expect(bad.mapping).toEqual([]);
  });
});
