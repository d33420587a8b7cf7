/**
 * How fast a transfer goes, from the bytes it has moved over time — never from rsync's own rate
 * column, which is the current file's figure (126 MiB/s was seen under a 20 MiB/s limit: a small
 * file that fit into the socket buffer "went" at memory speed) — and the last minutes of it, for a
 * small graph. Pure: the caller passes the time (its Clock), so test/core/rate-meter.test.ts runs
 * in fake time.
 *
 * A sliding window rather than an EWMA: rsync under --bwlimit writes in bursts and then sleeps,
 * so instant rates swing between far above the limit and zero; an EWMA fed those still carries a
 * first burst for many seconds (and its half-life would need tuning per link), while bytes over a
 * window of a few of rsync's sleep cycles is the real average, and an old burst leaves it as soon
 * as it slides out. The first sample is the baseline, not zero: what rsync wrote before it went
 * into the socket buffer at once (the "2.0 GiB/s" first tick), not over the link.
 */

export const RATE_POLICY = {
  /** The window the rate averages over. */
  windowMs: 5_000,
  /** No rate is shown until the samples span this long: one tick says nothing about a link. */
  minSpanMs: 1_000,
  /** The graph: one point per step, this many points (60 × 5 s: the last five minutes). */
  historyStepMs: 5_000,
  historyPoints: 60,
} as const;

interface Sample {
  at: number;
  bytes: number;
}

/** One transfer's rate (one rsync run). */
export class RateMeter {
  readonly #limit: number;
  #samples: Sample[] = [];

  /** `limit`: the profile's bandwidth limit in bytes/s (0: none) — no average can be above it. */
  constructor(limit = 0) {
    this.#limit = limit;
  }

  /** The bytes moved so far (they only grow within a run; a smaller figure restarts the window). */
  add(at: number, bytes: number): void {
    const last = this.#samples.at(-1);
    if (last && bytes < last.bytes) this.#samples = [];
    this.#samples.push({ at, bytes });
    // Keep one sample at or before the window's start, so the window is always whole.
    while (this.#samples.length > 2 && at - this.#samples[1]!.at >= RATE_POLICY.windowMs) this.#samples.shift();
  }

  /**
   * Bytes per second over the window up to `now`, or null until the samples span minSpanMs. A
   * stall counts: `now` past the last sample adds time without bytes, so the rate falls to 0.
   */
  rate(now: number): number | null {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (!first || !last || last.at - first.at < RATE_POLICY.minSpanMs) return null;
    const from = this.#samples.find((s) => now - s.at < RATE_POLICY.windowMs);
    if (!from) return 0; // nothing moved for a whole window
    const base = this.#samples[Math.max(0, this.#samples.indexOf(from) - 1)]!;
    const span = now - base.at;
    if (span <= 0) return null;
    const perSecond = ((last.bytes - base.bytes) * 1000) / span;
    return Math.round(this.#limit > 0 ? Math.min(perSecond, this.#limit) : perSecond);
  }
}

/** The points of a rate graph: bytes/s per step, the newest last, ending at `endAt`. */
export interface RateHistorySnapshot {
  stepMs: number;
  endAt: number;
  samples: number[];
}

/** A target's rate over the last minutes: the mean of what was seen in each step, 0 where none ran. */
export class RateHistory {
  readonly #steps = new Map<number, { sum: number; count: number }>();

  add(at: number, bytesPerSecond: number): void {
    const step = Math.floor(at / RATE_POLICY.historyStepMs);
    const s = this.#steps.get(step) ?? { sum: 0, count: 0 };
    s.sum += bytesPerSecond;
    s.count++;
    this.#steps.set(step, s);
    for (const k of this.#steps.keys()) if (k <= step - RATE_POLICY.historyPoints) this.#steps.delete(k);
  }

  /** Null when nothing ran in the window: no graph of zeros. */
  snapshot(now: number): RateHistorySnapshot | null {
    const { historyStepMs: stepMs, historyPoints: points } = RATE_POLICY;
    const last = Math.floor(now / stepMs);
    const samples: number[] = [];
    let any = false;
    for (let step = last - points + 1; step <= last; step++) {
      const s = this.#steps.get(step);
      if (s) any = true;
      samples.push(s ? Math.round(s.sum / s.count) : 0);
    }
    return any ? { stepMs, endAt: (last + 1) * stepMs, samples } : null;
  }
}
