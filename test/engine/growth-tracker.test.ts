import { appendFile, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  decideGrowth,
  GROWTH_POLICY,
  GrowthTracker,
  hashWindow,
  type GrowthMemo,
} from '../../electron/core/sync/growth-tracker.ts';
import { FakeClock } from '../support/fake-clock.ts';

const policy = { ...GROWTH_POLICY, windowBytes: 1024, minBytes: 4096, maxFiles: 3 };
const memo: GrowthMemo = { size: 10_000, mtimeMs: 5_000, tail: 'T', at: 1_000 };

describe('decideGrowth (the append decision)', () => {
  it('appends a remembered, fresh file that grew with its old end unchanged', () => {
    expect(decideGrowth(memo, { size: 12_000, mtimeMs: 6_000, oldTail: 'T' }, 2_000, policy)).toEqual({
      path: 'append',
      grewBy: 2_000,
    });
  });

  const exact: [string, Parameters<typeof decideGrowth>[1], number, GrowthMemo | undefined][] = [
    ['unknown', { size: 12_000, mtimeMs: 6_000, oldTail: 'T' }, 2_000, undefined],
    ['expired', { size: 12_000, mtimeMs: 6_000, oldTail: 'T' }, 1_000 + policy.maxAgeMs + 1, memo],
    ['small', { size: 12_000, mtimeMs: 6_000, oldTail: 'T' }, 2_000, { ...memo, size: 100 }],
    ['not-grown', { size: 10_000, mtimeMs: 6_000, oldTail: 'T' }, 2_000, memo],
    ['not-grown', { size: 9_000, mtimeMs: 6_000, oldTail: 'T' }, 2_000, memo],
    ['older', { size: 12_000, mtimeMs: 4_000, oldTail: 'T' }, 2_000, memo],
    ['rewritten', { size: 12_000, mtimeMs: 6_000, oldTail: 'X' }, 2_000, memo],
  ];
  it.each(exact)('goes the exact path: %s', (why, now, at, m) => {
    expect(decideGrowth(m, now, at, policy)).toEqual({ path: 'exact', why });
  });
});

describe('GrowthTracker over real files', () => {
  let dir: string;
  let clock: FakeClock;
  let tracker: GrowthTracker;
  const big = Buffer.alloc(8192, 'a');

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'growth-'));
    clock = new FakeClock();
    tracker = new GrowthTracker(dir, clock, policy);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('appends after growth, exact after a rewrite of the old end', async () => {
    await writeFile(join(dir, 'log'), big);
    await tracker.remember('log', big.length);
    await appendFile(join(dir, 'log'), 'new line\n');
    expect(await tracker.decide('log')).toEqual({ path: 'append', grewBy: 9 });
    // Rewritten and grown: same size gain, but the bytes before the old end changed.
    await writeFile(join(dir, 'log'), Buffer.concat([Buffer.alloc(8192, 'b'), Buffer.from('new line\n')]));
    expect(await tracker.decide('log')).toEqual({ path: 'exact', why: 'rewritten' });
  });

  it('goes exact after truncation, and after the memory expires', async () => {
    await writeFile(join(dir, 'log'), big);
    await tracker.remember('log', big.length);
    await truncate(join(dir, 'log'), 100);
    expect((await tracker.decide('log')).path).toBe('exact');
    await writeFile(join(dir, 'log'), big);
    await tracker.remember('log', big.length);
    await appendFile(join(dir, 'log'), 'x');
    await clock.advance(policy.maxAgeMs + 1);
    expect(await tracker.decide('log')).toEqual({ path: 'exact', why: 'expired' });
  });

  it('forgets a file remembered without the size sent, a forgotten one, and a gone one', async () => {
    await writeFile(join(dir, 'log'), big);
    await tracker.remember('log');
    expect(tracker.size).toBe(0);
    await tracker.remember('log', big.length);
    tracker.forget('log');
    expect(await tracker.decide('log')).toEqual({ path: 'exact', why: 'unknown' });
    await tracker.remember('gone', 10);
    expect(tracker.size).toBe(0);
  });

  it('stays bounded: the least recently synced is forgotten first', async () => {
    for (const name of ['a', 'b', 'c', 'd']) {
      await writeFile(join(dir, name), big);
      await tracker.remember(name, big.length);
    }
    expect(tracker.size).toBe(3);
    await appendFile(join(dir, 'a'), 'x');
    await appendFile(join(dir, 'd'), 'x');
    expect((await tracker.decide('a')).path).toBe('exact');
    expect((await tracker.decide('d')).path).toBe('append');
  });

  it('hashes the window before an end, null when the file is shorter', async () => {
    await writeFile(join(dir, 'f'), Buffer.concat([Buffer.alloc(5000, 'z'), Buffer.alloc(1024, 'q')]));
    const h = await hashWindow(join(dir, 'f'), 6024, 1024);
    await writeFile(join(dir, 'g'), Buffer.alloc(1024, 'q'));
    expect(h).toBe(await hashWindow(join(dir, 'g'), 1024, 1024));
    expect(await hashWindow(join(dir, 'g'), 2048, 1024)).toBeNull();
  });
});
