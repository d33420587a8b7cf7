/** The host's ring of engine log lines (log.list): bounded, newest first, filtered and paged. */
import { describe, expect, it } from 'vitest';
import { LOG_RING_POLICY, LogRing } from '../../electron/core/service/log-ring.ts';
import type { LogLevel } from '../../electron/shared/status.ts';

function ringOf(lines: Array<[LogLevel, string, string?]>, limit?: number): LogRing {
  const ring = new LogRing(limit);
  lines.forEach(([level, message, profile], i) => ring.add({ at: 1_000 + i, level, message, profile }));
  return ring;
}

const messages = (ring: LogRing, q: Parameters<LogRing['list']>[0] = {}) => ring.list(q).items.map((l) => l.message);

describe('log ring', () => {
  const ring = ringOf([
    ['info', 'engine started'],
    ['warn', 'Docs: polling', 'Docs'],
    ['error', 'rsync to ada@b:873/docs failed: @ERROR: Unknown module', 'Docs'],
    ['debug', 'Web: watch set up', 'Web'],
    ['warn', 'Web: unreachable', 'Web'],
  ]);

  it('lists the newest first, each with a rising id', () => {
    expect(messages(ring)).toEqual([
      'Web: unreachable',
      'Web: watch set up',
      'rsync to ada@b:873/docs failed: @ERROR: Unknown module',
      'Docs: polling',
      'engine started',
    ]);
    const ids = ring.list().items.map((l) => l.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  it.each([
    ['one profile', { profile: 'Docs' }, ['rsync to ada@b:873/docs failed: @ERROR: Unknown module', 'Docs: polling']],
    [
      'a minimum level keeps the ones above it',
      { level: 'warn' as const },
      ['Web: unreachable', 'rsync to ada@b:873/docs failed: @ERROR: Unknown module', 'Docs: polling'],
    ],
    ['errors only', { level: 'error' as const }, ['rsync to ada@b:873/docs failed: @ERROR: Unknown module']],
    ['words in any case', { query: 'UNKNOWN module' }, ['rsync to ada@b:873/docs failed: @ERROR: Unknown module']],
    ['a profile name as words', { query: 'web', level: 'info' as const }, ['Web: unreachable']],
    ['profile and level together', { profile: 'Web', level: 'warn' as const }, ['Web: unreachable']],
    ['nothing matches', { query: 'no such words' }, []],
  ])('filters: %s', (_why, q, expected) => {
    expect(messages(ring, q)).toEqual(expected);
    expect(ring.list(q).matched).toBe(expected.length);
    expect(ring.list(q).total).toBe(5);
  });

  it('pages through thousands of lines, and counts every match', () => {
    const big = new LogRing();
    for (let i = 0; i < 3_000; i++) big.add({ at: i, level: i % 3 === 0 ? 'warn' : 'info', message: `line ${i}` });
    const page = big.list({ level: 'warn', offset: 100, limit: 50 });
    expect(page.matched).toBe(1_000);
    expect(page.offset).toBe(100);
    expect(page.items).toHaveLength(50);
    expect(page.items[0]?.message).toBe(`line ${2_997 - 300}`);
    expect(big.list({ offset: 2_990, limit: 50 }).items.map((l) => l.message)).toEqual(
      Array.from({ length: 10 }, (_, i) => `line ${9 - i}`),
    );
  });

  it('keeps only the newest lines past its bound', () => {
    const small = ringOf(
      Array.from({ length: 12 }, (_, i): [LogLevel, string] => ['info', `line ${i}`]),
      10,
    );
    const page = small.list();
    expect(page.total).toBe(10);
    expect(page.items.at(-1)?.message).toBe('line 2');
    expect(page.items[0]?.message).toBe('line 11');
  });

  it('cuts a very long line, and says so', () => {
    const long = new LogRing();
    long.add({ at: 0, level: 'error', message: 'x'.repeat(LOG_RING_POLICY.maxChars + 10) });
    const [line] = long.list().items;
    expect(line?.message.length).toBeLessThan(LOG_RING_POLICY.maxChars + 60);
    expect(line?.message).toMatch(/cut at 8000 characters\)$/);
  });
});
