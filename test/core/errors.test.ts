/** Error codes and the CLI's exit codes: one table, a default for the rest. */
import { describe, expect, it } from 'vitest';
import {
  CLI_EXIT_CODES,
  CLI_EXIT_DEFAULT,
  cliExitCode,
  ERROR_CODES,
  toErrorInfo,
} from '../../electron/shared/errors.ts';

describe('error codes', () => {
  it('has distinct codes for requests and hosts, not INVALID_CONFIG for all', () => {
    for (const code of ['UNKNOWN_METHOD', 'BAD_REQUEST', 'SENDER_REFUSED', 'PORT_IN_USE', 'NOTHING_HELD'] as const)
      expect(ERROR_CODES).toContain(code);
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });

  it('an unknown thrown value is INTERNAL', () => {
    expect(toErrorInfo(new Error('boom')).code).toBe('INTERNAL');
  });
});

describe('CLI exit codes', () => {
  it('3 when no engine runs, 1 for an internal error, 2 (the default) for the rest', () => {
    expect(cliExitCode('NOT_RUNNING')).toBe(3);
    expect(cliExitCode('INTERNAL')).toBe(1);
    expect(CLI_EXIT_DEFAULT).toBe(2);
    for (const code of [
      'INVALID_CONFIG',
      'BAD_REQUEST',
      'UNKNOWN_METHOD',
      'PORT_IN_USE',
      'NOTHING_HELD',
      'ALREADY_RUNNING',
      'UNKNOWN_PROFILE',
    ] as const)
      expect(cliExitCode(code)).toBe(2);
  });

  it('the table names only real codes, and never 0 (an error is never success)', () => {
    for (const [code, exit] of Object.entries(CLI_EXIT_CODES)) {
      expect(ERROR_CODES).toContain(code);
      expect(exit).toBeGreaterThan(0);
    }
    for (const code of ERROR_CODES) expect(cliExitCode(code)).toBeGreaterThan(0);
  });
});
