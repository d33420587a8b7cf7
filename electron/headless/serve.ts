/**
 * `rsync-tray serve`: the tray app's window for machines without a desktop (like Syncthing's GUI).
 * The same renderer, a second transport: POST /api/call runs a method of the API contract through
 * dispatch() (validated like IPC is), and a WebSocket on /api/events pushes engine events.
 *
 * Whoever reaches this server controls the backups and can store passwords, so:
 * - it binds 127.0.0.1 by default (use an SSH tunnel from elsewhere);
 * - a random token is required on every API request and event stream, and nothing a browser
 *   attaches by itself carries it: no cookie is set or accepted (cookies are not separated by port,
 *   so any other server on 127.0.0.1 would receive one). The printed address hands the token over
 *   in its fragment (`/#token=…`, which a browser never sends to a server); the page keeps it in
 *   sessionStorage, drops it from the address bar, and sends it as `Authorization: Bearer TOKEN` on
 *   each POST /api/call and as the WebSocket subprotocol `token.TOKEN` (beside `rsync-tray`, the one
 *   this server answers with) on /api/events. Scripts may send the Bearer header on both. The page
 *   itself (HTML, JS, CSS: no secrets) is served without a token. commands/hosts.ts keeps the token
 *   in the state folder (mode 600) so an open window survives a restart; `--new-token` rotates it;
 * - the Host header must name this server (a DNS-rebinding page has its own name in Host), and
 *   Origin/Sec-Fetch-Site must be this origin (a page on another port of localhost is "same-site",
 *   but not the same origin);
 * - a strict CSP (the window's one, electron/shared/csp.ts) and the usual anti-framing, no-sniff
 *   and no-referrer headers.
 * The command itself (start the engine, print the address, stop on a signal) is in commands/hosts.ts.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type ServerOptions, type WebSocket } from 'ws';
import type { ApiHandlers, Result } from '../shared/contract.ts';
import { NO_CONTENT_CSP, WINDOW_CSP } from '../shared/csp.ts';
import type { EngineEvent } from '../shared/status.ts';
import { dispatch } from '../core/service/api-dispatch.ts';
import { localOnly } from './serve-policy.ts';
import { serveMetrics } from './serve-metrics.ts';
import { mimeType } from '../core/service/mime-types.ts';
import { RsyncTrayError, type ErrorInfo } from '../shared/errors.ts';

/** Where `npm run build:renderer` puts the window. */
export const DEFAULT_RENDERER_DIR = path.resolve(import.meta.dirname, '../../dist/renderer');
/** The import text may be up to 5 MB (contract); leave room for JSON escaping. */
const MAX_BODY = 12 * 1024 * 1024;
/** A page that falls this far behind on events is dropped; it reconnects and refetches the status. */
const MAX_BUFFERED = 4 * 1024 * 1024;
/** The page sends nothing but control frames on the event stream; anything bigger is not ours. */
const MAX_INCOMING = 64 * 1024;
/** A page that does not answer a close frame must not keep dispose() waiting. */
const CLOSE_TIMEOUT_MS = 1_000;

export interface ServeOptions {
  handlers: ApiHandlers;
  subscribe(listener: (event: EngineEvent) => void): () => void;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** The built renderer (index.html + assets). */
  staticDir?: string;
  /** The access token (commands/hosts.ts persists one); a fresh random one otherwise. */
  token?: string;
}

export interface ServeHandle {
  readonly host: string;
  readonly port: number;
  /** http://host:port */
  readonly origin: string;
  readonly token: string;
  /** The address to open: origin + the token in the fragment (never sent to a server). */
  readonly url: string;
  dispose(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127\./.test(host);
}

const hostPort = (host: string, port: number): string => `${host.includes(':') ? `[${host}]` : host}:${port}`;

/** The Host header values that name this server (anything else is a rebinding or a mistake). */
function allowedHosts(bound: string, port: number): Set<string> {
  const names = new Set<string>();
  const add = (h: string) => names.add(hostPort(h, port).toLowerCase());
  if (isLoopback(bound)) ['127.0.0.1', 'localhost', '::1', bound].forEach(add);
  else if (bound === '0.0.0.0' || bound === '::') {
    ['127.0.0.1', 'localhost', '::1', os.hostname()].forEach(add);
    for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) add(a.address);
  } else add(bound);
  return names;
}

function securityHeaders(res: ServerResponse, page: boolean): void {
  res.setHeader('Content-Security-Policy', page ? WINDOW_CSP : NO_CONTENT_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), usb=(), serial=()');
}

function sendText(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...extra });
  res.end(`${text}\n`);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

function failure(code: ErrorInfo['code'], message: string, hint: string): Result<never> {
  return { ok: false, error: { code, message, hint } };
}

/** The subprotocol the page asks for and this server answers with; the token rides beside it. */
export const EVENTS_PROTOCOL = 'rsync-tray';
const TOKEN_PROTOCOL_PREFIX = 'token.';

/** A fresh access token: 256 random bits, base64url (also a valid WebSocket subprotocol name). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The `token.…` entry of a Sec-WebSocket-Protocol header, if any. */
function protocolToken(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(',')) {
    const p = part.trim();
    if (p.startsWith(TOKEN_PROTOCOL_PREFIX)) return p.slice(TOKEN_PROTOCOL_PREFIX.length);
  }
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY)
      throw new RsyncTrayError('BAD_REQUEST', 'The request is too large.', 'Import files may be up to 5 MB.');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): RsyncTrayError {
  const where = `Cannot serve on ${hostPort(host, port)}`;
  if (error.code === 'EADDRINUSE')
    return new RsyncTrayError(
      'PORT_IN_USE',
      `${where}: the port is in use.`,
      'Choose another --port, or stop what uses it.',
      { cause: error },
    );
  const hint =
    error.code === 'EACCES'
      ? 'Ports below 1024 need root: choose a higher --port.'
      : 'Give --host an address of this machine, and --port a free port (or leave them out).';
  return new RsyncTrayError('BAD_REQUEST', `${where}: ${error.message}`, hint, { cause: error });
}

type Verdict = { ok: true } | { ok: false; status: number; text: string };

const NO_TOKEN =
  'Open the address printed by `rsync-tray serve` (it carries the access token); cookies are not accepted.';

export async function startServe(options: ServeOptions): Promise<ServeHandle> {
  const bindHost = options.host ?? '127.0.0.1';
  const token = options.token ?? newToken();
  const tokenDigest = createHash('sha256').update(token).digest();
  const staticDir = path.resolve(options.staticDir ?? DEFAULT_RENDERER_DIR);
  // The event stream: `ws` does the protocol on upgrades this server has already checked.
  const wsOptions: ServerOptions & { closeTimeout: number } = {
    noServer: true,
    clientTracking: false,
    maxPayload: MAX_INCOMING,
    perMessageDeflate: false,
    closeTimeout: CLOSE_TIMEOUT_MS,
    // Answer with `rsync-tray`, never with the `token.…` entry (a browser requires one of its own back).
    handleProtocols: (protocols) => (protocols.has(EVENTS_PROTOCOL) ? EVENTS_PROTOCOL : false),
  };
  const events = new WebSocketServer(wsOptions);
  /** Each open event stream, with what ends its subscription. */
  const streams = new Map<WebSocket, () => void>();
  let port = 0;
  let hosts = new Set<string>();

  const tokenMatches = (candidate: string | undefined | null): boolean =>
    typeof candidate === 'string' &&
    candidate.length > 0 &&
    timingSafeEqual(createHash('sha256').update(candidate).digest(), tokenDigest);

  /** Host, then where the request comes from (the page itself needs no more than this). */
  function checkOrigin(req: IncomingMessage): Verdict {
    const host = req.headers.host?.toLowerCase();
    if (!host || !hosts.has(host)) {
      return {
        ok: false,
        status: 421,
        text:
          `This server answers only to ${[...hosts][0]} (the Host header was ` +
          `${JSON.stringify(req.headers.host ?? '')}).`,
      };
    }
    const site = req.headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site')
      return { ok: false, status: 403, text: 'Requests from other sites are refused.' };
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${host}`)
      return { ok: false, status: 403, text: `Requests from ${origin} are refused; only this page may call the API.` };
    return { ok: true };
  }

  /**
   * checkOrigin(), then the token: only from the Authorization header, or (the event stream) the
   * `token.…` subprotocol. Never from a cookie, which a browser hands to every port of this host.
   */
  function check(req: IncomingMessage, allowProtocol: boolean): Verdict {
    const where = checkOrigin(req);
    if (!where.ok) return where;
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const candidate = bearer ?? (allowProtocol ? protocolToken(req.headers['sec-websocket-protocol']) : undefined);
    if (candidate === undefined) return { ok: false, status: 401, text: NO_TOKEN };
    return tokenMatches(candidate)
      ? { ok: true }
      : {
          ok: false,
          status: 401,
          text: 'The access token is wrong (`rsync-tray serve --new-token` replaced it?): open the address it printed.',
        };
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      return sendText(res, 400, 'Bad path.');
    }
    if (rel.includes('\0')) return sendText(res, 400, 'Bad path.');
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = path.resolve(staticDir, `.${path.posix.normalize(rel)}`);
    if (file !== staticDir && !file.startsWith(staticDir + path.sep)) return sendText(res, 404, 'Not found.');
    let data: Buffer;
    try {
      if (!(await stat(file)).isFile()) return sendText(res, 404, 'Not found.');
      data = await readFile(file);
    } catch {
      if (rel === '/index.html')
        return sendText(res, 503, `The window is not built (no ${file}). Run: npm run build:renderer`);
      return sendText(res, 404, 'Not found.');
    }
    res.writeHead(200, {
      'Content-Type': mimeType(file),
      // Vite names assets by content hash; the page itself must always be fresh.
      'Cache-Control': rel.startsWith('/assets/') ? 'private, max-age=31536000, immutable' : 'no-store',
      'Content-Length': String(data.length),
    });
    res.end(req.method === 'HEAD' ? undefined : data);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const isApi = url.pathname.startsWith('/api/');
    securityHeaders(res, !isApi);
    // An address a browser would read as another host ("//evil.example/", what "/.//…" becomes,
    // a backslash) is nothing this server serves: no page, and never a redirect.
    const raw = req.url ?? '/';
    if ([raw, url.pathname].some((p) => !p.startsWith('/') || /^\/[/\\]|\\/.test(p)))
      return sendText(res, 400, 'Open the address `rsync-tray address` prints.');

    if (url.pathname === '/api/call') {
      if (req.method !== 'POST') return sendText(res, 405, 'Use POST.', { Allow: 'POST' });
      const verdict = check(req, false);
      if (!verdict.ok)
        return sendJson(
          res,
          verdict.status,
          failure('ACCESS_DENIED', verdict.text, 'Open the address printed by `rsync-tray serve` again.'),
        );
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
        return sendJson(
          res,
          415,
          failure('BAD_REQUEST', 'The API takes application/json.', 'Send {"method": ..., "input": ...} as JSON.'),
        );
      }
      let request: { method?: unknown; input?: unknown };
      try {
        request = JSON.parse(await readBody(req)) as typeof request;
      } catch (error) {
        const info =
          error instanceof RsyncTrayError
            ? error.toInfo()
            : {
                code: 'BAD_REQUEST' as const,
                message: 'The request is not valid JSON.',
                hint: 'Send {"method": ..., "input": ...}.',
              };
        return sendJson(res, 400, { ok: false, error: info });
      }
      const refused = await localOnly(options.handlers, request?.method, request?.input);
      if (refused) return sendJson(res, 403, { ok: false, error: refused });
      return sendJson(res, 200, await dispatch(options.handlers, request?.method, request?.input));
    }
    if (url.pathname === '/metrics') return serveMetrics(req, res, check(req, false), options.handlers);
    if (isApi) {
      const verdict = check(req, false);
      return verdict.ok ? sendText(res, 404, 'No such API endpoint.') : sendText(res, verdict.status, verdict.text);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Use GET.', { Allow: 'GET, HEAD' });
    // The page holds no secret: Host and origin checks only (a rebinding page gets nothing either).
    const verdict = checkOrigin(req);
    if (!verdict.ok) return sendText(res, verdict.status, verdict.text);
    return serveStatic(req, res, url.pathname);
  }

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refuse = (status: number, text: string) => {
      socket.end(
        `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
          `Connection: close\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
      );
    };
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://placeholder');
    if (url.pathname !== '/api/events' || req.headers.upgrade?.toLowerCase() !== 'websocket') {
      refuse(404, 'Not found.');
      return;
    }
    const verdict = check(req, true);
    if (!verdict.ok) {
      refuse(verdict.status, verdict.text);
      return;
    }
    // A malformed handshake (key, version) is answered 400 by `ws`.
    events.handleUpgrade(req, socket, head, (ws) => {
      const unsubscribe = options.subscribe((event) => {
        if (ws.readyState !== ws.OPEN) return;
        if (ws.bufferedAmount > MAX_BUFFERED) return ws.terminate();
        ws.send(JSON.stringify(event));
      });
      streams.set(ws, unsubscribe);
      ws.on('close', () => {
        unsubscribe();
        streams.delete(ws);
      });
      // A protocol error (an unmasked or oversized frame) closes the socket; nothing to report.
      ws.on('error', () => ws.terminate());
    });
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendText(res, 500, `Internal error: ${(error as Error).message}`);
      else res.destroy();
    });
  });
  server.on('upgrade', upgrade);
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => reject(listenError(error, bindHost, options.port ?? 0));
    server.once('error', failed);
    server.listen(options.port ?? 0, bindHost, () => {
      server.off('error', failed);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  hosts = allowedHosts(bindHost, port);
  const shownHost = bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost;
  const origin = `http://${hostPort(shownHost, port)}`;

  return {
    host: bindHost,
    port,
    origin,
    token,
    url: `${origin}/#token=${token}`,
    async dispose() {
      for (const [ws, unsubscribe] of streams) {
        unsubscribe();
        ws.close(1001);
      }
      streams.clear();
      events.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
