/**
 * `rsync-tray address`: the full address (with the access token) of the `serve` running for this
 * config. serve prints it only to a terminal (or with --print-address), so a log never keeps the
 * token; this reads the port serve saved beside the token (serveAddressFileFor) and the token.
 */
import { readFile } from 'node:fs/promises';
import { RsyncTrayError } from '../../shared/errors.ts';
import { serveAddressFileFor, tokenFileFor } from '../paths.ts';
import { askRunning, configFile, configOption, out, type Command } from './common.ts';
import type { ServeAddress } from './hosts.ts';

const noServe = (): RsyncTrayError =>
  new RsyncTrayError(
    'NOT_RUNNING',
    'No `rsync-tray serve` is running for this config.',
    'Start it with `rsync-tray serve` (or pass the same --config it was started with).',
  );

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readAddress(file: string): Promise<ServeAddress | null> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as Partial<ServeAddress>;
    const ok =
      typeof value.host === 'string' &&
      Number.isInteger(value.port) &&
      Number.isInteger(value.pid) &&
      (value.port as number) > 0 &&
      (value.port as number) <= 65535;
    return ok ? (value as ServeAddress) : null;
  } catch {
    return null;
  }
}

export const address: Command = {
  usage: 'address [--config FILE]',
  summary: 'Print the address (with its access token) of the `serve` running for this config.',
  options: { ...configOption },
  async run(v) {
    const file = configFile(v);
    // Throws NOT_RUNNING (exit 3) when no engine answers on the control socket.
    await askRunning(file, 'status.get', {});
    // An engine runs; it is a serve only if serve saved where it listens (a `run` saves nothing).
    const saved = await readAddress(serveAddressFileFor(file));
    if (!saved || !alive(saved.pid)) throw noServe();
    const token = (await readFile(tokenFileFor(file), 'utf8').catch(() => '')).trim();
    if (!token) throw noServe();
    const host = saved.host.includes(':') ? `[${saved.host}]` : saved.host;
    out(`http://${host}:${saved.port}/#token=${token}`);
    return 0;
  },
};
