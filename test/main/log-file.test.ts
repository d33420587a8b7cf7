import { mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogFile, describeRun, formatLogLine } from '../../electron/main/log-file.ts';

describe('log file', () => {
  it('formats one line per entry, indenting continuation lines', () => {
    expect(formatLogLine(Date.UTC(2025, 0, 2, 3, 4, 5), 'warn', 'first\nsecond', 'Docs')).toBe(
      '2025-01-02T03:04:05.000Z WARN  [Docs] first\n    second\n',
    );
  });

  it('describes runs by outcome', () => {
    const run = {
      profile: 'D',
      target: 't',
      kind: 'full' as const,
      startedAt: 0,
      durationMs: 500,
      paths: 0,
      files: 1,
      bytes: 3 * 1024 ** 2,
      deleted: 0,
      moved: 0,
      deletedNames: [],
      latencyMs: null,
      outcome: 'ok' as const,
      error: null,
    };
    expect(describeRun(run)).toEqual({ level: 'info', message: 'full sync to t: 1 file sent, 3.0 MiB in 500 ms' });
    expect(
      describeRun({
        ...run,
        outcome: 'retry',
        error: { code: 'TIMEOUT', message: 'Timed out.', hint: 'Check the network.' },
      }),
    ).toEqual({
      level: 'warn',
      message: 'full sync to t failed after 500 ms: Timed out. — Check the network.',
    });
    expect(describeRun({ ...run, outcome: 'fatal', error: null }).level).toBe('error');
    expect(describeRun({ ...run, outcome: 'held' })).toEqual({
      level: 'warn',
      message:
        'full sync to t: 1 file sent in 500 ms; a mass deletion is held back until someone confirms it in the window',
    });
  });

  it('rotates at the size limit, keeping one previous file, mode 600', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-log-'));
    const file = path.join(dir, 'logs', 'rsync-tray.log');
    const log = createLogFile(file, { maxBytes: 200, now: () => 0 });
    for (let i = 0; i < 6; i++) log.write('info', `line ${i} ${'x'.repeat(40)}`);
    const current = await readFile(file, 'utf8');
    const previous = await readFile(`${file}.1`, 'utf8');
    expect(current.length).toBeLessThanOrEqual(200);
    expect(previous + current).toContain('line 5');
    expect(current.split('\n').at(-2)).toContain('line 5');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    // Status events are not logged (they come several times a second).
    log.event({ type: 'status', status: {} as never, seq: 1, at: 0 });
    expect(await readFile(file, 'utf8')).toBe(current);
  });
});
