import { describe, expect, it } from 'vitest';
import { classifyExit, RSYNC_EXIT_CODES } from '../../electron/core/rsync/rsync-exit-codes.ts';

describe('RSYNC_EXIT_CODES', () => {
  // Every value in man rsync (3.5.0) EXIT VALUES, and the policy for it.
  const table: [number, string][] = [
    [0, 'ok'],
    [1, 'fatal'],
    [2, 'fatal'],
    [3, 'retry'],
    [4, 'fatal'],
    [5, 'retry'],
    [6, 'fatal'],
    [10, 'retry'],
    [11, 'retry'],
    [12, 'retry'],
    [13, 'fatal'],
    [14, 'retry'],
    [15, 'retry'],
    [16, 'retry'],
    [19, 'retry'],
    [20, 'retry'],
    [21, 'retry'],
    [22, 'retry'],
    [23, 'retry'],
    [24, 'vanished'],
    [25, 'fatal'],
    [30, 'retry'],
    [35, 'retry'],
  ];
  it.each(table)('exit %i is %s', (code, outcome) => {
    const c = classifyExit(code);
    expect(c.outcome).toBe(outcome);
    expect(c.known).toBe(true);
    expect(c.meaning.length).toBeGreaterThan(3);
  });

  it('covers exactly the documented values', () => {
    expect(
      Object.keys(RSYNC_EXIT_CODES)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual(table.map(([c]) => c));
  });

  it('uses the man page wording', () => {
    expect(RSYNC_EXIT_CODES[23]?.meaning).toBe('Partial transfer due to error');
    expect(RSYNC_EXIT_CODES[24]?.meaning).toBe('Partial transfer due to vanished source files');
    expect(RSYNC_EXIT_CODES[35]?.meaning).toBe('Timeout waiting for daemon connection');
  });
});

describe('classifyExit', () => {
  it('treats a process killed by a signal as retryable', () => {
    expect(classifyExit(undefined, 'SIGKILL')).toEqual({
      outcome: 'retry',
      meaning: 'Killed by signal SIGKILL',
      known: true,
    });
    expect(classifyExit(null, 'SIGTERM').outcome).toBe('retry');
  });

  it('treats a process that never reported a status as fatal', () => {
    expect(classifyExit(undefined).outcome).toBe('fatal');
  });

  it('reads 128+N from a wrapper shell as a signal', () => {
    expect(classifyExit(137)).toMatchObject({
      outcome: 'retry',
      known: false,
      meaning: 'Killed by signal 9 (exit 137)',
    });
  });

  it('retries unknown values instead of giving up', () => {
    expect(classifyExit(99)).toEqual({ outcome: 'retry', meaning: 'Unknown rsync exit value 99', known: false });
  });
});
