/**
 * Holds that pause a profile for an operation of the host's own — a restore writing into the
 * watched source — as opposed to a person's pause (control-state.ts). They differ in two ways,
 * and both are the point:
 *   - never written to the state folder: a host that crashes mid-restore restarts with syncing
 *     on, where a persisted "paused until resumed" would have left it off for ever, in silence;
 *   - leased: a hold lasts `leaseMs` past its last renewal, so an operation that dies without
 *     its `finally` (a promise that never settles, an exception path that skipped the release)
 *     lets syncing resume by itself when the lease runs out, and the engine says so in the log.
 * While one holds, the profile's status says why ("paused: restoring"). Deadlines are checked
 * with the injected clock.
 */
import type { Clock, TimerHandle } from './clock.ts';

export interface HoldOptions {
  /** Shown after "paused: " while it holds (the status's pauseReason). */
  reason: string;
  /** How long the hold lasts past its last renewal. */
  leaseMs: number;
}

/** One operation's hold: renew it while alive, release it when done. Both are idempotent. */
export interface Hold {
  /** Extends the lease from now; false once it was released or ran out (then it holds no more). */
  renew(): boolean;
  release(): void;
}

interface Entry extends HoldOptions {
  profile: string;
  timer: TimerHandle | null;
}

export class TransientHolds {
  readonly #entries = new Set<Entry>();
  readonly #clock: Clock;
  /** Called after any hold begins or ends (the engine re-applies pauses). */
  readonly #changed: () => void;
  /** Called when a lease ran out without a release (the engine logs it). */
  readonly #lapsed: (profile: string, reason: string) => void;

  constructor(clock: Clock, changed: () => void, lapsed: (profile: string, reason: string) => void) {
    this.#clock = clock;
    this.#changed = changed;
    this.#lapsed = lapsed;
  }

  take(profile: string, options: HoldOptions): Hold {
    const entry: Entry = { ...options, profile, timer: null };
    const arm = (): void => {
      this.#clock.clearTimeout(entry.timer);
      entry.timer = this.#clock.setTimeout(() => {
        if (!this.#entries.delete(entry)) return;
        this.#lapsed(profile, entry.reason);
        this.#changed();
      }, entry.leaseMs);
    };
    this.#entries.add(entry);
    arm();
    this.#changed();
    return {
      renew: () => {
        if (!this.#entries.has(entry)) return false;
        arm();
        return true;
      },
      release: () => {
        this.#clock.clearTimeout(entry.timer);
        if (this.#entries.delete(entry)) this.#changed();
      },
    };
  }

  /** The reason of the oldest hold on `profile`, or null when none holds. */
  reasonOf(profile: string): string | null {
    for (const e of this.#entries) if (e.profile === profile) return e.reason;
    return null;
  }

  dispose(): void {
    for (const e of this.#entries) this.#clock.clearTimeout(e.timer);
    this.#entries.clear();
  }
}
