import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ManualConditionSource } from '../../electron/core/sync/pause-conditions.ts';
import { PowerConditionSource } from '../../electron/main/power-conditions.ts';

/** Electron's powerMonitor as the tray sees it: a flag and its two events. */
class FakePowerMonitor extends EventEmitter {
  onBattery = false;
  isOnBatteryPower(): boolean {
    return this.onBattery;
  }
  unplug(): void {
    this.onBattery = true;
    this.emit('on-battery');
  }
  plugIn(): void {
    this.onBattery = false;
    this.emit('on-ac');
  }
}

describe('the tray’s condition source', () => {
  it('follows powerMonitor’s events and the network source’s metered flag', () => {
    const power = new FakePowerMonitor();
    const network = new ManualConditionSource({ onBattery: 'unknown', metered: 'unknown' });
    const source = new PowerConditionSource(power, network);
    const seen: string[] = [];
    source.onChange((c) => seen.push(`${c.onBattery}/${c.metered}`));
    expect(source.current()).toEqual({ onBattery: 'no', metered: 'unknown' });
    power.unplug();
    network.set({ metered: 'yes' });
    power.plugIn();
    expect(seen).toEqual(['yes/unknown', 'yes/yes', 'no/yes']);
    source.dispose();
    expect(power.listenerCount('on-battery') + power.listenerCount('on-ac')).toBe(0);
    power.unplug();
    expect(seen).toHaveLength(3);
  });

  it('starts on battery when the machine already is', () => {
    const power = new FakePowerMonitor();
    power.onBattery = true;
    const source = new PowerConditionSource(power);
    expect(source.current()).toEqual({ onBattery: 'yes', metered: 'unknown' });
    source.dispose();
  });
});
