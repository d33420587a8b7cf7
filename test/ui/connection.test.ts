/**
 * The window's link to its host, in fake time: a lost host is said at once, retried on a capped
 * backoff, and when it is back everything is fetched again; a login the host refuses (serve
 * given a new token with --new-token) is told apart from a host that is gone; calls made meanwhile send
 * nothing. The browser transport reports which of those a call met.
 */
import { describe, expect, it } from 'vitest';
import type { ProfileStatus } from '../../electron/shared/status.ts';
import type { ConnectionState, HostClient, Reach } from '../../renderer/src/api/host-client.ts';
import { createHttpClient } from '../../renderer/src/api/http-client.ts';
import {
  createConnectionMonitor,
  describeLink,
  RECONNECT_BACKOFF,
  retryDelay,
  type HostLink,
} from '../../renderer/src/connection.ts';
import { createStore } from '../../renderer/src/store.ts';
import { FakeClock, settle } from '../support/fake-clock.ts';

const START = 1_000_000;

/** A monitor over a scripted host: `answer` is what the next probes say. */
function monitorRig() {
  const clock = new FakeClock(START);
  const rig = {
    clock,
    answer: 'unreachable' as Reach,
    probes: [] as number[],
    restores: 0,
    links: [] as HostLink[],
    /** Runs during a restore (a call failing in it, say). */
    duringRestore: null as (() => void) | null,
    monitor: null as unknown as ReturnType<typeof createConnectionMonitor>,
  };
  rig.monitor = createConnectionMonitor({
    probe: async () => {
      rig.probes.push(clock.now() - START);
      return rig.answer;
    },
    restore: async () => {
      rig.restores++;
      rig.duringRestore?.();
    },
    onChange: (link) => rig.links.push(link),
    timers: clock,
  });
  return rig;
}

describe('the retry delays', () => {
  it('double from the first and stop at the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 50].map((a) => retryDelay(a))).toEqual([500, 1_000, 2_000, 4_000, 5_000, 5_000, 5_000]);
    expect(retryDelay(3, { firstMs: 10, factor: 3, maxMs: 100 })).toBe(100);
    expect(RECONNECT_BACKOFF.maxMs).toBe(5_000);
  });
});

describe('the connection monitor', () => {
  it('connects when the stream first opens, fetching the state once', async () => {
    const rig = monitorRig();
    expect(rig.monitor.link).toEqual({ state: 'connecting' });
    rig.monitor.stream('connecting');
    rig.monitor.stream('open');
    await settle();
    expect(rig.restores).toBe(1);
    expect(rig.probes).toEqual([]); // the first load is the probe
    expect(rig.monitor.link).toEqual({ state: 'connected' });
    expect(rig.clock.pendingTimers).toBe(0);
  });

  it('a closed stream is a lost host at once; it is probed on the backoff, capped, until it is back', async () => {
    const rig = monitorRig();
    rig.monitor.stream('open');
    await settle();
    await rig.clock.advance(60_000);
    rig.monitor.stream('closed');
    expect(rig.monitor.link).toEqual({ state: 'lost', since: START + 60_000 });

    await rig.clock.advance(20_000);
    const sinceLoss = rig.probes.map((t) => t - 60_000);
    expect(sinceLoss.slice(0, 6)).toEqual([500, 1_500, 3_500, 7_500, 12_500, 17_500]);
    // Still lost, and since the same moment: the banner's time does not move with each try.
    expect(rig.monitor.link).toEqual({ state: 'lost', since: START + 60_000 });
    expect(rig.restores).toBe(1);

    // The host is back: the transport reopens the stream, the host answers, everything is refetched.
    rig.answer = 'ok';
    rig.monitor.stream('connecting');
    rig.monitor.stream('open');
    await settle();
    expect(rig.restores).toBe(2);
    expect(rig.monitor.link).toEqual({ state: 'connected' });
    expect(rig.clock.pendingTimers).toBe(0);

    // The backoff starts over for the next loss.
    const before = rig.probes.length;
    rig.answer = 'unreachable';
    rig.monitor.stream('closed');
    await rig.clock.advance(500);
    expect(rig.probes.length).toBe(before + 1);
  });

  it('a host that answers but refuses the login says so, and that survives failed stream reopenings', async () => {
    const rig = monitorRig();
    rig.monitor.stream('open');
    await settle();
    rig.monitor.stream('closed');
    await rig.clock.advance(500); // serve is down
    expect(rig.monitor.link.state).toBe('lost');

    rig.answer = 'refused'; // serve is back, with a new token
    await rig.clock.advance(1_000);
    expect(rig.monitor.link).toEqual({ state: 'refused', since: START });
    // The transport keeps trying the stream; each attempt closes again (401), which says nothing new.
    rig.monitor.stream('connecting');
    rig.monitor.stream('closed');
    expect(rig.monitor.link).toEqual({ state: 'refused', since: START });
    await rig.clock.advance(30_000);
    expect(rig.monitor.link.state).toBe('refused');
    expect(rig.restores).toBe(1);

    // The person opened the new address in this tab: the new token is good.
    rig.answer = 'ok';
    await rig.clock.advance(5_000);
    // The host answers, but the stream is not back yet: not connected, and no longer "refused".
    expect(rig.monitor.link).toEqual({ state: 'lost', since: START });
    rig.monitor.stream('open');
    await settle();
    expect(rig.monitor.link).toEqual({ state: 'connected' });
    expect(rig.restores).toBe(2);
  });

  it('a call that does not reach the host, while the stream still looks open, is a loss too', async () => {
    const rig = monitorRig();
    rig.monitor.stream('open');
    await settle();
    rig.monitor.reached('ok');
    expect(rig.monitor.link.state).toBe('connected');
    rig.monitor.reached('unreachable');
    expect(rig.monitor.link).toEqual({ state: 'lost', since: START });
    await rig.clock.advance(500);
    expect(rig.probes).toEqual([500]);
    rig.answer = 'ok';
    await rig.clock.advance(1_000);
    expect(rig.probes).toEqual([500, 1_500]);
    expect(rig.restores).toBe(2);
    expect(rig.monitor.link).toEqual({ state: 'connected' });
  });

  it('a restore during which a call fails is not a reconnection', async () => {
    const rig = monitorRig();
    rig.monitor.stream('open');
    await settle();
    rig.monitor.stream('closed');
    rig.answer = 'ok';
    rig.duringRestore = () => rig.monitor.reached('unreachable');
    rig.monitor.stream('open');
    await settle();
    expect(rig.restores).toBe(2);
    expect(rig.monitor.link.state).toBe('lost');
    rig.duringRestore = null;
    await rig.clock.advance(5_000);
    expect(rig.monitor.link).toEqual({ state: 'connected' });
  });

  it('a first contact that fails is a lost host, not an endless "connecting"', async () => {
    const rig = monitorRig();
    rig.monitor.stream('connecting');
    rig.monitor.stream('closed');
    expect(rig.monitor.link).toEqual({ state: 'lost', since: START });
  });

  it('stops trying once disposed', async () => {
    const rig = monitorRig();
    rig.monitor.stream('closed');
    rig.monitor.dispose();
    expect(rig.clock.pendingTimers).toBe(0);
    await rig.clock.advance(60_000);
    expect(rig.probes).toEqual([]);
  });

  it('the banner says since when, and what to do about a refused login', () => {
    const now = new Date(2025, 0, 1, 12, 2, 0).getTime();
    const since = new Date(2025, 0, 1, 12, 0, 0).getTime();
    expect(describeLink({ state: 'connected' }, now)).toBeNull();
    expect(describeLink({ state: 'lost', since }, now)!.title).toBe(
      'Lost the connection to Rsync Tray at 12:00:00 (2 min ago); trying again…',
    );
    const refused = describeLink({ state: 'refused', since }, now)!;
    expect(refused.title).toBe(
      'Lost the connection to Rsync Tray at 12:00:00 (2 min ago); it now refuses this window’s login.',
    );
    expect(refused.detail).toContain('Open the new address');
    expect(refused.detail).toContain('rsync-tray serve');
  });
});

/** A browser-like host client whose stream, probe and calls the test scripts. */
function scriptedClient(initial: ProfileStatus[]) {
  const host = {
    up: true,
    statuses: initial,
    calls: [] as string[],
    stream: null as ((s: ConnectionState) => void) | null,
    reach: null as ((r: Reach) => void) | null,
  };
  const client: HostClient = {
    kind: 'browser',
    async call(method) {
      host.calls.push(method);
      host.reach?.(host.up ? 'ok' : 'unreachable');
      if (!host.up) return { ok: false, error: { code: 'NOT_RUNNING', message: 'gone', hint: '' } };
      const values: Record<string, unknown> = {
        'status.get': host.statuses,
        'profiles.list': [],
        'activity.list': [],
        'settings.get': { rsyncPath: 'rsync', defaultDebounceMs: 5 },
      };
      return { ok: true, value: (values[method] ?? null) as never };
    },
    onEvent: () => () => {},
    onConnection(listener) {
      host.stream = listener;
      listener('connecting');
      return () => (host.stream = null);
    },
    onReach(listener) {
      host.reach = listener;
      return () => (host.reach = null);
    },
    probe: async () => (host.up ? 'ok' : 'unreachable'),
  };
  return { host, client };
}

const status = (state: ProfileStatus['state']) => ({ name: 'documents', state }) as ProfileStatus;

describe('the store, with the monitor', () => {
  it('the same message twice is one toast, not a stack of copies', () => {
    const { client } = scriptedClient([status('idle')]);
    const store = createStore(client, { timers: new FakeClock(START) });
    store.toast('ok', 'Full sync of "docs" started.');
    store.toast('error', 'Sync failed.');
    store.toast('ok', 'Full sync of "docs" started.');
    expect(store.state.toasts.map((t) => t.text)).toEqual(['Sync failed.', 'Full sync of "docs" started.']);
  });

  it('goes offline with the host, sends nothing meanwhile, and refetches everything when it is back', async () => {
    const clock = new FakeClock(START);
    const { host, client } = scriptedClient([status('idle')]);
    const store = createStore(client, { timers: clock });
    store.start();
    host.stream!('open');
    await settle();
    expect(store.connected).toBe(true);
    expect(store.state.statuses.map((s) => s.state)).toEqual(['idle']);

    host.up = false;
    host.stream!('closed');
    expect(store.connected).toBe(false);
    expect(store.state.link).toEqual({ state: 'lost', since: START });
    const sent = host.calls.length;
    const result = await store.act('sync.now', {});
    expect(result).toBeNull();
    expect(host.calls.length).toBe(sent); // nothing went out
    expect(store.state.toasts.at(-1)?.text).toContain('Not connected');

    // Meanwhile the profile got paused (by the CLI, say); the host comes back.
    const fetches = () => host.calls.filter((c) => c === 'status.get').length;
    const before = fetches();
    host.statuses = [status('paused')];
    host.up = true;
    host.stream!('open');
    await settle();
    expect(store.connected).toBe(true);
    expect(store.state.statuses.map((s) => s.state)).toEqual(['paused']);
    expect(fetches()).toBe(before + 1); // the full refetch (the probe is a request of its own)
    store.dispose();
  });

  it('a transport that cannot lose its host (Electron) is connected from the start, and stays so', async () => {
    const client: HostClient = {
      kind: 'electron',
      call: async () => ({ ok: true, value: [] as never }),
      onEvent: () => () => {},
    };
    const store = createStore(client);
    expect(store.connected).toBe(true);
    expect(store.state.link).toEqual({ state: 'connected' });
    store.start();
    await settle();
    expect(store.connected).toBe(true);
    store.dispose();
  });
});

describe('the browser transport tells the monitor what a call met', () => {
  class FakeSocket {
    static all: FakeSocket[] = [];
    onopen: (() => void) | null = null;
    onmessage: ((m: { data: string }) => void) | null = null;
    onclose: (() => void) | null = null;
    readonly url: string;
    constructor(url: string) {
      this.url = url;
      FakeSocket.all.push(this);
    }
    close() {
      this.onclose?.();
    }
  }
  const answering = (status: number, body: string) =>
    (async () => new Response(body, { status })) as unknown as typeof fetch;

  it('a refused login (HTTP 401) is "refused"; a host that is gone is "unreachable"; the probe reports to no one', async () => {
    const denied = JSON.stringify({ ok: false, error: { code: 'ACCESS_DENIED', message: 'no', hint: '' } });
    const seen: Reach[] = [];
    const client = createHttpClient({ origin: 'http://127.0.0.1:9', fetch: answering(401, denied) });
    client.onReach!((r) => seen.push(r));
    expect(await client.call('status.get', {})).toMatchObject({ ok: false, error: { code: 'ACCESS_DENIED' } });
    expect(await client.probe!()).toBe('refused');
    expect(seen).toEqual(['refused']);

    const gone = createHttpClient({
      origin: 'http://127.0.0.1:9',
      fetch: (async () => {
        throw new TypeError('Failed to fetch');
      }) as unknown as typeof fetch,
    });
    gone.onReach!((r) => seen.push(r));
    await gone.call('status.get', {});
    expect(seen).toEqual(['refused', 'unreachable']);
    expect(await gone.probe!()).toBe('unreachable');

    // An error of the method itself reached the host: it is a result like any other.
    const fine = createHttpClient({ origin: 'http://127.0.0.1:9', fetch: answering(200, denied) });
    fine.onReach!((r) => seen.push(r));
    await fine.call('test.connection' as never, {} as never);
    expect(seen.at(-1)).toBe('ok');
  });

  it('the event stream is reopened on the same capped backoff, in the injected time', async () => {
    FakeSocket.all = [];
    const clock = new FakeClock(START);
    const client = createHttpClient({
      origin: 'http://127.0.0.1:9',
      WebSocket: FakeSocket as unknown as typeof WebSocket,
      timers: clock,
    });
    client.onEvent(() => {});
    const opened: number[] = [];
    for (let i = 0; i < 6; i++) {
      const before = FakeSocket.all.length;
      FakeSocket.all.at(-1)!.close();
      await clock.advance(clock.nextAt! - clock.now());
      expect(FakeSocket.all.length).toBe(before + 1);
      opened.push(clock.now() - START);
    }
    const gaps = opened.map((t, i) => t - (opened[i - 1] ?? 0));
    expect(gaps).toEqual([500, 1_000, 2_000, 4_000, 5_000, 5_000]);
    // Once open, the next drop starts over from the first delay.
    FakeSocket.all.at(-1)!.onopen!();
    FakeSocket.all.at(-1)!.close();
    expect(clock.nextAt! - clock.now()).toBe(500);
  });
});
