/**
 * sd_notify for `Type=notify` units: READY=1, STATUS=… and the watchdog's WATCHDOG=1.
 *
 * How the message is sent: Node cannot. The protocol is one datagram on a unix socket
 * (NOTIFY_SOCKET), and Node has no unix datagram sockets: node:dgram speaks only udp4/udp6 and
 * node:net only stream sockets, so no pure-Node trick exists. A native addon (the sd-notify
 * packages on npm) would need a compiler on every machine that installs us, and socat is one more
 * package; so each message is handed to `systemd-notify`, which ships with systemd itself (it is
 * there wherever a unit runs). Its cost, one short process per message, is paid at most every half
 * watchdog interval. The unit says NotifyAccess=all, because the sender is a child of the engine,
 * not its main process; the PID race (the child exits before systemd reads its cgroup) is closed
 * by systemd-notify's own BARRIER=1 wait (systemd >= 246), so no --pid is needed.
 *
 * Without NOTIFY_SOCKET (not started by systemd) every call is a no-op. An abstract socket
 * ("@name") is passed on as it is: systemd-notify resolves it. A failed send is reported once and
 * never stops the engine: a service without status lines still backs up.
 */
import { execFile } from 'node:child_process';
import type { Clock, TimerHandle } from '../../core/sync/clock.ts';

/** A hung systemd-notify (a listener that never answers the barrier) is not waited on longer. */
const SEND_TIMEOUT_MS = 5_000;

export type SendNotify = (fields: Record<string, string>) => Promise<void>;

/** The real sender: systemd-notify with the fields as KEY=VALUE arguments (never a secret in them). */
export function systemdNotifySender(env: NodeJS.ProcessEnv, program = 'systemd-notify'): SendNotify {
  return (fields) =>
    new Promise((resolve, reject) => {
      const args = Object.entries(fields).map(([k, v]) => `${k}=${v.replaceAll('\n', ' ')}`);
      execFile(program, args, { env, timeout: SEND_TIMEOUT_MS }, (error) => (error ? reject(error) : resolve()));
    });
}

export interface NotifierOptions {
  env?: NodeJS.ProcessEnv;
  clock: Clock;
  /** The line `systemctl status` shows, read again before every STATUS= update. */
  status(): string;
  /** Whether the engine's own loop is healthy; false holds the watchdog ping back. */
  healthy(): boolean;
  /** Where a failed send is reported (once). */
  warn(text: string): void;
  send?: SendNotify;
  /** How often STATUS= is refreshed when it changes; default 10 s. */
  statusEveryMs?: number;
}

export interface Notifier {
  /** True when systemd listens (NOTIFY_SOCKET is set). */
  readonly active: boolean;
  /** The watchdog ping interval in ms (half of WATCHDOG_USEC), or null without a watchdog. */
  readonly pingEveryMs: number | null;
  /** READY=1 with the first STATUS=; starts the watchdog and the status refresh. */
  ready(): Promise<void>;
  /** STOPPING=1 and no more pings. */
  stopping(): Promise<void>;
}

/** WATCHDOG_USEC, when it is meant for this process (WATCHDOG_PID unset or ours). */
export function watchdogInterval(env: NodeJS.ProcessEnv, pid = process.pid): number | null {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isFinite(usec) || usec <= 0) return null;
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== pid) return null;
  // systemd's advice: ping at half the interval, so one late ping is not a restart.
  return Math.max(1, Math.floor(usec / 2000));
}

export function startNotifier(options: NotifierOptions): Notifier {
  const env = { ...(options.env ?? process.env) };
  const active = Boolean(env.NOTIFY_SOCKET);
  const pingEveryMs = active ? watchdogInterval(env) : null;
  const send = options.send ?? systemdNotifySender(env);
  const clock = options.clock;
  let warned = false;
  let stopped = false;
  let lastStatus = '';
  let pingTimer: TimerHandle | null = null;
  let statusTimer: TimerHandle | null = null;

  const deliver = async (fields: Record<string, string>) => {
    try {
      await send(fields);
    } catch (error) {
      if (warned) return;
      warned = true;
      options.warn(
        `Cannot tell systemd how the service is (${(error as Error).message.split('\n')[0]}); ` +
          'is systemd-notify installed? Backups go on.',
      );
    }
  };

  /**
   * The watchdog: a timer chain on the event loop, so a blocked loop sends nothing and systemd
   * restarts the service; a tick that comes a whole interval late (the loop was stalled) or an
   * engine that is not healthy sends nothing either.
   */
  const schedulePing = (every: number, expected: number) => {
    pingTimer = clock.setTimeout(() => {
      if (stopped) return;
      const late = clock.now() - expected > every;
      if (!late && options.healthy()) void deliver({ WATCHDOG: '1' });
      schedulePing(every, clock.now() + every);
    }, every);
  };

  const refreshStatus = (every: number) => {
    statusTimer = clock.setTimeout(() => {
      if (stopped) return;
      const line = options.status();
      if (line !== lastStatus) {
        lastStatus = line;
        void deliver({ STATUS: line });
      }
      refreshStatus(every);
    }, every);
  };

  return {
    active,
    pingEveryMs,
    async ready() {
      if (!active || stopped) return;
      lastStatus = options.status();
      await deliver({ READY: '1', STATUS: lastStatus });
      if (pingEveryMs !== null) schedulePing(pingEveryMs, clock.now() + pingEveryMs);
      refreshStatus(options.statusEveryMs ?? 10_000);
    },
    async stopping() {
      if (stopped) return;
      stopped = true;
      clock.clearTimeout(pingTimer);
      clock.clearTimeout(statusTimer);
      if (active) await deliver({ STOPPING: '1', STATUS: 'stopping' });
    },
  };
}
