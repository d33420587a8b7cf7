/**
 * sd_notify as systemd sees it: a unix datagram socket (NOTIFY_SOCKET) the test listens on
 * (Python, since Node has none), the real systemd-notify sending, the real clock and event loop.
 * READY and STATUS, watchdog pings at half WATCHDOG_USEC, a blocked loop and an unhealthy engine
 * that stop pinging, an abstract socket, and the engine host itself (`rsync-tray run`).
 */
import { execa, type ResultPromise } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../electron/core/sync/clock.ts';
import { startNotifier, watchdogInterval, type Notifier } from '../../electron/headless/service/sd-notify.ts';
import { FakeClock, settle } from '../support/fake-clock.ts';

/** Each datagram as {at: epoch ms when it arrived, fields}. Stamped in Python: the test's own loop may be blocked. */
const LISTENER = `
import json, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1].replace('@', '\\0', 1) if sys.argv[1].startswith('@') else sys.argv[1])
print(json.dumps({"at": 0, "text": "LISTENING"}), flush=True)
while True:
    data = s.recv(65536)  # passed fds (systemd-notify's barrier) are closed unread: the barrier ends
    print(json.dumps({"at": time.time() * 1000, "text": data.decode()}), flush=True)
`;

interface Datagram {
  at: number;
  fields: Record<string, string>;
}

let dir: string;
let listener: ResultPromise | undefined;
let received: Datagram[];
let notifier: Notifier | undefined;

async function listen(address: string): Promise<void> {
  received = [];
  listener = execa('python3', ['-c', LISTENER, address], { reject: false, buffer: false });
  let buffered = '';
  let listening = false;
  listener.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const { at, text } = JSON.parse(buffered.slice(0, nl)) as { at: number; text: string };
      buffered = buffered.slice(nl + 1);
      if (text === 'LISTENING') listening = true;
      else received.push({ at, fields: Object.fromEntries(text.split('\n').map((l) => l.split(/=(.*)/s, 2))) });
    }
  });
  await poll(() => listening, 5_000);
}

/** Waits until cond() holds, or fails saying what was received. */
async function poll(cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms; received ${JSON.stringify(received.map((d) => d.fields))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const pings = () => received.filter((d) => d.fields.WATCHDOG === '1');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rt-notify-'));
});
afterEach(async () => {
  await notifier?.stopping();
  notifier = undefined;
  listener?.kill();
  await listener;
  await rm(dir, { recursive: true, force: true });
});

function notify(env: NodeJS.ProcessEnv, healthy: () => boolean = () => true, status = () => '1 profile current') {
  notifier = startNotifier({ env: { ...process.env, ...env }, clock: systemClock, status, healthy, warn: () => {} });
  return notifier;
}

describe('sd_notify through systemd-notify', () => {
  it('sends READY=1 with a STATUS line, then a WATCHDOG=1 every half WATCHDOG_USEC', async () => {
    const socket = path.join(dir, 'notify.sock');
    await listen(socket);
    const n = notify({ NOTIFY_SOCKET: socket, WATCHDOG_USEC: '400000' });
    expect(n.pingEveryMs).toBe(200);
    await n.ready();
    await poll(() => received.length > 0, 5_000);
    expect(received[0]?.fields).toMatchObject({ READY: '1', STATUS: '1 profile current' });
    await poll(() => pings().length >= 4, 5_000);
    const times = pings().map((p) => p.at);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThan(100);
    await n.stopping();
    await poll(() => received.some((d) => d.fields.STOPPING === '1'), 5_000);
    const count = pings().length;
    await sleep(500);
    expect(pings().length).toBe(count);
  });

  it('stops pinging while the event loop is blocked, and starts again after', async () => {
    const socket = path.join(dir, 'notify.sock');
    await listen(socket);
    const n = notify({ NOTIFY_SOCKET: socket, WATCHDOG_USEC: '200000' });
    await n.ready();
    await poll(() => pings().length >= 3, 5_000);
    const blockedFrom = Date.now();
    while (Date.now() - blockedFrom < 1_200); // a stalled loop: nothing of ours runs
    const blockedTo = Date.now();
    await poll(() => pings().some((p) => p.at > blockedTo + 150), 5_000);
    const during = pings().filter((p) => p.at > blockedFrom + 150 && p.at < blockedTo);
    expect(during).toEqual([]);
  });

  it('stops pinging while the engine is not healthy', async () => {
    const socket = path.join(dir, 'notify.sock');
    await listen(socket);
    let healthy = true;
    const n = notify({ NOTIFY_SOCKET: socket, WATCHDOG_USEC: '200000' }, () => healthy);
    await n.ready();
    await poll(() => pings().length >= 2, 5_000);
    healthy = false;
    await sleep(300); // a send already under way may still arrive
    const count = pings().length;
    await sleep(600);
    expect(pings().length).toBe(count);
    healthy = true;
    await poll(() => pings().length > count, 5_000);
  });

  it('reaches an abstract socket (@name)', async () => {
    const name = `@rsync-tray-test-${process.pid}-${Date.now()}`;
    await listen(name);
    await notify({ NOTIFY_SOCKET: name }).ready();
    await poll(() => received.some((d) => d.fields.READY === '1'), 5_000);
  });
});

describe('sd_notify without systemd, and its timing', () => {
  it('does nothing without NOTIFY_SOCKET', async () => {
    const sent: unknown[] = [];
    const clock = new FakeClock();
    const env = { WATCHDOG_USEC: '1000000' };
    const n = startNotifier({
      env,
      clock,
      status: () => 'x',
      healthy: () => true,
      warn: () => {},
      send: async (f) => void sent.push(f),
    });
    await n.ready();
    await clock.advance(10_000);
    await settle();
    expect(n.active).toBe(false);
    expect(sent).toEqual([]);
  });

  it('pings at half WATCHDOG_USEC on the clock, refreshes STATUS when it changes, and warns once', async () => {
    const sent: Record<string, string>[] = [];
    const warnings: string[] = [];
    const clock = new FakeClock();
    let status = '1 profile syncing, no sync yet';
    const n = startNotifier({
      env: { NOTIFY_SOCKET: '/nowhere', WATCHDOG_USEC: '60000000' },
      clock,
      status: () => status,
      healthy: () => true,
      warn: (w) => warnings.push(w),
      send: async (f) => {
        sent.push(f);
        if (f.WATCHDOG) throw new Error('systemd-notify: not found');
      },
      statusEveryMs: 10_000,
    });
    await n.ready();
    expect(sent).toEqual([{ READY: '1', STATUS: '1 profile syncing, no sync yet' }]);
    await clock.advance(29_999);
    await settle();
    expect(sent.filter((f) => f.WATCHDOG)).toHaveLength(0);
    await clock.advance(1);
    await settle();
    expect(sent.filter((f) => f.WATCHDOG)).toHaveLength(1);
    status = '1 profile current, last sync 12:03';
    await clock.advance(30_000);
    await settle();
    expect(sent.filter((f) => f.WATCHDOG)).toHaveLength(2);
    expect(sent.filter((f) => f.STATUS === status)).toHaveLength(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('systemd-notify');
    await n.stopping();
  });

  it('reads WATCHDOG_USEC only when WATCHDOG_PID is this process', () => {
    expect(watchdogInterval({ WATCHDOG_USEC: '60000000' }, 42)).toBe(30_000);
    expect(watchdogInterval({ WATCHDOG_USEC: '60000000', WATCHDOG_PID: '42' }, 42)).toBe(30_000);
    expect(watchdogInterval({ WATCHDOG_USEC: '60000000', WATCHDOG_PID: '7' }, 42)).toBeNull();
    expect(watchdogInterval({}, 42)).toBeNull();
  });
});

describe('the engine host under systemd (`rsync-tray run`)', () => {
  it('says READY=1 with its status once up, and STOPPING=1 on SIGTERM', async () => {
    const socket = path.join(dir, 'notify.sock');
    await listen(socket);
    const config = path.join(dir, 'config.json');
    await writeFile(config, JSON.stringify({ version: 2, profiles: [] }));
    const run = execa(process.execPath, [path.resolve('bin/rsync-tray.mjs'), 'run', '--config', config], {
      reject: false,
      env: { RSYNC_TRAY_HOME: dir, NOTIFY_SOCKET: socket, WATCHDOG_USEC: '400000' },
    });
    try {
      await poll(() => received.some((d) => d.fields.READY === '1'), 15_000);
      expect(received.find((d) => d.fields.READY)?.fields.STATUS).toMatch(/^no profiles/);
      await poll(() => pings().length >= 2, 5_000);
      run.kill('SIGTERM');
      const done = await run;
      expect(done.exitCode, done.stderr).toBe(0);
      expect(received.some((d) => d.fields.STOPPING === '1')).toBe(true);
    } finally {
      run.kill('SIGKILL');
    }
  });
});
