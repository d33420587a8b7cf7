/**
 * The window's state: statuses, profiles, activity and settings from the host, kept current by
 * engine events. Events carry a sequence number; a gap (or a reconnect) means some were missed,
 * and everything is fetched again rather than guessed. Whether the host is there at all is the
 * connection monitor's (connection.ts) `link`; `connected` is what the badges and the window's
 * actions consult.
 */
import { inject, reactive, type InjectionKey } from 'vue';
import type { Method, MethodInput, MethodOutputs, Result } from '@shared/contract.ts';
import type { EngineEvent, ErrorInfo, LogLevel, ProfileStatus, RestoreProgress, RunRecord } from '@shared/status.ts';
import type { Profile, Settings } from '@shared/profile-schema.ts';
import type { HostClient } from './api/host-client.ts';
import { createConnectionMonitor, type HostLink, type Timers } from './connection.ts';
import { deletionQuestion } from './deletions.ts';

export interface Notice {
  id: number;
  at: number;
  level: LogLevel;
  profile: string | null;
  message: string;
}

export interface Toast {
  id: number;
  kind: 'ok' | 'error';
  text: string;
  hint?: string;
}

const RUNS_KEPT = 500;
const NOTICES_KEPT = 300;

/** What a call made while the host is away answers: nothing was sent. */
const OFFLINE: ErrorInfo = {
  code: 'NOT_RUNNING',
  message: 'Not connected to Rsync Tray: nothing was sent.',
  hint: 'Wait until the window has reconnected (the banner at the top goes away), then try again.',
};

export function createStore(client: HostClient, options: { timers?: Timers } = {}) {
  const state = reactive({
    loaded: false,
    loadError: null as ErrorInfo | null,
    /** A transport that cannot lose its host (the Electron preload) is connected for good. */
    link: (client.onConnection ? { state: 'connecting' } : { state: 'connected' }) as HostLink,
    statuses: [] as ProfileStatus[],
    profiles: [] as Profile[],
    runs: [] as RunRecord[],
    notices: [] as Notice[],
    settings: null as Settings | null,
    toasts: [] as Toast[],
    /** The latest progress of each profile's restore, with when it came (RestoreFlow shows the newest of its run). */
    restoring: {} as Record<string, { progress: RestoreProgress; at: number }>,
    /** Ticks every second, so "2 min ago" stays true. */
    now: Date.now(),
  });
  let lastSeq: number | null = null;
  let nextId = 1;
  let refreshing: Promise<void> | null = null;
  /** Events that arrive while a snapshot is being fetched: newer than it, applied after it. */
  let held: EngineEvent[] | null = null;

  /**
   * False once the host is lost or refuses the login, until it is back. True at the first
   * contact: nothing is shown yet that could be stale, and the first load must go through.
   */
  const isConnected = () => state.link.state === 'connected' || state.link.state === 'connecting';

  /** A person's action while the host is away does nothing (the buttons are disabled too). */
  async function call<M extends Method>(method: M, input: MethodInput<M>): Promise<Result<MethodOutputs[M]>> {
    if (!isConnected()) return { ok: false, error: OFFLINE };
    return client.call(method, input);
  }

  function toast(kind: Toast['kind'], text: string, hint?: string): void {
    const id = nextId++;
    // The same message again (Sync now pressed twice) replaces the first, not a stack of copies.
    const same = state.toasts.findIndex((t) => t.kind === kind && t.text === text);
    if (same !== -1) state.toasts.splice(same, 1);
    state.toasts.push({ id, kind, text, hint });
    if (state.toasts.length > 3) state.toasts.shift();
    if (kind === 'ok') setTimeout(() => dismiss(id), 4_000);
  }
  function dismiss(id: number): void {
    const i = state.toasts.findIndex((t) => t.id === id);
    if (i !== -1) state.toasts.splice(i, 1);
  }
  /**
   * Runs a method; on failure shows what went wrong and what to do and returns null. Success is
   * `{ value }`, since many methods answer a plain null.
   */
  async function act<M extends Method>(
    method: M,
    input: MethodInput<M>,
    done?: string,
  ): Promise<{ value: MethodOutputs[M] } | null> {
    const result = await call(method, input);
    if (!result.ok) {
      toast('error', result.error.message, result.error.hint);
      return null;
    }
    if (done) toast('ok', done);
    return { value: result.value };
  }

  async function load(): Promise<void> {
    // Straight to the client: this is also how the connection monitor brings the window back.
    const [statuses, profiles, runs, settings] = await Promise.all([
      client.call('status.get', {}),
      client.call('profiles.list', {}),
      client.call('activity.list', { limit: RUNS_KEPT }),
      client.call('settings.get', {}),
    ]);
    const failed = [statuses, profiles, runs, settings].find((r) => !r.ok);
    if (failed && !failed.ok) {
      state.loadError = failed.error;
      return;
    }
    state.loadError = null;
    if (statuses.ok) state.statuses = statuses.value;
    if (profiles.ok) state.profiles = profiles.value;
    if (runs.ok) state.runs = runs.value;
    if (settings.ok) state.settings = settings.value;
    state.loaded = true;
  }

  function refresh(): Promise<void> {
    refreshing ??= (async () => {
      held = [];
      try {
        await load();
      } finally {
        const replay = held;
        held = null;
        refreshing = null;
        for (const event of replay) applyBody(event);
      }
    })();
    return refreshing;
  }

  const sameRun = (a: RunRecord, b: RunRecord) =>
    a.startedAt === b.startedAt && a.target === b.target && a.profile === b.profile && a.kind === b.kind;

  function noteStatus(next: ProfileStatus, before: ProfileStatus | undefined): void {
    if (next.state === 'needs-confirmation' && before?.state !== 'needs-confirmation') {
      // The hold's own reason ("the source folder is empty …"), as the prompt shows it.
      const why = deletionQuestion(next)?.message ?? 'Deletions are held back.';
      addNotice({ level: 'warn', profile: next.name, message: `Needs confirmation: ${why}` });
    }
  }

  function addNotice(n: Omit<Notice, 'id' | 'at'> & { at?: number }): void {
    state.notices.unshift({
      id: nextId++,
      at: n.at ?? Date.now(),
      level: n.level,
      profile: n.profile,
      message: n.message,
    });
    if (state.notices.length > NOTICES_KEPT) state.notices.length = NOTICES_KEPT;
  }

  function apply(event: EngineEvent): void {
    // A restore's progress is no engine event: it repeats the last number (app-service.ts), no gap.
    if (event.type === 'restore') {
      state.restoring[event.profile] = { progress: event.progress, at: event.at };
      return;
    }
    const gap = lastSeq !== null && event.seq !== lastSeq + 1;
    lastSeq = event.seq;
    if (held) held.push(event);
    else {
      applyBody(event);
      if (gap) void refresh();
    }
  }

  function applyBody(event: EngineEvent): void {
    switch (event.type) {
      case 'status': {
        const i = state.statuses.findIndex((s) => s.name === event.status.name);
        noteStatus(event.status, state.statuses[i]);
        if (i === -1) state.statuses.push(event.status);
        else state.statuses[i] = event.status;
        break;
      }
      case 'run':
        // A run can be both in a fresh snapshot and in the events held while it was fetched.
        if (state.runs.some((r) => sameRun(r, event.run))) break;
        state.runs.unshift(event.run);
        if (state.runs.length > RUNS_KEPT) state.runs.length = RUNS_KEPT;
        break;
      case 'log':
        addNotice({ level: event.level, profile: event.profile ?? null, message: event.message, at: event.at });
        break;
    }
  }

  const disposers: Array<() => void> = [];
  function start(): void {
    disposers.push(client.onEvent(apply));
    if (client.onConnection) {
      const monitor = createConnectionMonitor({
        probe: client.probe ?? (async () => 'ok'),
        // Statuses changed while nobody listened (and a restarted host numbers its events anew).
        restore: () => {
          lastSeq = null;
          return refresh();
        },
        onChange: (link) => (state.link = link),
        timers: options.timers,
      });
      disposers.push(
        client.onConnection((c) => monitor.stream(c)),
        () => monitor.dispose(),
      );
      if (client.onReach) disposers.push(client.onReach((r) => monitor.reached(r)));
    }
    const timer = setInterval(() => (state.now = Date.now()), 1_000);
    disposers.push(() => clearInterval(timer));
    void refresh();
  }

  const statusOf = (name: string): ProfileStatus | undefined => state.statuses.find((s) => s.name === name);
  const profileOf = (name: string): Profile | undefined => state.profiles.find((p) => p.name === name);

  return {
    state,
    get connected() {
      return isConnected();
    },
    client,
    call,
    act,
    toast,
    dismiss,
    refresh,
    start,
    statusOf,
    profileOf,
    dispose: () => disposers.splice(0).forEach((d) => d()),
  };
}

export type Store = ReturnType<typeof createStore>;
export const STORE: InjectionKey<Store> = Symbol('store');

export function useStore(): Store {
  const store = inject(STORE);
  if (!store) throw new Error('useStore() outside the app: provide STORE first');
  return store;
}
