/**
 * Time, passed in: everything in the engine that waits or reads the time takes a Clock, so its
 * timing is tested with a fake one instead of sleeps and wall-clock assertions.
 */
export type TimerHandle = { readonly __timer: unique symbol } | NodeJS.Timeout;

export interface Clock {
  /** epoch ms */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | null | undefined): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => {
    if (handle) clearTimeout(handle as NodeJS.Timeout);
  },
};

/** Promises that resolve when something becomes idle: wait() while busy, wake() when it is not. */
export class IdleSignal {
  #waiters: Array<() => void> = [];

  wait(idleNow: boolean): Promise<void> {
    return idleNow ? Promise.resolve() : new Promise((resolve) => this.#waiters.push(resolve));
  }

  wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
}
