/**
 * Whether the window can trust what it shows: the link to the host. A window whose host went away
 * (serve stopped, restarted, an SSH tunnel dropped) must not keep showing the last green badges
 * or take clicks it cannot deliver; it says so, tries again by itself, and when the host is back
 * fetches everything again, since statuses changed while nobody was listening.
 *
 * The monitor only decides; the facts come from the transport (the event stream opened or closed,
 * a call reached the host or not, a probe) and the timers are injected, so test/ui/connection.test.ts
 * runs it in fake time.
 */
import { formatAgo, formatClock } from '@shared/presenter.ts';
import type { ConnectionState, Reach } from './api/host-client.ts';

export type HostLink =
  /** The first contact: nothing shown yet can be stale. */
  | { state: 'connecting' }
  | { state: 'connected' }
  /** The host does not answer (since: when that was first seen). */
  | { state: 'lost'; since: number }
  /** The host answers but refuses this window's login: `serve` was started with `--new-token`. */
  | { state: 'refused'; since: number };

export interface BackoffPolicy {
  firstMs: number;
  factor: number;
  maxMs: number;
}

/**
 * Retries, of the event stream and of the probe alike. Capped low: the host is on this machine or
 * at the end of a tunnel, a try costs one small request, and a person waits for the window to
 * come back after restarting serve.
 */
export const RECONNECT_BACKOFF: Readonly<BackoffPolicy> = { firstMs: 500, factor: 2, maxMs: 5_000 };

/** The delay before retry number `attempt` (0 = the first). */
export function retryDelay(attempt: number, policy: BackoffPolicy = RECONNECT_BACKOFF): number {
  return Math.min(policy.firstMs * policy.factor ** Math.max(0, attempt), policy.maxMs);
}

/** What the monitor needs of time; globalThis by default, a fake clock in tests. */
export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const REAL_TIMERS: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface MonitorOptions {
  /** One small request: does the host answer, and does it take this window's login? */
  probe(): Promise<Reach>;
  /** Fetches the full state again (the store's refresh). */
  restore(): Promise<void>;
  onChange(link: HostLink): void;
  timers?: Timers;
  policy?: BackoffPolicy;
}

export interface ConnectionMonitor {
  readonly link: HostLink;
  /** The event stream's state, as the transport reports it. */
  stream(state: ConnectionState): void;
  /** After every call: did it reach the host? */
  reached(reach: Reach): void;
  dispose(): void;
}

export function createConnectionMonitor(options: MonitorOptions): ConnectionMonitor {
  const timers = options.timers ?? REAL_TIMERS;
  let link: HostLink = { state: 'connecting' };
  let streamOpen = false;
  let attempt = 0;
  let timer: unknown = null;
  let checking = false;
  let disposed = false;
  /** Bumped by every sign of trouble: a restore that began before one does not count as a success. */
  let epoch = 0;

  const offline = () => link.state === 'lost' || link.state === 'refused';

  function set(next: HostLink): void {
    if (JSON.stringify(next) === JSON.stringify(link)) return;
    link = next;
    options.onChange(next);
  }

  function clearTimer(): void {
    if (timer === null) return;
    timers.clearTimeout(timer);
    timer = null;
  }

  function schedule(): void {
    if (timer !== null || disposed) return;
    timer = timers.setTimeout(
      () => {
        timer = null;
        void check();
      },
      retryDelay(attempt++, options.policy),
    );
  }

  /** Trouble seen: say which (keeping when it began), and keep trying. */
  function trouble(kind: 'lost' | 'refused' | null): void {
    epoch++;
    if (kind) set({ state: kind, since: 'since' in link ? link.since : timers.now() });
    schedule();
  }

  async function check(): Promise<void> {
    if (checking || disposed) return;
    checking = true;
    try {
      // At the first contact the store's own first load is under way; restore() joins it.
      const reach = link.state === 'connecting' ? 'ok' : await options.probe().catch((): Reach => 'unreachable');
      if (disposed) return;
      if (reach !== 'ok') return trouble(reach === 'refused' ? 'refused' : 'lost');
      // The host answers, but without the event stream the window would go stale unseen: wait
      // for it (the transport reopens it on its own backoff; 'open' brings us back here).
      if (!streamOpen) return trouble(offline() ? 'lost' : null);
      const started = epoch;
      await options.restore().catch(() => epoch++);
      if (disposed) return;
      if (epoch !== started || !streamOpen) return trouble(offline() ? null : 'lost');
      attempt = 0;
      clearTimer();
      set({ state: 'connected' });
    } finally {
      checking = false;
    }
  }

  return {
    get link() {
      return link;
    },
    stream(state) {
      if (disposed) return;
      if (state === 'open') {
        streamOpen = true;
        clearTimer();
        void check();
      } else if (state === 'closed') {
        streamOpen = false;
        // Already offline: each failed reopening of the stream says nothing new (a refused
        // login looks the same as a host that is gone); the probe tells them apart.
        trouble(offline() ? null : 'lost');
      }
    },
    reached(reach) {
      if (disposed || reach === 'ok') return;
      // A call that did not reach the host is a fact, not a guess: no need to probe first.
      if (reach === 'refused') trouble('refused');
      else trouble(offline() ? null : 'lost');
    },
    dispose() {
      disposed = true;
      clearTimer();
    },
  };
}

/** The banner's words for a link that is not up; null when there is nothing to say. */
export function describeLink(link: HostLink, now: number): { title: string; detail: string } | null {
  if (link.state === 'connecting') return { title: 'Connecting to Rsync Tray…', detail: '' };
  if (link.state === 'connected') return null;
  const when = `${formatClock(link.since, now, { seconds: true })} (${formatAgo(link.since, now)})`;
  if (link.state === 'refused')
    return {
      title: `Lost the connection to Rsync Tray at ${when}; it now refuses this window’s login.`,
      detail:
        'Its access token was probably replaced (“rsync-tray serve --new-token”). ' +
        'Open the new address it printed in this tab; this window reconnects by itself once you have.',
    };
  return {
    title: `Lost the connection to Rsync Tray at ${when}; trying again…`,
    detail:
      'Until it is back, every state here is unknown and nothing can be changed. If it does not ' +
      'come back, check that “rsync-tray serve” still runs; started on another port, it prints a new address to open.',
  };
}
