/**
 * How much CPU processes other than the bench (and what it started) used while it ran: on a
 * 2-core machine shared with a test suite, the figures mean little without it. Samples /proc once
 * a second; processes that live less than a second between samples escape it, so it can only
 * understate the noise.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

interface Proc {
  ppid: number;
  ticks: number;
  comm: string;
}

function scan(): Map<number, Proc> {
  const out = new Map<number, Proc>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const f = stat.slice(close + 2).split(' ');
      out.set(pid, {
        ppid: Number(f[1]),
        ticks: Number(f[11]) + Number(f[12]),
        comm: stat.slice(stat.indexOf('(') + 1, close),
      });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export interface LoadReport {
  /** CPU seconds other processes used per second of the bench (1.0 = one core busy). */
  foreignCores: number;
  /** The heaviest of them, by command name. */
  top: Array<{ comm: string; seconds: number }>;
}

export function startLoadMonitor(): { stop(): LoadReport } {
  const self = process.pid;
  const started = performance.now();
  const last = new Map<number, number>();
  const byComm = new Map<string, number>();
  let foreignTicks = 0;
  const sample = (first: boolean) => {
    const procs = scan();
    const ours = (pid: number): boolean => {
      for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
        if (p === self) return true;
        const next = procs.get(p)?.ppid;
        if (next === undefined) return false;
        p = next;
      }
      return false;
    };
    for (const [pid, p] of procs) {
      // Kernel threads (children of kthreadd) do our I/O as much as anyone's: not counted.
      if (pid === 2 || p.ppid === 2 || ours(pid)) continue;
      const before = last.get(pid);
      last.set(pid, p.ticks);
      if (first) continue;
      // A process first seen now started since the last sample: all its time is new.
      const delta = p.ticks - (before ?? 0);
      if (delta > 0) {
        foreignTicks += delta;
        byComm.set(p.comm, (byComm.get(p.comm) ?? 0) + delta);
      }
    }
  };
  sample(true);
  const timer = setInterval(() => sample(false), 1_000);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample(false);
      const seconds = (performance.now() - started) / 1000;
      const top = [...byComm]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([comm, t]) => ({ comm, seconds: t / TICKS_PER_SECOND }));
      return { foreignCores: seconds > 0 ? foreignTicks / TICKS_PER_SECOND / seconds : 0, top };
    },
  };
}
