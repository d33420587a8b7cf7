/**
 * The control socket of a running engine, on a real Unix socket: whatever a client sends, the
 * engine keeps running, that connection gets an error reply it can read, and the socket serves on.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callControlSocket, MAX_REQUEST_CHARS, serveControlSocket } from '../../electron/headless/control-socket.ts';
import type { ApiHandlers } from '../../electron/shared/contract.ts';

let dir: string;
let socketPath: string;
let control: { dispose(): Promise<void> } | undefined;
let calls: number;

// Only what these tests call; dispatch validates every method name against the contract first.
const handlers = {
  'status.get': async () => {
    calls++;
    return [];
  },
} as unknown as ApiHandlers;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-socket-'));
  socketPath = path.join(dir, 'control.sock');
  calls = 0;
  control = await serveControlSocket(socketPath, handlers);
});
afterEach(async () => {
  await control?.dispose();
  control = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** A client on one connection: send raw text, read reply lines in order. */
async function connect(): Promise<{ send(text: string): void; next(): Promise<unknown>; close(): void }> {
  const socket = net.connect(socketPath);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.setEncoding('utf8');
  const lines: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  let buffer = '';
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const waiter = waiting.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  return {
    send: (text) => socket.write(text),
    next: () =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no reply within 5 s')), 5_000);
        const take = (line: string) => {
          clearTimeout(timer);
          resolve(JSON.parse(line));
        };
        const ready = lines.shift();
        if (ready !== undefined) take(ready);
        else waiting.push(take);
      }),
    close: () => socket.destroy(),
  };
}

const refused = (message: RegExp) => ({
  ok: false,
  error: { code: 'BAD_REQUEST', message: expect.stringMatching(message), hint: expect.any(String) },
});

describe('control socket', () => {
  it('answers a request', async () => {
    expect(await callControlSocket(socketPath, 'status.get', {})).toEqual({ ok: true, value: [] });
  });

  it.each([
    ['null', /^The request is null, not a JSON object\.$/],
    ['42', /^The request is a number \(42\), not a JSON object\.$/],
    ['[]', /^The request is a list, not a JSON object\.$/],
    ['"x"', /^The request is a string \("x"\), not a JSON object\.$/],
    ['{}', /^The request has no "method"\.$/],
    ['{"method":5}', /^The request's "method" is a number \(5\), not a name\.$/],
    ['{"method":null}', /^The request's "method" is null, not a name\.$/],
    ['not json', /^The request is not JSON \(.+\)\.$/],
    ['{"method": "status.get"', /^The request is not JSON \(.+\)\.$/],
  ])('%s gets BAD_REQUEST on its connection, which then carries on', async (line, message) => {
    const client = await connect();
    try {
      client.send(`${line}\n`);
      const reply = await client.next();
      expect(reply).toEqual(refused(message));
      expect((reply as { error: { hint: string } }).error.hint).toContain('Send one JSON object per line');
      client.send('{"method":"status.get"}\n');
      expect(await client.next()).toEqual({ ok: true, value: [] });
    } finally {
      client.close();
    }
  });

  it('an unknown method or a bad input is answered by the contract check', async () => {
    const client = await connect();
    try {
      client.send('{"method":"nope"}\n{"method":"status.get","input":{"x":1}}\n');
      expect(await client.next()).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
      expect(await client.next()).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      expect(calls).toBe(0);
    } finally {
      client.close();
    }
  });

  it('replies come in the order the requests were sent', async () => {
    const client = await connect();
    try {
      client.send('{"method":"status.get"}\nnull\n{"method":"status.get"}\n[]\n');
      const replies = [await client.next(), await client.next(), await client.next(), await client.next()];
      expect(replies.map((r) => (r as { ok: boolean }).ok)).toEqual([true, false, true, false]);
    } finally {
      client.close();
    }
  });

  it('a line longer than the limit is refused once and skipped, not buffered; the next line is read', async () => {
    const client = await connect();
    try {
      // Sent in pieces, as a big write arrives: the refusal comes before the line ends.
      const piece = 'x'.repeat(1024 * 1024);
      for (let sent = 0; sent <= MAX_REQUEST_CHARS; sent += piece.length) client.send(piece);
      expect(await client.next()).toEqual(refused(/^The request is longer than 12 MiB; it was not read\.$/));
      client.send(`${piece}${piece}\n{"method":"status.get"}\n`);
      expect(await client.next()).toEqual({ ok: true, value: [] });
    } finally {
      client.close();
    }
  });

  it('a client that hangs up before its reply harms nobody else', async () => {
    const rude = await connect();
    rude.send('{"method":"status.get"}\nnull\n');
    rude.close();
    expect(await callControlSocket(socketPath, 'status.get', {})).toEqual({ ok: true, value: [] });
  });
});
