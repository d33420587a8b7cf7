/**
 * The client side of a running engine's control socket (the server is
 * electron/headless/control-socket.ts): one request per connection for the CLI's `status`, `pause`,
 * …, and a long-lived event stream for the tray app attached to a service. Both the CLI and the
 * tray use it, so it lives here, below both hosts. JSON lines; the socket's folder (0700) is the
 * access control, and a client checks the socket is its own user's before sending anything to it.
 */
import { lstat } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { Method, MethodInput, MethodOutputs, Result } from '../../shared/contract.ts';
import { RsyncTrayError } from '../../shared/errors.ts';
import type { EngineEvent } from '../../shared/status.ts';

/**
 * The control socket of the engine run for this config (so two configs can run side by side). It
 * lives in a folder of its own, `run/` beside the config, which is made 0700 before the socket
 * exists (`privateDir` in control-socket.ts): no other user can reach it, whatever the umask.
 */
export function controlSocketFor(configFile: string): string {
  return path.join(path.dirname(configFile), 'run', `${path.basename(configFile, '.json')}.control.sock`);
}

/** The line that turns a connection into an event stream (instead of a request). */
export const SUBSCRIBE_REQUEST = { subscribe: 'events' } as const;

/** The stream's first line: who answers (the menu names the service's pid). */
export interface StreamHello {
  pid: number;
}

/** Every line after the hello on a stream. */
export interface StreamLine {
  event: EngineEvent;
}

const notRunning = (): RsyncTrayError =>
  new RsyncTrayError(
    'NOT_RUNNING',
    'No `rsync-tray run` is running for this config.',
    'Start it with `rsync-tray run` (or pass the same --config it was started with).',
  );

/** What to do about a service this user cannot reach: the same advice wherever it shows. */
export const OTHER_USER_HINT =
  'Run the service as your own user (`rsync-tray service install --user`, or `--run-as YOUR_USER` for a ' +
  'system unit), or start the app with RSYNC_TRAY_ATTACH=off to run the engine in the app (never both on ' +
  'the same config).';

const otherUser = (socketPath: string, why: string): RsyncTrayError =>
  new RsyncTrayError(
    'UNSAFE_FOLDER',
    `The engine's control socket ${socketPath} ${why}, so it cannot be used from this account.`,
    OTHER_USER_HINT,
  );

/**
 * Refuses a socket (or its folder) of another user before connecting: whoever owns it would get
 * every request, passwords for `secrets.set` included. ENOENT is "not running"; EACCES means its
 * folder is another user's private one (a system service run as root, the app as a user).
 */
export async function assertOwnSocket(socketPath: string): Promise<void> {
  const uid = process.getuid?.();
  for (const file of [path.dirname(socketPath), socketPath]) {
    let owner: number;
    try {
      owner = (await lstat(file)).uid;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES') throw otherUser(socketPath, 'is in a folder this user may not open');
      if (code === 'ENOENT' || code === 'ENOTDIR') throw notRunning();
      throw error;
    }
    if (uid !== undefined && owner !== uid) throw otherUser(socketPath, `belongs to another user (uid ${owner})`);
  }
}

function connectError(error: NodeJS.ErrnoException, socketPath: string): Error {
  if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') return notRunning();
  if (error.code === 'EACCES') return otherUser(socketPath, 'may not be opened by this user');
  return error;
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
    // The engine stopped before it answered (a restart, a crash): said as such, not left pending.
    socket.once('close', () => reject(notRunning()));
    socket.once('error', (error: NodeJS.ErrnoException) => reject(connectError(error, socketPath)));
  });
}

export interface EventStream {
  readonly hello: StreamHello;
  /** Ends the stream from this side (onClose is not called). */
  close(): void;
}

/**
 * Opens an event stream: resolves once the engine said who it is, then calls `onEvent` for each
 * of its events until the connection ends; `onClose` when the engine went away (stopped,
 * restarted, crashed), never after close().
 */
export async function subscribeControlSocket(
  socketPath: string,
  onEvent: (event: EngineEvent) => void,
  onClose: () => void,
): Promise<EventStream> {
  await assertOwnSocket(socketPath);
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let hello: StreamHello | null = null;
    let closedHere = false;
    let pieces = '';
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write(`${JSON.stringify(SUBSCRIBE_REQUEST)}\n`));
    const line = (text: string): void => {
      const parsed = JSON.parse(text) as Result<StreamHello> | StreamLine;
      if (hello) {
        if ('event' in parsed) onEvent(parsed.event);
        return;
      }
      if ('ok' in parsed && parsed.ok) {
        hello = parsed.value;
        resolve({ hello, close: () => ((closedHere = true), void socket.destroy()) });
      } else {
        const info = 'ok' in parsed && !parsed.ok ? parsed.error : null;
        socket.destroy();
        reject(info ? new RsyncTrayError(info.code, info.message, info.hint) : notRunning());
      }
    };
    socket.on('data', (chunk: string) => {
      pieces += chunk;
      for (let nl = pieces.indexOf('\n'); nl !== -1; nl = pieces.indexOf('\n')) {
        const text = pieces.slice(0, nl);
        pieces = pieces.slice(nl + 1);
        if (text.trim() !== '') line(text);
      }
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (!hello) reject(connectError(error, socketPath));
    });
    socket.once('close', () => {
      if (!hello) reject(notRunning());
      else if (!closedHere) onClose();
    });
  });
}
