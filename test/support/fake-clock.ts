/**
 * A Clock whose time moves only when a test says so. `advance(ms)` fires the timers that fall
 * due in order, letting the promises each one starts settle (rsync results in these tests are
 * scripted promises) before the next.
 */
import type { Clock, TimerHandle } from '../../electron/core/sync/clock.ts';

interface Pending {
  id: number;
  at: number;
  fn: () => void;
}

/** Lets queued promise callbacks and immediates run: what a few turns of the event loop do. */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}

export class FakeClock implements Clock {
  #now: number;
  #next = 1;
  #timers: Pending[] = [];

  constructor(start = 1_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.#next++;
    this.#timers.push({ id, at: this.#now + Math.max(0, ms), fn });
    return id as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle | null | undefined): void {
    this.#timers = this.#timers.filter((t) => t.id !== (handle as unknown as number));
  }

  /** When the earliest timer is due, or null. */
  get nextAt(): number | null {
    return this.#timers.length ? Math.min(...this.#timers.map((t) => t.at)) : null;
  }

  get pendingTimers(): number {
    return this.#timers.length;
  }

  async advance(ms: number): Promise<void> {
    const until = this.#now + ms;
    await settle();
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = Math.max(this.#now, due.at);
      due.fn();
      await settle();
    }
    this.#now = until;
    await settle();
  }
}

/**
 * Waits (in real time, up to `ms`) until `cond` holds: for work the fake clock does not drive,
 * such as a real lstat of the source in a batch. Not a timing assertion: it fails only if the
 * condition never comes.
 */
export async function eventually(cond: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('the condition did not come about');
    await new Promise((r) => setTimeout(r, 1));
  }
}
