/**
 * The browser transport: each call is a POST /api/call (the server runs it through the same
 * dispatch() as IPC), and engine events arrive on a WebSocket at /api/events.
 *
 * The access token comes in the fragment of the address `serve` printed (`/#token=…`: a browser
 * never sends the fragment to a server). The page takes it out of the address bar, keeps it in
 * sessionStorage (this tab only; a reload keeps it), and sends it itself: `Authorization: Bearer`
 * on each call, the `token.…` WebSocket subprotocol on the event stream. Never as a cookie: the
 * browser would hand a cookie to every other server on 127.0.0.1 too. Opening an address with a
 * new token (after `serve --new-token`) in this tab replaces it, without a reload.
 */
import type { Method, MethodInput, MethodOutputs, Result } from '@shared/contract.ts';
import type { EngineEvent } from '@shared/status.ts';
import { RECONNECT_BACKOFF, REAL_TIMERS, retryDelay, type Timers } from '../connection.ts';
import type { ConnectionState, HostClient, Reach } from './host-client.ts';

export interface HttpClientOptions {
  /** Default: the page's own origin. */
  origin?: string;
  /** The access token; default: takeToken() (the address's fragment, or this tab's sessionStorage). */
  token?: () => string | null;
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

const STORAGE_KEY = 'rsync-tray-token';
/** The subprotocol serve answers with; the token is offered beside it as `token.TOKEN`. */
export const EVENTS_PROTOCOL = 'rsync-tray';

interface PageGlobals {
  location?: { hash: string; pathname: string; search: string; origin: string };
  history?: { replaceState(data: unknown, unused: string, url?: string): void; state: unknown };
  sessionStorage?: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  addEventListener?: (type: string, listener: () => void) => void;
}

/**
 * The token of this tab: a `#token=…` in the address wins (it is stored, then removed from the
 * address bar); otherwise the one stored before. Null outside a browser, or before any login.
 */
export function takeToken(): string | null {
  const page = globalThis as PageGlobals;
  const fragment = new URLSearchParams((page.location?.hash ?? '').replace(/^#/, ''));
  const given = fragment.get('token');
  if (given) {
    try {
      page.sessionStorage?.setItem(STORAGE_KEY, given);
    } catch {
      // Storage disabled: the token lives as long as this page does.
      memoryToken = given;
    }
    fragment.delete('token');
    const rest = fragment.toString();
    const loc = page.location!;
    page.history?.replaceState(page.history.state, '', `${loc.pathname}${loc.search}${rest ? `#${rest}` : ''}`);
    return given;
  }
  try {
    return page.sessionStorage?.getItem(STORAGE_KEY) ?? memoryToken;
  } catch {
    return memoryToken;
  }
}
let memoryToken: string | null = null;

/** serve answers 401 (no or a stale token) or 403 (not this page) before running anything. */
const refused = (status: number): Result<never> => ({
  ok: false,
  error: {
    code: 'ACCESS_DENIED',
    message: `Rsync Tray refused this window’s login (HTTP ${status}).`,
    hint: 'If its token was replaced (`rsync-tray serve --new-token`), open the new address it printed in this tab.',
  },
});

export function createHttpClient(options: HttpClientOptions = {}): HostClient {
  // globalThis rather than window: the same code runs in tests under Node.
  const origin = options.origin ?? (globalThis as { location?: { origin: string } }).location?.origin ?? '';
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const WS = options.WebSocket ?? globalThis.WebSocket;
  const currentToken = options.token ?? takeToken;
  let token = currentToken();
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
    const url = `${origin.replace(/^http/, 'ws')}/api/events`;
    const ws = token ? new WS(url, [EVENTS_PROTOCOL, `token.${token}`]) : new WS(url);
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
        headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ method, input }),
        credentials: 'omit',
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

  // A new address pasted into this tab (only the fragment differs: no reload) brings a new token;
  // the next try of the stream and of the probe use it.
  (globalThis as PageGlobals).addEventListener?.('hashchange', () => {
    if (options.token) return;
    const next = takeToken();
    if (next && next !== token) {
      token = next;
      socket?.close();
    }
  });

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
