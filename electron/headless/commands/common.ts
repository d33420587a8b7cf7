/**
 * What every command of `rsync-tray` is made of: its entry in the command table (usage, summary,
 * options, run), the options several commands share, and the call to a running engine.
 */
import type { Method, MethodInput, MethodOutputs } from '../../shared/contract.ts';
import { RsyncTrayError } from '../../shared/errors.ts';
import { callControlSocket } from '../control-socket.ts';
import { controlSocketFor, defaultConfigFile } from '../paths.ts';

export type Values = Record<string, string | boolean | string[] | undefined>;

export interface Command {
  usage: string;
  summary: string;
  options?: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;
  /** The exit code: 0 done, 1 what it checked failed. Errors are thrown (see CLI_EXIT_CODES). */
  run(values: Values, positionals: string[]): Promise<number>;
}

export const out = (text: string): void => void process.stdout.write(`${text}\n`);

export const configOption = { config: { type: 'string' as const, short: 'c' } };
export const profileOption = { profile: { type: 'string' as const, short: 'p' } };
export const configFile = (v: Values): string => (v.config as string | undefined) ?? defaultConfigFile();

/** A usage mistake on the command line (exit 2). */
export const badArgument = (message: string, hint: string): RsyncTrayError =>
  new RsyncTrayError('BAD_REQUEST', message, hint);

/** Calls the engine running for this config; its refusal is thrown, NOT_RUNNING when there is none. */
export async function askRunning<M extends Method>(
  file: string,
  method: M,
  input: MethodInput<M>,
): Promise<MethodOutputs[M]> {
  const result = await callControlSocket(controlSocketFor(file), method, input);
  if (!result.ok) throw new RsyncTrayError(result.error.code, result.error.message, result.error.hint);
  return result.value;
}

/** The same, or null when no engine runs for this config (the command then does the work itself). */
export async function askRunningIfAny<M extends Method>(
  file: string,
  method: M,
  input: MethodInput<M>,
): Promise<{ value: MethodOutputs[M] } | null> {
  try {
    return { value: await askRunning(file, method, input) };
  } catch (error) {
    if (error instanceof RsyncTrayError && error.code === 'NOT_RUNNING') return null;
    throw error;
  }
}
