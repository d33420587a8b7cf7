/**
 * Where the tray's engine is: when a service (`rsync-tray run`/`serve`) already runs for the
 * config, the tray attaches to it over its control socket and shows and controls that engine
 * instead of starting a second one on the same folders and journals; when none runs, the engine
 * is hosted in the app (own-engine.ts) and answers on its config's control socket, so a service
 * started later on that config refuses rather than doubling it. Either way the window, the menu
 * and the log get one AppService: the same contract, the same events.
 *
 * Which socket: RSYNC_TRAY_ATTACH names it (a socket path, or a config file whose socket it is),
 * `off` never attaches; by default it is the socket of the app's own config,
 * `<userData>/config.json`, which a service gets with `--config "<userData>/config.json"`.
 */
import path from 'node:path';
import type { AppService, HostActions } from '../core/service/app-service.ts';
import {
  callControlSocket,
  controlSocketFor,
  subscribeControlSocket,
  type EventStream,
} from '../core/service/control-client.ts';
import { serveControlSocket } from '../core/service/control-server.ts';
import { METHODS, type ApiHandlers, type Method, type MethodInput } from '../shared/contract.ts';
import { RsyncTrayError, type ErrorInfo } from '../shared/errors.ts';
import type { EngineEvent, ProfileStatus } from '../shared/status.ts';
import type { EngineHostState } from './tray-model.ts';

export const ATTACH_ENV = 'RSYNC_TRAY_ATTACH';
/** Values of RSYNC_TRAY_ATTACH that mean "never attach: run the engine in the app". */
const ATTACH_OFF = new Set(['off', '0', 'no', 'false']);

/**
 * The control socket of the app's own config: where the engine hosted here answers (so
 * `rsync-tray status --config <userData>/config.json` reaches it, and a service started on that
 * config refuses instead of doubling it).
 */
export const ownSocket = (userData: string): string => controlSocketFor(path.join(userData, 'config.json'));

/** The socket the tray looks for a running engine at, or null when attaching is switched off. */
export function attachSocket(env: Readonly<Record<string, string | undefined>>, userData: string): string | null {
  const value = env[ATTACH_ENV]?.trim();
  if (value && ATTACH_OFF.has(value.toLowerCase())) return null;
  if (!value) return ownSocket(userData);
  return value.endsWith('.json') ? controlSocketFor(path.resolve(value)) : path.resolve(value);
}

/**
 * Methods answered by the app even when attached: its own preferences (start at login and
 * notifications are the app's, a service has none) and opening a folder on this desktop.
 */
const LOCAL_METHODS = ['preferences.get', 'preferences.set', 'folder.open'] as const satisfies readonly Method[];

/** Calls that can add, remove or rename profiles without a status event for each: the menu refetches. */
const REFETCH_AFTER: ReadonlySet<Method> = new Set([
  'profiles.save',
  'profiles.delete',
  'config.importApply',
  'settings.set',
]);

export interface EngineHost {
  /** What the window (IPC), the menu and the log use, whichever engine is behind it. */
  readonly service: AppService;
  state(): EngineHostState;
  statuses(): ProfileStatus[];
  /** The menu's offer after the service stopped: attach again if it is back, else run the engine here. */
  startOwn(): Promise<void>;
}

export interface EngineHostOptions {
  /** attachSocket(); null hosts the engine here without looking. */
  socket: string | null;
  /** Starts the engine in this app (own-engine.ts). */
  start(): Promise<AppService>;
  /** Where the engine hosted here serves its control socket (ownSocket()). */
  serve: string;
  /** The app's own answers to LOCAL_METHODS while attached. */
  local: Required<Pick<HostActions, 'openFolder' | 'preferences'>>;
  log(level: 'info' | 'warn', message: string): void;
}

type Backend =
  | { kind: 'own'; service: AppService; unsubscribe: () => void; control: { dispose(): Promise<void> } | null }
  | { kind: 'attached'; pid: number; stream: EventStream }
  | { kind: 'lost'; pid: number };

/** What each profile says once the service is gone: not current, and why (never a stale green). */
const lostError = (pid: number): ErrorInfo => ({
  code: 'NOT_RUNNING',
  message: `The service (pid ${pid}) this app was attached to stopped; nothing is syncing.`,
  hint:
    'Choose "Start the engine in this app" in the tray menu: it attaches again if the service is back ' +
    '(`systemctl --user start rsync-tray`), else it runs the engine in the app.',
});

const unwrap = <T>(result: { ok: true; value: T } | { ok: false; error: ErrorInfo }): T => {
  if (result.ok) return result.value;
  throw new RsyncTrayError(result.error.code, result.error.message, result.error.hint);
};

export async function hostOrAttach(o: EngineHostOptions): Promise<EngineHost> {
  const listeners = new Set<(event: EngineEvent) => void>();
  let lastSeq = 0;
  const emit = (event: EngineEvent): void => {
    if (event.type !== 'restore') lastSeq = event.seq;
    for (const l of listeners) l(event);
  };
  /** The attached engine's profiles, as its last snapshot and status events left them. */
  let cache: ProfileStatus[] = [];
  const remember = (s: ProfileStatus): void => {
    const i = cache.findIndex((c) => c.name === s.name);
    cache = i === -1 ? [...cache, s] : cache.map((c, j) => (j === i ? s : c));
  };
  // A placeholder until the first is found: a stream that closes meanwhile is not "lost" (see attach).
  let backend: Backend = { kind: 'lost', pid: 0 };

  const remote = <M extends Method>(socket: string, method: M, input: unknown) =>
    callControlSocket(socket, method, input as MethodInput<M>).then(unwrap);

  const onLost = (pid: number): void => {
    if (backend.kind !== 'attached') return;
    backend = { kind: 'lost', pid };
    const error = lostError(pid);
    o.log('warn', `${error.message} ${error.hint}`);
    cache = cache.map((s) =>
      s.state === 'stopped'
        ? s
        : {
            ...s,
            state: 'error',
            lastError: error,
            targets: s.targets.map((t) => ({ ...t, state: 'error', lastError: error })),
          },
    );
    // Said to the window and the menu as events, numbered on from the service's last one.
    const at = Date.now();
    emit({ type: 'log', level: 'warn', message: `${error.message} ${error.hint}`, seq: lastSeq + 1, at });
    for (const status of cache) emit({ type: 'status', status, seq: lastSeq + 1, at });
  };

  /** Attaches to the socket's engine, or answers why not; NOT_RUNNING means "host it here". */
  const attach = async (socket: string): Promise<Backend> => {
    let early = true;
    let closedEarly = false;
    const stream = await subscribeControlSocket(
      socket,
      (event) => {
        if (early) return; // older than the snapshot below
        if (event.type === 'status') remember(event.status);
        emit(event);
      },
      () => (early ? (closedEarly = true) : onLost(stream.hello.pid)),
    );
    let snapshot: ProfileStatus[];
    try {
      snapshot = await remote(socket, 'status.get', {});
    } catch (error) {
      stream.close();
      throw error;
    }
    // Gone between its hello and its answer: as if it had not answered at all.
    if (closedEarly) throw new RsyncTrayError('NOT_RUNNING', 'The service stopped.', 'Start it again.');
    cache = snapshot;
    early = false;
    o.log('info', `Attached to the service (pid ${stream.hello.pid}) at ${socket}: the engine runs there.`);
    return { kind: 'attached', pid: stream.hello.pid, stream };
  };

  const own = async (): Promise<Backend> => {
    const service = await o.start();
    const unsubscribe = service.subscribe(emit);
    try {
      const control = await serveControlSocket(o.serve, service.handlers, { subscribe: (l) => service.subscribe(l) });
      return { kind: 'own', service, unsubscribe, control };
    } catch (error) {
      // Not worth stopping the backups for (the CLI just cannot reach this engine): said in the log.
      const info = error instanceof RsyncTrayError ? `${error.message} ${error.hint}` : String(error);
      o.log('warn', `The control socket ${o.serve} is not served: ${info}`);
      return { kind: 'own', service, unsubscribe, control: null };
    }
  };

  const firstBackend = async (): Promise<Backend> => {
    if (!o.socket) return own();
    try {
      return await attach(o.socket);
    } catch (error) {
      // Another user's socket (a system service as root) is an error to show, never a reason to
      // run a second engine beside it; only "nothing answers" hosts the engine here.
      if (!(error instanceof RsyncTrayError && error.code === 'NOT_RUNNING')) throw error;
      return own();
    }
  };
  backend = await firstBackend();
  let starting: Promise<void> | null = null;

  const notHere = (): never => {
    const pid = backend.kind === 'own' ? 0 : backend.pid;
    const error = lostError(pid);
    throw new RsyncTrayError(error.code, error.message, error.hint);
  };

  const forward = <M extends Method>(method: M) =>
    (async (input: unknown) => {
      if (backend.kind === 'own') return (backend.service.handlers[method] as (i: unknown) => Promise<unknown>)(input);
      if ((LOCAL_METHODS as readonly Method[]).includes(method)) return local(method, input);
      if (backend.kind === 'lost' || !o.socket) return notHere();
      const value = await remote(o.socket, method, input);
      if (REFETCH_AFTER.has(method)) cache = await remote(o.socket, 'status.get', {});
      return value;
    }) as ApiHandlers[M];

  const local = async (method: Method, input: unknown): Promise<unknown> => {
    if (method === 'preferences.get') return o.local.preferences.get();
    if (method === 'preferences.set')
      return o.local.preferences.set((input as MethodInput<'preferences.set'>).preferences);
    // folder.open: the service knows the profile's folder; this desktop opens it.
    if (backend.kind !== 'attached' || !o.socket) return notHere();
    const { profile } = input as MethodInput<'folder.open'>;
    const profiles = await remote(o.socket, 'profiles.list', {});
    const found = profiles.find((p) => p.name === profile);
    if (!found)
      throw new RsyncTrayError('UNKNOWN_PROFILE', `There is no profile named "${profile}".`, 'Refresh the list.');
    await o.local.openFolder(found.source);
    return null;
  };

  const handlers = Object.fromEntries(METHODS.map((m) => [m, forward(m)])) as unknown as ApiHandlers;

  const service: AppService = {
    handlers,
    engine() {
      if (backend.kind === 'own') return backend.service.engine();
      throw new RsyncTrayError(
        'UNSUPPORTED',
        `The engine runs in the service (pid ${backend.pid}), not in this app.`,
        'Ask it through the API (handlers), as the window does.',
      );
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async dispose() {
      const was = backend;
      if (was.kind === 'own') {
        was.unsubscribe();
        await was.control?.dispose();
        await was.service.dispose();
      } else if (was.kind === 'attached') was.stream.close(); // the service runs on
      listeners.clear();
    },
  };

  return {
    service,
    state: () => (backend.kind === 'own' ? { kind: 'own' } : { kind: backend.kind, pid: backend.pid }),
    statuses: () => (backend.kind === 'own' ? backend.service.engine().status() : cache),
    startOwn() {
      // One at a time: a second click while the first starts must not start a second engine.
      starting ??= (async () => {
        if (backend.kind !== 'lost') return;
        if (o.socket) {
          try {
            backend = await attach(o.socket);
            return;
          } catch (error) {
            if (!(error instanceof RsyncTrayError && error.code === 'NOT_RUNNING')) throw error;
          }
        }
        backend = await own();
        o.log('info', 'The engine now runs in this app.');
      })().finally(() => (starting = null));
      return starting;
    },
  };
}
