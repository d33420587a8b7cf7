/**
 * The tray's condition source: the battery from Electron's powerMonitor (events 'on-battery' and
 * 'on-ac', no polling), the metered flag from another source (NetworkManager, polled in core).
 * Thin glue: the powerMonitor is handed in (electron-api.ts), so tests pass a double.
 */
import type { ConditionSource, MachineConditions } from '../core/sync/pause-conditions.ts';

/** What is used of Electron's powerMonitor. */
export interface PowerMonitorLike {
  isOnBatteryPower(): boolean;
  on(event: 'on-battery' | 'on-ac', listener: () => void): unknown;
  removeListener(event: 'on-battery' | 'on-ac', listener: () => void): unknown;
}

export class PowerConditionSource implements ConditionSource {
  #onBattery: boolean;
  #listeners = new Set<(c: MachineConditions) => void>();
  #stopNetwork: (() => void) | undefined;
  readonly #power: PowerMonitorLike;
  readonly #network: ConditionSource | undefined;
  readonly #changed = (): void => {
    const now = this.#power.isOnBatteryPower();
    if (now === this.#onBattery) return;
    this.#onBattery = now;
    this.#tell();
  };

  constructor(power: PowerMonitorLike, network?: ConditionSource) {
    this.#power = power;
    this.#network = network;
    this.#onBattery = power.isOnBatteryPower();
    power.on('on-battery', this.#changed);
    power.on('on-ac', this.#changed);
    this.#stopNetwork = network?.onChange(() => this.#tell());
  }

  #tell(): void {
    for (const l of this.#listeners) l(this.current());
  }

  current(): MachineConditions {
    return {
      onBattery: this.#onBattery ? 'yes' : 'no',
      metered: this.#network?.current().metered ?? 'unknown',
    };
  }

  onChange(listener: (c: MachineConditions) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  dispose(): void {
    this.#power.removeListener('on-battery', this.#changed);
    this.#power.removeListener('on-ac', this.#changed);
    this.#stopNetwork?.();
    this.#network?.dispose();
    this.#listeners.clear();
  }
}
