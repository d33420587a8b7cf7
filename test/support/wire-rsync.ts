/**
 * A plain rsync run as the engine would make it, for tests that measure what a command line
 * costs on the wire (rsync's own "Total bytes sent", under LC_ALL=C): the exit must be 0.
 */
import { execFile } from 'node:child_process';
import { expect } from 'vitest';
import { parseStats } from '../../electron/core/rsync/rsync-output.ts';

export async function bytesSentBy(args: string[], input?: Buffer): Promise<number> {
  const child = execFile('rsync', args, { env: { ...process.env, LC_ALL: 'C' } });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stdin!.end(input ?? '');
  const code = await new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)));
  expect(code).toBe(0);
  return parseStats(out).bytesSent;
}

/** A batch's command line as the engine sends it (--files-from, --checksum, deletions), with auth. */
export const engineBatchArgs = (passwordFile: string, source: string, url: string): string[] => [
  '-a',
  '--password-file',
  passwordFile,
  '--stats',
  '--mkpath',
  '--files-from=-',
  '--from0',
  '-r',
  '--checksum',
  '--delete-missing-args',
  '--force',
  '--delete',
  `${source}/`,
  url,
];
