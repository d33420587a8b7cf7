/**
 * A target's daemon between runs: "current" means everything seen was confirmed by rsync *and*
 * the daemon answered recently. While the target is idle the daemon is asked at an interval
 * (core/rsync/daemon-probe.ts); one that stops answering turns the target "retrying", with the
 * time it was first missed. While a target waits out a backoff after a network failure, the
 * daemon is asked often, so the retry starts as soon as it is back instead of when the backoff
 * ends. Clock and probe are injected: test/core/reachability.test.ts runs it in fake time.
 */
import type { ErrorCode, ErrorInfo } from '../../shared/errors.ts';
import type { SyncState, TargetStatus } from '../../shared/status.ts';
import { probeDaemon, type DaemonAddress } from '../rsync/daemon-probe.ts';
import type { Clock, TimerHandle } from './clock.ts';

export const REACHABILITY_POLICY = {
  /**
   * While idle and answering: how often the daemon is asked. Each question costs the daemon one
   * "connect from" line in its log (daemon-probe.ts): every 2 minutes is 720 a day.
   */
  idleEveryMs: 120_000,
  /** While idle and not answering: how often it is asked again. */
  downEveryMs: 2_000,
  /** While a run's network failure waits out its backoff: how often it is asked. */
  backoffEveryMs: 500,
  /** How long a probe waits for the greeting. */
  timeoutMs: 5_000,
} as const;

export type ReachabilityPolicy = { [K in keyof typeof REACHABILITY_POLICY]: number };

/** Failures that mean "the daemon is not there", as opposed to one that answered and refused. */
export const NETWORK_FAILURES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'CONNECTION_REFUSED',
  'HOST_UNREACHABLE',
  'TIMEOUT',
  'MAX_CONNECTIONS',
]);

/** What the target is doing, as far as probing goes. */
export type ReachMode = 'idle' | 'backoff' | 'off';

export interface ReachabilityDeps {
  clock: Clock;
  probe(): Promise<ErrorInfo | null>;
  /** The answer changed (lost, or back). */
  onChange(): void;
  /** The daemon answered while a network failure's backoff ran: retry now. */
  onBack(): void;
  policy?: Partial<ReachabilityPolicy>;
}

export class Reachability {
  readonly #deps: ReachabilityDeps;
  readonly #policy: ReachabilityPolicy;
  #mode: ReachMode = 'off';
  #timer: TimerHandle | null = null;
  #probing = false;
  /** When the daemon was first missed (by a probe or a run); null while it answers. */
  unreachableSince: number | null = null;
  /** When the daemon last answered: a run that reached it (even to refuse), or a probe. */
  lastContactAt: number | null = null;
  /** Why an idle target's probe failed; null when it answered or a run's error says it. */
  error: ErrorInfo | null = null;
  /** Probes failed in a row while idle, and when the next one is due. */
  misses = 0;
  nextAt: number | null = null;

  constructor(deps: ReachabilityDeps) {
    this.#deps = deps;
    this.#policy = { ...REACHABILITY_POLICY, ...deps.policy };
  }

  /** A target's: its daemon probed for real unless the target's deps script it. */
  static of(
    t: { target: DaemonAddress; probe?: () => Promise<ErrorInfo | null>; reachability?: Partial<ReachabilityPolicy> },
    clock: Clock,
    onChange: () => void,
    onBack: () => void,
  ): Reachability {
    const policy = { ...REACHABILITY_POLICY, ...t.reachability };
    const probe = t.probe ?? (() => probeDaemon(t.target, policy.timeoutMs));
    return new Reachability({ clock, probe, onChange, onBack, policy });
  }

  /** A status as a person sees it: an idle target whose daemon stopped answering says so like a failed run. */
  shown(s: TargetStatus): TargetStatus {
    const probed = this.down && s.lastError === null;
    return {
      ...s,
      lastError: probed ? this.error : s.lastError,
      retry: probed && this.nextAt !== null ? { attempt: this.misses, nextAt: this.nextAt } : s.retry,
      unreachableSince: this.unreachableSince,
      lastContactAt: this.lastContactAt,
    };
  }

  /** An idle target whose daemon stopped answering is not current. */
  get down(): boolean {
    return this.error !== null;
  }

  /**
   * A run reached the daemon (null), failed (its error: a network failure starts the outage's
   * clock), or ended without saying (undefined: canceled, files vanished).
   */
  ran(error: ErrorInfo | null | undefined): void {
    if (error === undefined) return;
    if (error && NETWORK_FAILURES.has(error.code)) this.unreachableSince ??= this.#deps.clock.now();
    else if (error === null || !NETWORK_FAILURES.has(error.code)) this.#answered();
  }

  /**
   * Follows the target's state: idle (or "retrying" only because of a probe) asks at the idle
   * pace; a backoff after a network failure (`waiting`: the run's error) asks often; else nothing.
   */
  follow(state: SyncState, waiting: ErrorInfo | null): void {
    const probing = state === 'idle' || (state === 'retrying' && waiting === null);
    this.setMode(probing ? 'idle' : waiting && NETWORK_FAILURES.has(waiting.code) ? 'backoff' : 'off');
  }

  /** Probes only where they tell something. */
  setMode(mode: ReachMode): void {
    if (mode === this.#mode) return;
    this.#mode = mode;
    this.#deps.clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.nextAt = null;
    if (mode !== 'off') this.#arm();
  }

  dispose(): void {
    this.setMode('off');
  }

  #arm(): void {
    const p = this.#policy;
    const every = this.#mode === 'backoff' ? p.backoffEveryMs : this.down ? p.downEveryMs : p.idleEveryMs;
    this.nextAt = this.#deps.clock.now() + every;
    this.#timer = this.#deps.clock.setTimeout(() => void this.#probe(), every);
  }

  async #probe(): Promise<void> {
    this.#timer = null;
    if (this.#probing || this.#mode === 'off') return;
    this.#probing = true;
    const mode = this.#mode;
    let error: ErrorInfo | null;
    try {
      error = await this.#deps.probe();
    } finally {
      this.#probing = false;
    }
    if (this.#mode !== mode) return; // the target moved on meanwhile: its new mode has its own timer
    if (error === null) {
      const wasDown = this.down;
      this.#answered();
      if (mode === 'backoff') {
        this.setMode('off');
        this.#deps.onBack();
        return;
      }
      if (wasDown) this.#deps.onChange();
    } else if (mode === 'idle') {
      this.unreachableSince ??= this.#deps.clock.now();
      this.misses++;
      this.error = error;
      this.#arm();
      this.#deps.onChange(); // the state, or the attempt and the time of the next
      return;
    }
    this.#arm();
  }

  /** A running transfer moves bytes: the daemon answers now, whatever the run's end says later. */
  heard(): void {
    this.lastContactAt = this.#deps.clock.now();
  }

  #answered(): void {
    this.lastContactAt = this.#deps.clock.now();
    this.unreachableSince = null;
    this.error = null;
    this.misses = 0;
  }
}
