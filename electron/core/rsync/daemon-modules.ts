/**
 * The modules an rsync daemon lists (`rsync rsync://host:port/`): for the connection test's list,
 * and for "did you mean" when a run is refused with "Unknown module". Listing needs no login, so
 * no password is sent, whatever the target's auth.
 */
import type { DaemonModule } from '../../shared/contract.ts';
import { runRsync, type RunRequest, type RunResult } from './rsync-runner.ts';

/** `rsync host::` prints "name<TAB>comment" per line, module names padded with spaces. */
export function parseModuleList(stdout: string): DaemonModule[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('@') && !line.startsWith('rsync'))
    .map((line) => {
      const [name = '', ...rest] = line.split('\t');
      return { name: name.trim(), comment: rest.join('\t').trim() };
    })
    .filter((m) => m.name);
}

export interface ModuleListRequest {
  rsyncPath: string;
  host: string;
  port: number;
  timeoutSeconds: number;
  /** Tests and the executor's own runner; runRsync by default. */
  run?: (req: RunRequest) => Promise<RunResult>;
}

/** The names the daemon lists, or null when it could not be asked (down, or listing refused). */
export async function listDaemonModules(req: ModuleListRequest): Promise<string[] | null> {
  // A bare IPv6 address goes in brackets, as in targetUrl.
  const host = req.host.includes(':') && !req.host.startsWith('[') ? `[${req.host}]` : req.host;
  const result = await (req.run ?? runRsync)({
    rsyncPath: req.rsyncPath,
    args: [`--contimeout=${req.timeoutSeconds}`, `--timeout=${req.timeoutSeconds}`, `rsync://${host}:${req.port}/`],
    env: { RSYNC_PASSWORD: '' },
    secrets: [],
    captureStdout: true,
  });
  if (result.exitCode !== 0) return null;
  return parseModuleList(result.stdout ?? '').map((m) => m.name);
}
