/**
 * Whether the network is metered, from NetworkManager on Linux. Its D-Bus property `Metered` of
 * the manager object is the primary connection's (NMMetered: 0 unknown, 1 yes, 2 no, 3 guess-yes,
 * 4 guess-no); busctl reads it without a D-Bus library. Where busctl is missing, nmcli's per-device
 * GENERAL.METERED is the fallback: metered when any device says yes. No NetworkManager, no D-Bus,
 * no answer in time → "unknown", which never pauses a profile.
 */
import { execFile } from 'node:child_process';
import type { Clock, TimerHandle } from '../sync/clock.ts';
import type { ConditionSource, MachineConditions, Tristate } from '../sync/pause-conditions.ts';

/** Runs a program and gives its stdout, or null when it could not run or failed. */
export type CommandRunner = (file: string, args: readonly string[]) => Promise<string | null>;

const NM_METERED: Readonly<Record<string, Tristate>> = { '0': 'unknown', '1': 'yes', '2': 'no', '3': 'yes', '4': 'no' };

/** `busctl get-property … Metered` prints "u 4". */
export function parseBusctlMetered(stdout: string): Tristate {
  const m = /^u\s+(\d+)\s*$/m.exec(stdout);
  return (m && NM_METERED[m[1] ?? '']) || 'unknown';
}

/** `nmcli -t -f GENERAL.METERED dev show` prints "GENERAL.METERED:no (guessed)" per device. */
export function parseNmcliMetered(stdout: string): Tristate {
  const values = [...stdout.matchAll(/^GENERAL\.METERED:(\w+)/gm)].map((m) => m[1]);
  if (values.includes('yes')) return 'yes';
  if (values.includes('no')) return 'no';
  return 'unknown';
}

const BUSCTL_ARGS = [
  'get-property',
  'org.freedesktop.NetworkManager',
  '/org/freedesktop/NetworkManager',
  'org.freedesktop.NetworkManager',
  'Metered',
] as const;

export async function probeMetered(run: CommandRunner): Promise<Tristate> {
  const bus = await run('busctl', ['--system', ...BUSCTL_ARGS]);
  if (bus !== null) {
    const v = parseBusctlMetered(bus);
    if (v !== 'unknown') return v;
  }
  const nm = await run('nmcli', ['-t', '-f', 'GENERAL.METERED', 'dev', 'show']);
  return nm === null ? 'unknown' : parseNmcliMetered(nm);
}

/** A probe may not hang the engine: a few seconds, then "could not run". */
export const execRunner: CommandRunner = (file, args) =>
  new Promise((resolve) => {
    execFile(file, [...args], { timeout: 3_000, env: { ...process.env, LC_ALL: 'C' } }, (err, stdout) =>
      resolve(err ? null : String(stdout)),
    );
  });

/** How often the link is asked; a limit of "within a minute" for a change to take effect. */
export const METERED_POLL_MS = 30_000;

export interface ConditionProbes {
  metered?: () => Promise<Tristate>;
  onBattery?: () => Promise<Tristate>;
}

/**
 * Asks its probes now and then every interval (a condition change is seen within one); a
 * condition without a probe stays unknown (the tray's powerMonitor knows the battery itself).
 */
export class PolledConditionSource implements ConditionSource {
  #conditions: MachineConditions = { onBattery: 'unknown', metered: 'unknown' };
  #listeners = new Set<(c: MachineConditions) => void>();
  #timer: TimerHandle | null = null;
  #disposed = false;
  private readonly clock: Clock;
  private readonly probes: ConditionProbes;
  private readonly intervalMs: number;

  constructor(clock: Clock, probes: ConditionProbes, intervalMs = METERED_POLL_MS) {
    this.clock = clock;
    this.probes = probes;
    this.intervalMs = intervalMs;
  }

  /** First probe now, then every interval. */
  async start(): Promise<void> {
    await this.poll();
  }

  async poll(): Promise<void> {
    const unknown = async (): Promise<Tristate> => 'unknown';
    const [metered, onBattery] = await Promise.all([
      (this.probes.metered ?? unknown)(),
      (this.probes.onBattery ?? unknown)(),
    ]);
    if (this.#disposed) return;
    const was = this.#conditions;
    if (metered !== was.metered || onBattery !== was.onBattery) {
      this.#conditions = { metered, onBattery };
      for (const l of this.#listeners) l(this.current());
    }
    this.#timer = this.clock.setTimeout(() => void this.poll(), this.intervalMs);
  }

  current(): MachineConditions {
    return { ...this.#conditions };
  }

  onChange(listener: (c: MachineConditions) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  dispose(): void {
    this.#disposed = true;
    this.clock.clearTimeout(this.#timer);
    this.#listeners.clear();
  }
}
