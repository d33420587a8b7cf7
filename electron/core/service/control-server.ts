/**
 * The control channel of a running engine: a Unix socket (mode 600, owner only, in a folder of
 * mode 700 made before it) that speaks the API contract as JSON lines, so `status`, `sync-now`,
 * `pause` and `resume` from another shell, and the tray app attached to a service, reach the
 * running engine through the same validated handlers as the UI. Served by `rsync-tray run`/`serve`
 * and by the tray app for the engine it hosts (so a service on the same config refuses to start).
 * Whoever can connect can change the rsync program: never another user.
 */
import { chmod, lstat, mkdir, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { ApiHandlers, Result } from '../../shared/contract.ts';
import { RsyncTrayError } from '../../shared/errors.ts';
import type { EngineEvent } from '../../shared/status.ts';
import { dispatch } from './api-dispatch.ts';
import { SUBSCRIBE_REQUEST, type StreamHello, type StreamLine } from './control-client.ts';

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
async function answer(
  handlers: ApiHandlers,
  line: string,
  subscribe: (() => Result<StreamHello>) | null,
): Promise<Result<unknown>> {
  let request: unknown;
  try {
    request = JSON.parse(line);
  } catch (error) {
    return badRequest(`The request is not JSON (${(error as Error).message}).`);
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request))
    return badRequest(`The request is ${describeJson(request)}, not a JSON object.`);
  const { method, input } = request as { method?: unknown; input?: unknown };
  if (method === undefined && (request as { subscribe?: unknown }).subscribe === SUBSCRIBE_REQUEST.subscribe)
    return subscribe ? subscribe() : badRequest('This engine does not stream its events.');
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

/**
 * Makes `dir` (and any missing parents) with mode 0700, or checks the one there: a real folder,
 * ours, no access for group or others. Looser but ours is tightened (chmod 700); a symlink or
 * another user's folder is refused, since then someone else could reach what is put in it.
 * mkdir's mode only ever loses bits to the umask, and the chmod puts back what it lost.
 */
export async function privateDir(dir: string): Promise<void> {
  const created = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (created !== undefined) await chmod(dir, 0o700);
  const info = await lstat(dir);
  const uid = process.getuid?.();
  const refuse = (why: string, hint: string) =>
    new RsyncTrayError('UNSAFE_FOLDER', `The folder ${dir} is ${why}; the control socket is not put there.`, hint);
  if (!info.isDirectory())
    throw refuse('not a folder (a symlink or a file)', `Remove ${dir}; Rsync Tray makes it again as a private folder.`);
  if (uid !== undefined && info.uid !== uid)
    throw refuse(
      `owned by another user (uid ${info.uid}), so it could reach the socket`,
      `Remove ${dir} (or \`chown\` it to the user running Rsync Tray, then \`chmod 700\` it).`,
    );
  if ((info.mode & 0o077) !== 0) await chmod(dir, 0o700);
}

export interface ControlSocketOptions {
  /**
   * The engine's events, for a client that sends {"subscribe": "events"} (the tray app attached to
   * this engine): it gets {"ok": true, "value": {"pid": N}}, then one {"event": …} line per event
   * until either side closes. Same socket, so the same access: its owner only.
   */
  subscribe?(listener: (event: EngineEvent) => void): () => void;
}

export async function serveControlSocket(
  socketPath: string,
  handlers: ApiHandlers,
  options: ControlSocketOptions = {},
): Promise<{ dispose(): Promise<void> }> {
  await privateDir(path.dirname(socketPath));
  await assertNotRunning(socketPath);
  await rm(socketPath, { force: true }); // a stale socket left by a process that died
  // An event stream never ends by itself: dispose ends them, or closing the server would wait forever.
  const streams = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    /** The start of a line still without its newline, kept as pieces: joined once, when it ends. */
    let pieces: string[] = [];
    let length = 0;
    /** Inside a line that was too long: dropped up to its newline, then reading resumes. */
    let skipping = false;
    // Replies leave in the order the requests came, so a client may send several lines at once.
    let replies = Promise.resolve();
    const reply = (result: Promise<Result<unknown>> | Result<unknown> | StreamLine): void => {
      replies = replies
        .then(() => result)
        .then((r) => {
          if (!socket.destroyed) socket.write(`${JSON.stringify(r)}\n`);
        })
        .catch(() => void socket.destroy()); // a reply that cannot be written: this connection only
    };
    const subscribe = options.subscribe
      ? (): Result<StreamHello> => {
          if (!streams.has(socket)) {
            streams.add(socket);
            // Through the reply queue: the hello leaves first, then the events in their order.
            const stop = options.subscribe!((event) => reply({ event }));
            socket.once('close', () => (stop(), streams.delete(socket)));
          }
          return { ok: true, value: { pid: process.pid } };
        }
      : null;
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
        else if (line.trim() !== '') reply(answer(handlers, line, subscribe));
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
    // The folder already keeps everyone else out; the umask makes the socket itself 600 from its
    // first instant too (listen binds synchronously, so the umask is back before anything else runs).
    const umask = process.umask(0o077);
    try {
      server.listen(socketPath, () => resolve());
    } finally {
      process.umask(umask);
    }
  });
  await chmod(socketPath, 0o600);
  return {
    async dispose() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const stream of streams) stream.destroy();
      await closed;
      await rm(socketPath, { force: true });
    },
  };
}
