/**
 * What a tool costs the machine, read from /proc: resident memory and CPU time of its process
 * group (each tool is spawned as the leader of its own group, so its rsync children and, for the
 * script, inotifywait and the shell loop are members too).
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux the bench targets

interface ProcSample {
  pid: number;
  comm: string;
  /** R, S, D, Z (zombie: exited, never reaped by its parent), … */
  state: string;
  rssKiB: number;
  /** utime + stime + cutime + cstime, in seconds: the process and the children it reaped. */
  cpuSeconds: number;
}

function readProc(pid: number): (ProcSample & { pgid: number }) | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: split after the last ')'.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // fields[0] is field 3 (state): field N is fields[N - 3].
    const num = (n: number) => Number(fields[n - 3]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /VmRSS:\s+(\d+) kB/.exec(status);
    return {
      pid,
      comm,
      state: fields[0] ?? '?',
      pgid: num(5),
      rssKiB: rss ? Number(rss[1]) : 0,
      cpuSeconds: (num(14) + num(15) + num(16) + num(17)) / TICKS_PER_SECOND,
    };
  } catch {
    return null; // gone meanwhile
  }
}

export interface GroupSample {
  at: number;
  processes: ProcSample[];
  rssMiB: number;
  cpuSeconds: number;
}

/** Every live process of a process group. */
export function sampleGroup(pgid: number): GroupSample {
  const processes: ProcSample[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const p = readProc(pid);
    if (p && p.pgid === pgid)
      processes.push({ pid: p.pid, comm: p.comm, state: p.state, rssKiB: p.rssKiB, cpuSeconds: p.cpuSeconds });
  }
  return {
    at: performance.now(),
    processes,
    rssMiB: processes.reduce((s, p) => s + p.rssKiB, 0) / 1024,
    cpuSeconds: processes.reduce((s, p) => s + p.cpuSeconds, 0),
  };
}

/** CPU used between two samples, as a share of one core (0.01 = 1 %). */
export function cpuShare(a: GroupSample, b: GroupSample): number {
  const seconds = (b.at - a.at) / 1000;
  return seconds > 0 ? Math.max(0, b.cpuSeconds - a.cpuSeconds) / seconds : 0;
}
