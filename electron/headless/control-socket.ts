/**
 * The control channel of a running `rsync-tray run`: a Unix socket (mode 600, owner only) that
 * speaks the API contract as JSON lines, so `status`, `sync-now`, `pause` and `resume` from another
 * shell reach the running engine through the same validated handlers as the UI.
 */
import { chmod, rm } from 'node:fs/promises';
import net from 'node:net';
import type { ApiHandlers, Method, MethodInput, MethodOutputs, Result } from '../shared/contract.ts';
import { dispatch } from '../core/service/api-dispatch.ts';
import { RsyncTrayError } from '../shared/errors.ts';

/**
 * One engine per config: a second `run`/`serve`/`demo` on the same config would sync the same
 * targets twice and take the first one's control socket. Call before starting anything.
 */
export async function assertNotRunning(socketPath: string): Promise<void> {
  const alive = await new Promise<boolean>((resolve) => {
    const socket = net.connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
  if (alive) {
    throw new RsyncTrayError(
      'ALREADY_RUNNING',
      `Rsync Tray is already running for this config (its control socket ${socketPath} answers).`,
      'Use `rsync-tray status`, `sync`, `pause` or `resume` to talk to it, or stop it first.',
    );
  }
}

export async function serveControlSocket(
  socketPath: string,
  handlers: ApiHandlers,
): Promise<{ dispose(): Promise<void> }> {
  await assertNotRunning(socketPath);
  await rm(socketPath, { force: true }); // a stale socket left by a process that died
  const server = net.createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let newline: number;
      while ((newline = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        let request: { method?: unknown; input?: unknown } = {};
        try {
          request = JSON.parse(line);
        } catch {
          /* dispatch reports the bad method */
        }
        void dispatch(handlers, request.method, request.input).then((result) =>
          socket.write(`${JSON.stringify(result)}\n`),
        );
      }
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  await chmod(socketPath, 0o600);
  return {
    async dispose() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(socketPath, { force: true });
    },
  };
}

export async function callControlSocket<M extends Method>(
  socketPath: string,
  method: M,
  input: MethodInput<M>,
): Promise<Result<MethodOutputs[M]>> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let buffer = '';
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write(`${JSON.stringify({ method, input })}\n`));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline === -1) return;
      socket.end();
      resolve(JSON.parse(buffer.slice(0, newline)));
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') {
        reject(
          new RsyncTrayError(
            'NOT_RUNNING',
            'No `rsync-tray run` is running for this config.',
            'Start it with `rsync-tray run` (or pass the same --config it was started with).',
          ),
        );
      } else reject(error);
    });
  });
}
