/**
 * One interface over the tools the bench compares. Each adapter spawns its tool as the leader of a
 * new process group (so its rsync children are measured and stopped with it) and turns the tool's
 * own output into four signals: watching (ready), initial sync done, an rsync run started/ended.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { sampleGroup } from '../proc.ts';

/** Where a tool mirrors to: one module of the bench's loopback daemon. */
export interface Destination {
  host: '127.0.0.1';
  port: number;
  module: string;
  user: string;
  passwordFile: string;
  /** The module's folder, for checking what arrived. */
  folder: string;
}

export interface StartOptions {
  source: string;
  destination: Destination;
  /** A folder of the tool's own (config, logs, state). */
  workDir: string;
  /** As Rsync Tray's profiles write it ("5M" = 5 MiB/s); each adapter translates. */
  bandwidthLimit?: string;
  /** Where every line the tool prints goes, with the bench's clock (appended to). */
  transcript?: string;
}

export interface ToolSpec {
  id: string;
  /** Column title. */
  label: string;
  /** How it is configured, for the report. */
  configuration: string;
  /** null when usable, else why not (the tool is skipped with this note). */
  unavailable(): Promise<string | null>;
  /** The tool waits this long before acting on a change (lsyncd's default delay): scenarios take fewer samples. */
  slow?: boolean;
  start(options: StartOptions): Promise<RunningTool>;
}

export const rsyncUrl = (d: Destination): string => `rsync://${d.user}@${d.host}:${d.port}/${d.module}/`;

/**
 * A running tool. Times are performance.now() values of this (the bench) process; the signals are
 * taken when the tool's output line arrives here.
 */
export class RunningTool {
  readonly child: ChildProcess;
  readonly spawnedAt: number;
  readyAt: number | null = null;
  initialSyncAt: number | null = null;
  /** The tool's memory (MiB, all its processes) when it said it was watching / done with its initial sync. */
  rssAtReady: number | null = null;
  rssAtInitialSync: number | null = null;
  runsStarted = 0;
  runsEnded = 0;
  /** When each rsync run started (performance.now()). */
  readonly runStarts: number[] = [];
  /** When the tool last started or ended an rsync, or reported being busy. */
  lastActivityAt: number;
  /** Tool-specific account of the runs in a time window (Rsync Tray's run events), for the evidence. */
  explain: ((from: number, to: number) => string | null) | null = null;
  /** SIGTERM goes to the leader only: it stops its own rsync cleanly (Rsync Tray). */
  termLeaderOnly = false;
  /** Set by adapters whose tool reports busy/idle itself (Rsync Tray's status). */
  busyFlag: boolean | null = null;
  exited: Promise<number | null>;
  exitCode: number | null | undefined = undefined;
  readonly #tail: string[] = [];
  /** Every line the tool printed, with the bench's clock (ms), for a look afterwards (--keep). */
  readonly #transcript: WriteStream | null;
  readonly #waiters = new Set<() => void>();

  constructor(
    command: string,
    args: string[],
    options: SpawnOptions & { transcript?: string },
    onLine: (tool: RunningTool, line: string, stream: 'stdout' | 'stderr') => void,
  ) {
    this.spawnedAt = performance.now();
    this.#transcript = options.transcript ? createWriteStream(options.transcript, { flags: 'a' }) : null;
    this.mark(`spawn ${command} ${args.join(' ')}`);
    this.lastActivityAt = this.spawnedAt;
    this.child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => {
      this.child.once('error', (e) => {
        this.#keep(`spawn error: ${e.message}`);
        this.exitCode = null;
        resolve(null);
      });
      this.child.once('exit', (code, signal) => {
        this.exitCode = code;
        this.mark(`exit ${code ?? signal}`);
        if (code !== 0 && signal !== 'SIGTERM') this.#keep(`exited with ${code ?? signal}`);
        this.#wake();
        resolve(code);
      });
    });
    this.child.once('close', () => this.#transcript?.end());
    for (const stream of ['stdout', 'stderr'] as const) {
      const lines = createInterface({ input: this.child[stream]!, crlfDelay: Infinity });
      lines.on('line', (line) => {
        this.#keep(line);
        this.#transcript?.write(`${performance.now().toFixed(1)} ${stream === 'stderr' ? 'E ' : ''}${line}\n`);
        onLine(this, line, stream);
        this.#wake();
      });
    }
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** An rsync is running, or the tool said it has work. */
  get busy(): boolean {
    return this.runsStarted > this.runsEnded || this.busyFlag === true;
  }

  /** A line of the bench's own in the transcript (what it just did to the source). */
  mark(text: string): void {
    this.#transcript?.write(`${performance.now().toFixed(1)} # ${text}\n`);
  }

  /** The last lines the tool printed, for error messages. */
  tail(n = 15): string {
    return this.#tail.slice(-n).join('\n');
  }

  /** Adapters call these. */
  markReady(): void {
    if (this.readyAt !== null) return;
    this.readyAt = performance.now();
    this.rssAtReady = sampleGroup(this.pid).rssMiB;
  }
  markInitialSync(): void {
    if (this.initialSyncAt !== null) return;
    this.initialSyncAt = performance.now();
    this.rssAtInitialSync = sampleGroup(this.pid).rssMiB;
  }
  /** `at`: when it started, if the tool reports it afterwards. */
  runStarted(at = performance.now()): void {
    this.runsStarted++;
    this.runStarts.push(at);
    this.lastActivityAt = performance.now();
  }

  /** Runs started in [from, to). */
  runsBetween(from: number, to = Infinity): number {
    return this.runStarts.filter((t) => t >= from && t < to).length;
  }
  runEnded(): void {
    this.runsEnded++;
    this.lastActivityAt = performance.now();
  }
  activity(): void {
    this.lastActivityAt = performance.now();
  }

  /** Resolves when `test` holds (checked on every output line and every 20 ms). */
  async until(test: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!test()) {
      if (!this.running) throw new Error(`${what}: the tool exited (${this.exitCode}).\n${this.tail()}`);
      if (performance.now() > deadline)
        throw new Error(`${what}: not within ${Math.round(timeoutMs / 1000)} s.\n${this.tail()}`);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.#waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, 20);
        this.#waiters.add(done);
      });
    }
  }

  /** Waits until the tool has been idle (no rsync, nothing reported) for `quietMs`; false on timeout. */
  async settle(quietMs: number, timeoutMs: number): Promise<boolean> {
    try {
      await this.until(() => !this.busy && performance.now() - this.lastActivityAt >= quietMs, timeoutMs, 'settle');
      return true;
    } catch (error) {
      if (!this.running) throw error;
      return false;
    }
  }

  /** SIGTERM to the tool (Rsync Tray stops its rsync itself), then SIGKILL to the whole group. */
  async stop(): Promise<void> {
    if (this.running) {
      try {
        process.kill(this.termLeaderOnly ? this.pid : -this.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => this.#killGroup(), 10_000);
      await this.exited;
      clearTimeout(timer);
    }
    // Whatever the leader left behind (an rsync mid-run, inotifywait in a pipeline).
    this.#killGroup();
  }

  #killGroup(): void {
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // no member left
    }
  }

  #keep(line: string): void {
    this.#tail.push(line.length > 400 ? `${line.slice(0, 400)}…` : line);
    if (this.#tail.length > 200) this.#tail.splice(0, 100);
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }
}
