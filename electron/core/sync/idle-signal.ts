/** Promises that resolve when something becomes idle (TargetSync.whenIdle: tests, the one-shot CLI sync). */
export class IdleSignal {
  #waiters: Array<() => void> = [];

  wait(idleNow: boolean): Promise<void> {
    return idleNow ? Promise.resolve() : new Promise((resolve) => this.#waiters.push(resolve));
  }

  wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
}
