/**
 * The browser transport: each call is a POST /api/call (the server runs it through the same
 * dispatch() as IPC), and engine events arrive on a WebSocket at /api/events. The access token
 * travels as the HttpOnly cookie `serve` set when the page was opened, so this code never sees it.
 */
import type { Method, MethodInput, MethodOutputs, Result } from '@shared/contract.ts';
import type { EngineEvent } from '@shared/status.ts';
import type { ConnectionState, HostClient } from './host-client.ts';

export interface HttpClientOptions {
  /** Default: the page's own origin. */
  origin?: string;
  fetch?: typeof fetch;
  WebSocket?: typeof WebSocket;
  /** Reconnect delays grow from this to 5 s. */
  retryMs?: number;
}

const unreachable = (detail: string): Result<never> => ({
  ok: false,
  error: {
    code: 'NOT_RUNNING',
    message: `The Rsync Tray host does not answer (${detail}).`,
    hint: 'Is `rsync-tray serve` still running? Start it again and open the address it prints.',
  },
});

export function createHttpClient(options: HttpClientOptions = {}): HostClient {
  // globalThis rather than window: the same code runs in tests under Node.
  const origin = options.origin ?? (globalThis as { location?: { origin: string } }).location?.origin ?? '';
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const WS = options.WebSocket ?? globalThis.WebSocket;
  const eventListeners = new Set<(event: EngineEvent) => void>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let socket: WebSocket | null = null;
  let state: ConnectionState = 'closed';
  let retryDelay = options.retryMs ?? 500;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    for (const l of connectionListeners) l(next);
  };

  const connect = () => {
    if (socket || eventListeners.size === 0) return;
    setState('connecting');
    const ws = new WS(`${origin.replace(/^http/, 'ws')}/api/events`);
    socket = ws;
    ws.onopen = () => {
      retryDelay = options.retryMs ?? 500;
      setState('open');
    };
    ws.onmessage = (message: { data: unknown }) => {
      let event: EngineEvent;
      try {
        event = JSON.parse(String(message.data)) as EngineEvent;
      } catch {
        return;
      }
      for (const l of eventListeners) l(event);
    };
    ws.onclose = () => {
      socket = null;
      setState('closed');
      if (eventListeners.size === 0) return;
      retryTimer = setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 5_000);
    };
  };

  return {
    kind: 'browser',
    async call<M extends Method>(method: M, input: MethodInput<M>): Promise<Result<MethodOutputs[M]>> {
      let response: Response;
      try {
        response = await doFetch(`${origin}/api/call`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ method, input }),
          credentials: 'same-origin',
          cache: 'no-store',
        });
      } catch (error) {
        return unreachable((error as Error).message);
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        return unreachable(`HTTP ${response.status}`);
      }
      if (body && typeof body === 'object' && 'ok' in body) return body as Result<MethodOutputs[M]>;
      return unreachable(`HTTP ${response.status}`);
    },
    onEvent(listener) {
      eventListeners.add(listener);
      connect();
      return () => {
        eventListeners.delete(listener);
        if (eventListeners.size === 0) {
          clearTimeout(retryTimer);
          socket?.close();
        }
      };
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(state);
      return () => connectionListeners.delete(listener);
    },
  };
}
