/**
 * `rsync-tray serve` as an attacker and as a client see it: without the token, with the token in a
 * cookie (which any other server on 127.0.0.1 would see too), from a foreign origin, or under a
 * rebound host name nothing is answered; with the Bearer header (calls) or the `token.…`
 * subprotocol (event stream) the API and the event stream work. The page itself needs no token.
 * Raw HTTP requests, so every header is under the test's control.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import net, { type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as WsClient } from 'ws';
import { NO_CONTENT_CSP, WINDOW_CSP } from '../../electron/shared/csp.ts';
import type { EngineEvent } from '../../electron/shared/status.ts';
import { startAppService, type AppService } from '../../electron/core/service/app-service.ts';
import { CONFIG_VERSION } from '../../electron/shared/profile-schema.ts';
import { fileConfigStore, fileSecretStore } from '../../electron/headless/file-stores.ts';
import { startServe, type ServeHandle } from '../../electron/headless/serve.ts';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let work: string;
let service: AppService;
let web: ServeHandle;
const listeners = new Set<(e: EngineEvent) => void>();
const emit = (e: EngineEvent) => listeners.forEach((l) => l(e));

function request(o: {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  host?: string;
}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: web.port,
        method: o.method ?? 'GET',
        path: o.path ?? '/',
        headers: { host: o.host ?? `127.0.0.1:${web.port}`, ...o.headers },
        setHost: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}

const origin = () => `http://127.0.0.1:${web.port}`;
/** What the old scheme set, and a browser would hand to every port of 127.0.0.1: never a credential. */
const cookie = () => `rsync-tray-${web.port}=${web.token}`;
const bearer = () => ({ authorization: `Bearer ${web.token}` });
/** How the page offers the token on the event stream. */
const protocols = () => ({ 'sec-websocket-protocol': `rsync-tray, token.${web.token}` });
const call = (method: string, input: unknown, headers: Record<string, string>) =>
  request({
    method: 'POST',
    path: '/api/call',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ method, input }),
  });

/** An upgrade to /api/events: 101 with its socket, or the refusal. */
function upgrade(
  headers: Record<string, string>,
  host?: string,
): Promise<{ status: number; socket?: Socket; body?: string; protocol?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port: web.port,
      path: '/api/events',
      setHost: false,
      headers: {
        host: host ?? `127.0.0.1:${web.port}`,
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...headers,
      },
    });
    req.on('upgrade', (res, socket) =>
      resolve({ status: res.statusCode ?? 0, socket, protocol: res.headers['sec-websocket-protocol'] }),
    );
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The next text frame from the server (unmasked, as servers send them). */
function nextFrame(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (buffer.length < 2) return;
      let length = buffer[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        length = buffer.readUInt16BE(2);
        offset = 4;
      }
      if (buffer.length < offset + length) return;
      socket.off('data', onData);
      expect(buffer[0]).toBe(0x81); // FIN + text
      resolve(buffer.subarray(offset, offset + length).toString('utf8'));
    };
    socket.on('data', onData);
  });
}

async function until(condition: () => boolean, what: string, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function nextFrameRaw(socket: Socket): Promise<Buffer> {
  return new Promise((resolve) => socket.once('data', (chunk: Buffer) => resolve(chunk)));
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-serve-'));
  const configFile = path.join(work, 'config.json');
  await writeFile(configFile, JSON.stringify({ version: CONFIG_VERSION, profiles: [] }));
  const staticDir = path.join(work, 'static');
  await mkdir(path.join(staticDir, 'assets'), { recursive: true });
  await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>window</title>');
  await writeFile(path.join(staticDir, 'assets/app.js'), 'export {};');
  await writeFile(path.join(work, 'secret.txt'), 'outside the static folder');
  service = await startAppService({
    configStore: fileConfigStore(configFile),
    secrets: fileSecretStore(path.join(work, 'secrets.json')),
  });
  web = await startServe({
    handlers: service.handlers,
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    staticDir,
  });
});

afterAll(async () => {
  await web?.dispose();
  await service?.dispose();
  await rm(work, { recursive: true, force: true });
});

describe('serve binds to loopback and prints an address with a strong token', () => {
  it('127.0.0.1 by default, a random port, 256-bit token, handed over in the fragment', () => {
    expect(web.host).toBe('127.0.0.1');
    expect(web.url).toBe(`http://127.0.0.1:${web.port}/#token=${web.token}`);
    expect(Buffer.from(web.token, 'base64url')).toHaveLength(32);
  });
});

describe('requests without the token are refused', () => {
  it('GET /api/nothing → 401', async () => {
    const r = await request({ path: '/api/nothing' });
    expect(r.status).toBe(401);
  });

  it.each(['/', '/index.html', '/assets/app.js'])(
    'the page (no secrets in it) needs no token: GET %s → 200',
    async (p) => {
      const r = await request({ path: p });
      expect(r.status).toBe(200);
      expect(r.headers['set-cookie']).toBeUndefined();
    },
  );

  it('API call without the token → 401, and the method does not run', async () => {
    const r = await call('profiles.save', { profile: { name: 'x' } }, { origin: origin() });
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'ACCESS_DENIED' } });
  });

  it('a wrong token in the header → 401', async () => {
    expect((await call('status.get', {}, { authorization: 'Bearer nope' })).status).toBe(401);
    expect((await call('status.get', {}, { authorization: `Bearer ${web.token}x` })).status).toBe(401);
  });

  it('the right token in a cookie is no credential: API call → 401, the method does not run', async () => {
    const paused = await call('sync.pause', {}, { cookie: cookie(), origin: origin() });
    expect(paused.status).toBe(401);
    expect(JSON.parse(paused.body)).toMatchObject({ ok: false, error: { code: 'ACCESS_DENIED' } });
    expect(JSON.parse(paused.body).error.message).toContain('cookies are not accepted');
    for (const c of [
      cookie(),
      `rsync-tray=${web.token}`,
      `token=${web.token}`,
      `a=b; rsync-tray-${web.port}=${web.token}`,
    ])
      expect((await call('status.get', {}, { cookie: c, origin: origin() })).status, c).toBe(401);
    expect((await request({ path: '/api/nothing', headers: { cookie: cookie() } })).status).toBe(401);
  });

  it('no address redirects to another host (the old token exchange answered //evil.example/)', async () => {
    for (const p of ['/.//evil.example/', '//evil.example/', '/\\evil.example/']) {
      const r = await request({ path: `${p}?token=${web.token}` });
      expect([400, 404], p).toContain(r.status);
      expect(r.headers.location, p).toBeUndefined();
    }
  });

  it('the token in the query is no credential either', async () => {
    const r = await request({
      method: 'POST',
      path: `/api/call?token=${web.token}`,
      headers: { 'content-type': 'application/json', origin: origin() },
      body: '{"method":"status.get","input":{}}',
    });
    expect(r.status).toBe(401);
    const page = await request({ path: `/?token=${web.token}` });
    expect(page.headers['set-cookie']).toBeUndefined();
    expect(page.headers.location).toBeUndefined();
  });

  it('the event stream without the token → 401', async () => {
    const r = await upgrade({ origin: origin() });
    expect(r.status).toBe(401);
  });

  it('the event stream with a wrong token, as a bearer header or a subprotocol → 401', async () => {
    expect((await upgrade({ authorization: 'Bearer nope', origin: origin() })).status).toBe(401);
    expect((await upgrade({ authorization: `Bearer ${web.token}x` })).status).toBe(401);
    const wrong = await upgrade({ 'sec-websocket-protocol': `rsync-tray, token.${web.token}x`, origin: origin() });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('access token');
    expect((await upgrade({ 'sec-websocket-protocol': 'rsync-tray', origin: origin() })).status).toBe(401);
  });

  it('the event stream with the right token in a cookie → 401', async () => {
    const r = await upgrade({ cookie: cookie(), origin: origin() });
    expect(r.status).toBe(401);
    expect(r.body).toContain('cookies are not accepted');
  });

  it('answers non-API responses with a policy that lets nothing load', async () => {
    const r = await request({ path: '/api/nothing' });
    expect(r.headers['content-security-policy']).toBe(NO_CONTENT_CSP);
  });
});

describe('the page, and the API with the token', () => {
  it('the page is served under a strict CSP, and sets no cookie', async () => {
    const r = await request({});
    expect(r.headers['set-cookie']).toBeUndefined();
    expect(r.status).toBe(200);
    expect(r.body).toContain('<title>window</title>');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    expect(csp).toBe(WINDOW_CSP); // the window's one policy (electron/shared/csp.ts)
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['cache-control']).toBe('no-store');
  });

  it('the API answers a same-origin call with the Bearer header (what the page sends)', async () => {
    const r = await call('status.get', {}, { ...bearer(), origin: origin() });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ ok: true, value: [] });
  });

  it('scripts may send the token as a bearer header instead', async () => {
    const r = await call('profiles.list', {}, { authorization: `Bearer ${web.token}` });
    expect(JSON.parse(r.body)).toEqual({ ok: true, value: [] });
  });

  it('bad input still goes through the contract validation', async () => {
    const r = await call('sync.pause', { minutes: -1 }, { authorization: `Bearer ${web.token}` });
    expect(JSON.parse(r.body)).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringContaining('sync.pause') },
    });
    const unknown = await call('fs.readFile', {}, { authorization: `Bearer ${web.token}` });
    expect(JSON.parse(unknown.body)).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_METHOD', message: expect.stringContaining('Unknown API method') },
    });
  });

  it('a body that is not JSON, or not sent as JSON, is a BAD_REQUEST', async () => {
    const garbled = await request({
      method: 'POST',
      path: '/api/call',
      headers: { authorization: `Bearer ${web.token}`, 'content-type': 'application/json' },
      body: '{"method":',
    });
    expect(garbled.status).toBe(400);
    expect(JSON.parse(garbled.body)).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'The request is not valid JSON.' },
    });
    const form = await request({
      method: 'POST',
      path: '/api/call',
      headers: { authorization: `Bearer ${web.token}`, 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(JSON.parse(form.body)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});

describe('cross-site requests and DNS rebinding are refused, even with the token', () => {
  it('an API call from a foreign Origin → 403', async () => {
    const r = await call('sync.pause', {}, { ...bearer(), origin: 'http://evil.example' });
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).error.message).toContain('http://evil.example');
  });

  it('another port of localhost is same-site but not the same origin → 403', async () => {
    const r = await call(
      'sync.pause',
      {},
      { ...bearer(), origin: 'http://127.0.0.1:1', 'sec-fetch-site': 'same-site' },
    );
    expect(r.status).toBe(403);
  });

  it('Sec-Fetch-Site: cross-site → 403, also for the page', async () => {
    expect((await request({ headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    expect((await call('status.get', {}, { ...bearer(), 'sec-fetch-site': 'cross-site' })).status).toBe(403);
  });

  it('a rebound host name (Host: evil.example) → 421, whatever the credentials, also for the page', async () => {
    expect((await request({ host: `evil.example:${web.port}` })).status).toBe(421);
    const rebound = await request({
      method: 'POST',
      path: '/api/call',
      host: `evil.example:${web.port}`,
      headers: { authorization: `Bearer ${web.token}`, 'content-type': 'application/json' },
      body: '{"method":"status.get","input":{}}',
    });
    expect(rebound.status).toBe(421);
  });

  it('localhost and 127.0.0.1 both name the server', async () => {
    expect((await request({ host: `localhost:${web.port}` })).status).toBe(200);
    const r = await request({
      method: 'POST',
      path: '/api/call',
      host: `localhost:${web.port}`,
      headers: { ...bearer(), origin: `http://localhost:${web.port}`, 'content-type': 'application/json' },
      body: '{"method":"status.get","input":{}}',
    });
    expect(r.status).toBe(200);
  });

  it('the event stream from a foreign Origin, or under a rebound Host → refused', async () => {
    expect((await upgrade({ ...protocols(), origin: 'http://evil.example' })).status).toBe(403);
    expect(
      (await upgrade({ ...protocols(), origin: `http://evil.example:${web.port}` }, `evil.example:${web.port}`)).status,
    ).toBe(421);
  });

  it('the event stream from another port of localhost, even with the right token → 403', async () => {
    expect(
      (await upgrade({ ...protocols(), origin: 'http://127.0.0.1:1', 'sec-fetch-site': 'same-site' })).status,
    ).toBe(403);
    expect((await upgrade({ ...bearer(), origin: 'http://localhost:1' })).status).toBe(403);
    expect((await upgrade({ ...protocols(), origin: origin(), 'sec-fetch-site': 'cross-site' })).status).toBe(403);
  });

  it('a WebSocket client from a foreign origin, or with a wrong token, gets no stream (ws client)', async () => {
    const refusedWith = (headers: Record<string, string>, wsOrigin?: string) =>
      new Promise<number>((resolve, reject) => {
        const ws = new WsClient(`ws://127.0.0.1:${web.port}/api/events`, { headers, origin: wsOrigin });
        ws.on('open', () => {
          ws.terminate();
          reject(new Error('the stream opened'));
        });
        ws.on('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.on('error', () => {});
      });
    expect(await refusedWith(bearer(), 'http://evil.example')).toBe(403);
    expect(await refusedWith({ authorization: 'Bearer nope' })).toBe(401);
    expect(await refusedWith({ cookie: cookie() }, origin())).toBe(401);
  });

  it('only /api/events upgrades, and a malformed handshake is refused after the checks', async () => {
    const other = await new Promise<number>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port: web.port,
        path: '/api/other',
        headers: { connection: 'Upgrade', upgrade: 'websocket', authorization: `Bearer ${web.token}` },
      });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('error', reject);
      req.end();
    });
    expect(other).toBe(404);
    expect((await upgrade({ authorization: `Bearer ${web.token}`, 'sec-websocket-version': '7' })).status).toBe(400);
    expect((await upgrade({ authorization: `Bearer ${web.token}`, 'sec-websocket-key': 'short' })).status).toBe(400);
  });

  it('a form post (text/plain, the one kind a page may send cross-site without preflight) → 415', async () => {
    const r = await request({
      method: 'POST',
      path: '/api/call',
      headers: { authorization: `Bearer ${web.token}`, 'content-type': 'text/plain' },
      body: '{"method":"status.get","input":{}}',
    });
    expect(r.status).toBe(415);
  });
});

describe('static files', () => {
  it.each(['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt'])(
    'no way out of the folder: %s',
    async (p) => {
      const r = await request({ path: p });
      expect(r.body).not.toContain('outside the static folder');
      expect([400, 404]).toContain(r.status);
    },
  );

  it('hashed assets are cacheable, with their type', async () => {
    const r = await request({ path: '/assets/app.js' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(r.headers['cache-control']).toContain('immutable');
  });

  it('the page says how to build it when it is missing', async () => {
    const other = await startServe({
      handlers: service.handlers,
      subscribe: () => () => {},
      staticDir: path.join(work, 'not-built'),
    });
    try {
      const r = await new Promise<Reply>((resolve) => {
        http.get({ host: '127.0.0.1', port: other.port, path: '/' }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        });
      });
      expect(r.status).toBe(503);
      expect(r.body).toContain('npm run build:renderer');
    } finally {
      await other.dispose();
    }
  });
});

describe('the event stream', () => {
  it('pushes every engine event to a same-origin page, as JSON text frames', async () => {
    const before = listeners.size;
    const r = await upgrade({ ...protocols(), origin: origin() });
    expect(r.status).toBe(101);
    // The server picks `rsync-tray`, never echoing the token.
    expect(r.protocol).toBe('rsync-tray');
    const socket = r.socket!;
    try {
      const received = nextFrame(socket);
      const event: EngineEvent = { type: 'log', level: 'info', message: 'hello', seq: 7, at: 1 };
      emit(event);
      expect(JSON.parse(await received)).toEqual(event);
      // A large event uses the 16-bit length form.
      const big = nextFrame(socket);
      const long: EngineEvent = { type: 'log', level: 'warn', message: 'x'.repeat(5_000), seq: 8, at: 2 };
      emit(long);
      expect(JSON.parse(await big)).toEqual(long);
    } finally {
      socket.destroy();
    }
    // A page that just drops the connection is unsubscribed too.
    await until(() => listeners.size === before, 'the dropped stream to unsubscribe');
  });

  it('unsubscribes when the page goes away', async () => {
    const before = listeners.size;
    const r = await upgrade({ ...bearer(), origin: origin() });
    expect(listeners.size).toBe(before + 1);
    // A masked close frame, as a browser sends it.
    const mask = Buffer.from([1, 2, 3, 4]);
    const payload = Buffer.from([0x03, 0xe8]).map((b, i) => b ^ mask[i % 4]!);
    const echoed = nextFrameRaw(r.socket!);
    r.socket!.write(Buffer.concat([Buffer.from([0x88, 0x80 | payload.length]), mask, payload]));
    expect([...(await echoed)]).toEqual([0x88, 0x02, 0x03, 0xe8]); // the server answers with a close frame
    r.socket!.resume();
    await new Promise((resolve) => r.socket!.once('close', resolve));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(listeners.size).toBe(before);
  });

  it("Node's own WebSocket client (bearer header) interoperates", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/api/events`, {
      headers: { authorization: `Bearer ${web.token}` },
    } as unknown as string[]);
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error('WebSocket failed'));
    });
    const message = new Promise<string>((resolve) => (ws.onmessage = (m) => resolve(String(m.data))));
    emit({ type: 'log', level: 'info', message: 'to node', seq: 9, at: 3 });
    expect(JSON.parse(await message)).toMatchObject({ message: 'to node', seq: 9 });
    const closed = new Promise<number>((resolve) => (ws.onclose = (e) => resolve(e.code)));
    ws.close(1000);
    expect(await closed).toBe(1000);
  });
});

describe('the event stream, with the ws package as the client', () => {
  it('a same-origin client with the token subprotocol receives events; a close is answered', async () => {
    const ws = new WsClient(`ws://127.0.0.1:${web.port}/api/events`, ['rsync-tray', `token.${web.token}`], {
      origin: origin(),
    });
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => resolve());
      ws.on('error', reject);
    });
    expect(ws.protocol).toBe('rsync-tray');
    const message = new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));
    emit({ type: 'log', level: 'info', message: 'to ws', seq: 10, at: 4 });
    expect(JSON.parse(await message)).toMatchObject({ message: 'to ws', seq: 10 });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.close(1000);
    expect(await closed).toBe(1000);
  });

  it('dispose() says goodbye (1001) and does not wait for a page that never answers', async () => {
    const local = new Set<(e: EngineEvent) => void>();
    const other = await startServe({
      handlers: service.handlers,
      subscribe: (l) => (local.add(l), () => local.delete(l)),
      staticDir: path.join(work, 'static'),
    });
    const polite = new WsClient(`ws://127.0.0.1:${other.port}/api/events`, {
      headers: { authorization: `Bearer ${other.token}` },
    });
    await new Promise<void>((resolve, reject) => {
      polite.on('open', () => resolve());
      polite.on('error', reject);
    });
    const goodbye = new Promise<number>((resolve) => polite.once('close', (code) => resolve(code)));
    // A raw client that completes the handshake and then never reads or answers anything.
    const silent = net.connect(other.port, '127.0.0.1');
    await new Promise((resolve) => silent.once('connect', resolve));
    silent.write(
      `GET /api/events HTTP/1.1\r\n` +
        `Host: 127.0.0.1:${other.port}\r\n` +
        `Authorization: Bearer ${other.token}\r\n` +
        `Connection: Upgrade\r\n` +
        `Upgrade: websocket\r\n` +
        `Sec-WebSocket-Version: 13\r\n` +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n` +
        `\r\n`,
    );
    await new Promise((resolve) => silent.once('data', resolve));
    silent.pause();
    expect(local.size).toBe(2);
    // A dispose that waited on the silent page would never end: the test's own timeout catches it.
    await other.dispose();
    expect(await goodbye).toBe(1001);
    expect(local.size).toBe(0);
    silent.destroy();
  });

  it('a port in use is PORT_IN_USE, with what to do', async () => {
    await expect(
      startServe({ handlers: service.handlers, subscribe: () => () => {}, port: web.port }),
    ).rejects.toMatchObject({
      code: 'PORT_IN_USE',
      message: expect.stringContaining(`127.0.0.1:${web.port}`),
      hint: expect.stringContaining('--port'),
    });
  });
});
