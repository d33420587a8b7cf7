/**
 * The control socket's event stream (what the tray app attached to a service listens to): one
 * {"subscribe": "events"} line gets the engine's pid, then its events in order, on the same
 * owner-only socket as the requests; closing the engine ends the stream and is heard as such.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { callControlSocket, subscribeControlSocket } from '../../electron/core/service/control-client.ts';
import { serveControlSocket } from '../../electron/core/service/control-server.ts';
import { METHODS, type ApiHandlers } from '../../electron/shared/contract.ts';
import type { EngineEvent } from '../../electron/shared/status.ts';
import { poll } from '../support/sync-fixture.ts';

const handlers = Object.fromEntries(
  METHODS.map((m) => [m, async () => (m === 'status.get' ? [] : null)]),
) as unknown as ApiHandlers;

let dir: string;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const log = (n: number): EngineEvent => ({ type: 'log', level: 'info', message: `line ${n}`, seq: n, at: n });

describe('control socket event stream', () => {
  it('says who answers, streams events in order beside ordinary requests, and ends when the engine stops', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-stream-'));
    const socket = path.join(dir, 'run', 'config.control.sock');
    const listeners = new Set<(e: EngineEvent) => void>();
    const control = await serveControlSocket(socket, handlers, {
      subscribe(l) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    });
    const got: EngineEvent[] = [];
    let closed = 0;
    const stream = await subscribeControlSocket(
      socket,
      (e) => got.push(e),
      () => closed++,
    );
    expect(stream.hello.pid).toBe(process.pid);
    expect(listeners.size).toBe(1);
    for (let n = 1; n <= 50; n++) for (const l of listeners) l(log(n));
    // A request on its own connection is answered while the stream is open.
    expect(await callControlSocket(socket, 'status.get', {})).toEqual({ ok: true, value: [] });
    await poll(
      () => (got.length === 50 ? true : undefined),
      5_000,
      () => `${got.length} events`,
    );
    expect(got.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));

    // Stopping the engine ends the stream (dispose does not wait for it forever) and the client hears it.
    await control.dispose();
    await poll(
      () => (closed === 1 ? true : undefined),
      5_000,
      () => 'onClose was not called',
    );
    expect(listeners.size).toBe(0);
  });

  it('an engine without a stream says so; the client closing its stream is not "the engine stopped"', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-stream-'));
    const plain = path.join(dir, 'run', 'plain.control.sock');
    const server = await serveControlSocket(plain, handlers);
    await expect(
      subscribeControlSocket(
        plain,
        () => {},
        () => {},
      ),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'This engine does not stream its events.' });
    await server.dispose();

    const socket = path.join(dir, 'run', 'config.control.sock');
    const listeners = new Set<(e: EngineEvent) => void>();
    const control = await serveControlSocket(socket, handlers, {
      subscribe(l) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    });
    let closed = 0;
    const stream = await subscribeControlSocket(
      socket,
      () => {},
      () => closed++,
    );
    stream.close();
    await poll(
      () => (listeners.size === 0 ? true : undefined),
      5_000,
      () => 'the server kept the listener of a closed stream',
    );
    expect(closed).toBe(0);
    await control.dispose();
    await expect(
      subscribeControlSocket(
        socket,
        () => {},
        () => {},
      ),
    ).rejects.toMatchObject({ code: 'NOT_RUNNING' });
  });
});
