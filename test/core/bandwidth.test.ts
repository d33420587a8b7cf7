import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeBandwidth, parseBandwidth } from '../../electron/shared/bandwidth.ts';

describe('parseBandwidth', () => {
  // input → bytes per second, --bwlimit value, label
  const valid: [string, number, string | null, string][] = [
    ['5M', 5 * 1024 * 1024, '5120K', '5 MiB/s'],
    ['5m', 5 * 1024 * 1024, '5120K', '5 MiB/s'],
    ['5 MiB/s', 5 * 1024 * 1024, '5120K', '5 MiB/s'],
    ['5MiB', 5 * 1024 * 1024, '5120K', '5 MiB/s'],
    ['640K', 640 * 1024, '640K', '640 KiB/s'],
    ['640k', 640 * 1024, '640K', '640 KiB/s'],
    ['640 KiB/s', 640 * 1024, '640K', '640 KiB/s'],
    ['5MB/s', 5_000_000, '4883K', '5 MB/s'], // decimal, like rsync's "5mb"; rsync rounds to whole KiB
    ['5mb', 5_000_000, '4883K', '5 MB/s'],
    ['5MBps', 5_000_000, '4883K', '5 MB/s'],
    ['500kB/s', 500_000, '488K', '500 kB/s'],
    ['1.5M', 1.5 * 1024 * 1024, '1536K', '1.5 MiB/s'],
    ['.5M', 512 * 1024, '512K', '0.5 MiB/s'],
    ['2G', 2 * 1024 ** 3, '2097152K', '2 GiB/s'],
    ['2 GB/s', 2_000_000_000, '1953125K', '2 GB/s'],
    ['  10 M  ', 10 * 1024 * 1024, '10240K', '10 MiB/s'],
    ['1K', 1024, '1K', '1 KiB/s'],
    ['512B', 512, '1K', '512 B/s'],
    ['0', 0, null, 'unlimited'],
    ['', 0, null, 'unlimited'],
    ['  ', 0, null, 'unlimited'],
    ['unlimited', 0, null, 'unlimited'],
    ['Off', 0, null, 'unlimited'],
    ['none', 0, null, 'unlimited'],
    ['0M', 0, null, 'unlimited'],
  ];
  it.each(valid)('%j', (text, bytesPerSecond, rsyncArg, label) => {
    expect(parseBandwidth(text)).toEqual({ ok: true, value: { bytesPerSecond, rsyncArg, label } });
  });

  const invalid: [string, RegExp][] = [
    ['5', /write 5M for 5 MiB\/s or 5K for 5 KiB\/s/],
    ['1.5', /write 1\.5M for 1\.5 MiB\/s or 1\.5K for 1\.5 KiB\/s/],
    ['5 X', /Unknown unit "x"/],
    ['5TB', /Unknown unit/],
    ['fast', /not a bandwidth/],
    ['-5M', /not a bandwidth/],
    ['5M/min', /not a bandwidth/],
    ['100B', /smallest limit of 1 KiB\/s/],
    ['0.1K', /smallest limit/],
    ['2048G', /over 1 TiB\/s/],
    ['10Mbit', /in bits.*1,250,000 bytes\/s, i\.e\. 1\.25MB/],
    ['10 Mbps', /in bits/],
  ];
  it.each(invalid)('rejects %j', (text, message) => {
    const r = parseBandwidth(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
});

describe('describeBandwidth', () => {
  it.each([
    ['5M', '5M = 5 MiB/s = 5,242,880 bytes per second'],
    ['640k', '640k = 640 KiB/s = 655,360 bytes per second'],
    ['5MB/s', '5MB/s = 5 MB/s = 5,000,000 bytes per second (rsync rounds it to 4,883 KiB/s)'],
    ['', '(empty) = no limit'],
    ['off', 'off = no limit'],
    ['5', '"5" has no unit (rsync would read it as 5 KiB/s): write 5M for 5 MiB/s or 5K for 5 KiB/s.'],
  ])('%j', (text, expected) => {
    expect(describeBandwidth(text)).toBe(expected);
  });
});

// The --bwlimit values we produce must be accepted by the installed rsync (>= 3.1 reads "K").
describe.skipIf(!existsSync('/usr/bin/rsync'))('rsync accepts rsyncArg', () => {
  it.each(['5M', '640K', '5MB/s', '1.5M', '2G', '1K', '512B'])('%s', (text) => {
    const r = parseBandwidth(text);
    if (!r.ok || !r.value.rsyncArg) throw new Error('expected a limit');
    const dir = mkdtempSync(join(tmpdir(), 'bwlimit-'));
    try {
      writeFileSync(join(dir, 'f'), 'x');
      execFileSync('/usr/bin/rsync', ['-n', `--bwlimit=${r.value.rsyncArg}`, join(dir, 'f'), join(dir, 'out/')], {
        env: { ...process.env, LC_ALL: 'C' },
        stdio: 'pipe',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
