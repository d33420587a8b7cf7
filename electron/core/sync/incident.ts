/**
 * When a hook fires: once per incident, not once per failed run. A failure that persists over ten
 * retries is one incident; the first success after it ends it (recovery). A failure that a retry
 * mends within the grace period never opens one, so a brief network blip pages nobody. A held
 * deletion is its own incident, fired when the hold appears and ended when it goes.
 */
import type { Clock, TimerHandle } from './clock.ts';

export type HookEvent = 'failure' | 'recovery' | 'held-deletion';

export const INCIDENT_POLICY = {
  /** How long a failure must last, unmended, before it is an incident. */
  graceMs: 60_000,
} as const;

export type RunObservation =
  | { kind: 'failure'; code: string; message: string }
  | { kind: 'success' }
  | { kind: 'held'; count: number }
  | { kind: 'released' };

export interface IncidentFire {
  event: HookEvent;
  target: string;
  /** The failure that opened the incident (failure, recovery), as its first run reported it. */
  code?: string;
  message?: string;
  heldCount?: number;
}

interface TargetState {
  /** The failure being waited on (grace running) or open (fired). */
  failure: { code: string; message: string; fired: boolean; timer: TimerHandle | null } | null;
  held: boolean;
}

export class IncidentTracker {
  readonly #clock: Clock;
  readonly #fire: (fire: IncidentFire) => void;
  readonly #graceMs: number;
  readonly #targets = new Map<string, TargetState>();

  constructor(clock: Clock, fire: (fire: IncidentFire) => void, graceMs: number = INCIDENT_POLICY.graceMs) {
    this.#clock = clock;
    this.#fire = fire;
    this.#graceMs = graceMs;
  }

  observe(target: string, o: RunObservation): void {
    const t = this.#targets.get(target) ?? { failure: null, held: false };
    this.#targets.set(target, t);
    switch (o.kind) {
      case 'failure': {
        if (t.failure) return; // the same incident: its retries fire nothing
        const failure = { code: o.code, message: o.message, fired: false, timer: null as TimerHandle | null };
        t.failure = failure;
        const open = () => {
          failure.timer = null;
          failure.fired = true;
          this.#fire({ event: 'failure', target, code: failure.code, message: failure.message });
        };
        if (this.#graceMs <= 0) open();
        else failure.timer = this.#clock.setTimeout(open, this.#graceMs);
        return;
      }
      case 'success': {
        const failure = t.failure;
        t.failure = null;
        if (!failure) return;
        this.#clock.clearTimeout(failure.timer);
        if (failure.fired) this.#fire({ event: 'recovery', target, code: failure.code, message: failure.message });
        return;
      }
      case 'held':
        if (t.held) return;
        t.held = true;
        this.#fire({ event: 'held-deletion', target, heldCount: o.count });
        return;
      case 'released':
        t.held = false;
        return;
    }
  }

  dispose(): void {
    for (const t of this.#targets.values()) this.#clock.clearTimeout(t.failure?.timer);
    this.#targets.clear();
  }
}
