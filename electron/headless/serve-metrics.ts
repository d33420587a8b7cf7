/**
 * `GET /metrics` on `rsync-tray serve`: the Prometheus text, behind the same Bearer token as the
 * API (a scraper sends `Authorization: Bearer TOKEN`; Prometheus's `authorization.credentials_file`).
 * Or on a port of its own (`serve --metrics-port N --metrics-token-file F`), on 127.0.0.1 only,
 * with a token of its own: a scraper then holds nothing that opens the window.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { RsyncTrayError } from '../shared/errors.ts';
import type { ApiHandlers } from '../shared/contract.ts';
import { RunTally, renderMetrics } from '../core/service/metrics.ts';

type Verdict = { ok: true } | { ok: false; status: number; text: string };

/** One tally per server, so the deletion and error counters grow across scrapes. */
const tallies = new WeakMap<ApiHandlers, RunTally>();

export async function serveMetrics(
  req: IncomingMessage,
  res: ServerResponse,
  verdict: Verdict,
  handlers: ApiHandlers,
): Promise<void> {
  const send = (status: number, text: string, type = 'text/plain; charset=utf-8') => {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : text);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'Use GET.');
  if (!verdict.ok) return send(verdict.status, verdict.text);
  let tally = tallies.get(handlers);
  if (!tally) {
    tally = new RunTally();
    tallies.set(handlers, tally);
  }
  const [profiles, runs] = await Promise.all([handlers['status.get']({}), handlers['activity.list']({ limit: 1000 })]);
  tally.add(runs);
  send(
    200,
    renderMetrics({ profiles, tally, rssBytes: process.memoryUsage.rss() }),
    'text/plain; version=0.0.4; charset=utf-8',
  );
}

/** The scraper's token: a mode-600 file (others could read it otherwise), one line. */
async function readMetricsToken(file: string): Promise<string> {
  const hint = `Write a long random token into it, e.g. openssl rand -hex 32 > ${file} && chmod 600 ${file}`;
  let text: string;
  try {
    const { mode } = await stat(file);
    if (process.platform !== 'win32' && (mode & 0o077) !== 0)
      throw new RsyncTrayError(
        'SECRETS_FILE_MODE',
        `The metrics token file ${file} can be read by other users (mode ${(mode & 0o777).toString(8)}).`,
        `Run: chmod 600 ${JSON.stringify(file)} — and replace the token if others may have read it.`,
      );
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof RsyncTrayError) throw error;
    throw new RsyncTrayError('BAD_REQUEST', `The metrics token file ${file} cannot be read.`, hint);
  }
  const token = text.trim();
  if (token.length < 16) throw new RsyncTrayError('BAD_REQUEST', `The metrics token in ${file} is too short.`, hint);
  return token;
}

export interface MetricsServer {
  readonly port: number;
  dispose(): Promise<void>;
}

export async function startMetricsServer(o: {
  handlers: ApiHandlers;
  port: number;
  tokenFile: string;
}): Promise<MetricsServer> {
  const digest = createHash('sha256')
    .update(await readMetricsToken(o.tokenFile))
    .digest();
  const verdict = (req: IncomingMessage): Verdict => {
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (bearer === undefined) return { ok: false, status: 401, text: 'Send Authorization: Bearer TOKEN.' };
    return timingSafeEqual(createHash('sha256').update(bearer.trim()).digest(), digest)
      ? { ok: true }
      : { ok: false, status: 401, text: 'The metrics token is wrong: it is the one in --metrics-token-file.' };
  };
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://placeholder').pathname;
    if (pathname !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Only /metrics is served here.');
      return;
    }
    serveMetrics(req, res, verdict(req), o.handlers).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: a scraper elsewhere goes through a tunnel or a local Prometheus agent.
    server.listen(o.port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    dispose: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
