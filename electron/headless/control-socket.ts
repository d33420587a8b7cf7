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

/**
 * The longest request line read. An import's text may be 5 MB, and JSON escaping can double it;
 * the same bound as `serve`'s request body. Beyond it a line is not buffered but skipped.
 */
export const MAX_REQUEST_CHARS = 12 * 1024 * 1024;

const SEND_JSON_LINES = 'Send one JSON object per line: {"method": "status.get", "input": {}}.';

const badRequest = (message: string, hint = SEND_JSON_LINES): Result<never> => ({
  ok: false,
  error: new RsyncTrayError('BAD_REQUEST', message, hint).toInfo(),
});

/**
 * One request line, answered. Never throws: whatever a client sends (not JSON, not an object, no
 * method) gets a BAD_REQUEST on its own connection, and the engine behind the socket carries on.
 */
async function answer(handlers: ApiHandlers, line: string): Promise<Result<unknown>> {
  let request: unknown;
  try {
    request = JSON.parse(line);
  } catch (error) {
    return badRequest(`The request is not JSON (${(error as Error).message}).`);
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request))
    return badRequest(`The request is ${describeJson(request)}, not a JSON object.`);
  const { method, input } = request as { method?: unknown; input?: unknown };
  if (typeof method !== 'string')
    return badRequest(
      method === undefined
        ? 'The request has no "method".'
        : `The request's "method" is ${describeJson(method)}, not a name.`,
    );
  return dispatch(handlers, method, input);
}

const describeJson = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'a list'
      : `a ${typeof value} (${JSON.stringify(value).slice(0, 40)})`;

export async function serveControlSocket(
  socketPath: string,
  handlers: ApiHandlers,
): Promise<{ dispose(): Promise<void> }> {
  await assertNotRunning(socketPath);
  await rm(socketPath, { force: true }); // a stale socket left by a process that died
  const server = net.createServer((socket) => {
    /** The start of a line still without its newline, kept as pieces: joined once, when it ends. */
    let pieces: string[] = [];
    let length = 0;
    /** Inside a line that was too long: dropped up to its newline, then reading resumes. */
    let skipping = false;
    // Replies leave in the order the requests came, so a client may send several lines at once.
    let replies = Promise.resolve();
    const reply = (result: Promise<Result<unknown>> | Result<unknown>): void => {
      replies = replies
        .then(() => result)
        .then((r) => {
          if (!socket.destroyed) socket.write(`${JSON.stringify(r)}\n`);
        })
        .catch(() => void socket.destroy()); // a reply that cannot be written: this connection only
    };
    const tooLong = (): void =>
      reply(
        badRequest(
          `The request is longer than ${MAX_REQUEST_CHARS / 1024 / 1024} MiB; it was not read.`,
          'Import files may be up to 5 MB; send a smaller one.',
        ),
      );
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      let rest = chunk;
      for (let newline = rest.indexOf('\n'); newline !== -1; newline = rest.indexOf('\n')) {
        const line = pieces.join('') + rest.slice(0, newline);
        rest = rest.slice(newline + 1);
        pieces = [];
        length = 0;
        if (skipping) skipping = false;
        else if (line.length > MAX_REQUEST_CHARS) tooLong();
        // A blank line asks nothing (a stray newline from a client): no reply is waited for.
        else if (line.trim() !== '') reply(answer(handlers, line));
      }
      if (skipping || rest === '') return;
      pieces.push(rest);
      length += rest.length;
      if (length > MAX_REQUEST_CHARS) {
        pieces = [];
        length = 0;
        skipping = true;
        tooLong();
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
