/**
 * The browser transport: each call is a POST /api/call (the server runs it through the same
 * dispatch() as IPC), and engine events arrive on a WebSocket at /api/events. The access token
 * travels as the HttpOnly cookie `serve` set when the page was opened, so this code never sees it.
 */
import type { Method, MethodInput, MethodOutputs, Result } from '@shared/contract.ts';
import type { EngineEvent } from '@shared/status.ts';
import { RECONNECT_BACKOFF, REAL_TIMERS, retryDelay, type Timers } from '../connection.ts';
import type { ConnectionState, HostClient, Reach } from './host-client.ts';

export interface HttpClientOptions {
  /** Default: the page's own origin. */
  origin?: string;
  fetch?: typeof fetch;
  WebSocket?: typeof WebSocket;
  /** The first reconnect delay; later ones grow as RECONNECT_BACKOFF says, to its cap. */
  retryMs?: number;
  timers?: Pick<Timers, 'setTimeout' | 'clearTimeout'>;
}

const unreachable = (detail: string): Result<never> => ({
  ok: false,
  error: {
    code: 'NOT_RUNNING',
    message: `The Rsync Tray host does not answer (${detail}).`,
    hint: 'Is `rsync-tray serve` still running? Start it again and open the address it prints.',
  },
});

/** serve answers 401 (no or a stale token) or 403 (not this page) before running anything. */
const refused = (status: number): Result<never> => ({
  ok: false,
  error: {
    code: 'ACCESS_DENIED',
    message: `Rsync Tray refused this window’s login (HTTP ${status}).`,
    hint: 'If it restarted, open the new address printed by `rsync-tray serve`.',
  },
});

export function createHttpClient(options: HttpClientOptions = {}): HostClient {
  // globalThis rather than window: the same code runs in tests under Node.
  const origin = options.origin ?? (globalThis as { location?: { origin: string } }).location?.origin ?? '';
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const WS = options.WebSocket ?? globalThis.WebSocket;
  const eventListeners = new Set<(event: EngineEvent) => void>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  const reachListeners = new Set<(reach: Reach) => void>();
  const timers = options.timers ?? REAL_TIMERS;
  const backoff = { ...RECONNECT_BACKOFF, firstMs: options.retryMs ?? RECONNECT_BACKOFF.firstMs };
  let socket: WebSocket | null = null;
  let state: ConnectionState = 'closed';
  let attempt = 0;
  let retryTimer: unknown = null;

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
      attempt = 0;
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
      retryTimer = timers.setTimeout(
        () => {
          retryTimer = null;
          connect();
        },
        retryDelay(attempt++, backoff),
      );
    };
  };

  /** One POST /api/call, and whether it got to the host at all. */
  async function request<M extends Method>(
    method: M,
    input: MethodInput<M>,
  ): Promise<{ reach: Reach; result: Result<MethodOutputs[M]> }> {
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
      return { reach: 'unreachable', result: unreachable((error as Error).message) };
    }
    const reach: Reach = response.status === 401 || response.status === 403 ? 'refused' : 'ok';
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      // Not serve's JSON: something else answers on this port, or a proxy in between failed.
      return reach === 'refused'
        ? { reach, result: refused(response.status) }
        : { reach: 'unreachable', result: unreachable(`HTTP ${response.status}`) };
    }
    if (body && typeof body === 'object' && 'ok' in body) return { reach, result: body as Result<MethodOutputs[M]> };
    return { reach: 'unreachable', result: unreachable(`HTTP ${response.status}`) };
  }

  return {
    kind: 'browser',
    async call<M extends Method>(method: M, input: MethodInput<M>): Promise<Result<MethodOutputs[M]>> {
      const { reach, result } = await request(method, input);
      for (const l of reachListeners) l(reach);
      return result;
    },
    // A read with no effect; its answer is not reported to onReach (the prober has it already).
    probe: async () => (await request('status.get', {})).reach,
    onEvent(listener) {
      eventListeners.add(listener);
      connect();
      return () => {
        eventListeners.delete(listener);
        if (eventListeners.size === 0) {
          if (retryTimer !== null) timers.clearTimeout(retryTimer);
          retryTimer = null;
          socket?.close();
        }
      };
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(state);
      return () => connectionListeners.delete(listener);
    },
    onReach(listener) {
      reachListeners.add(listener);
      return () => reachListeners.delete(listener);
    },
  };
}
