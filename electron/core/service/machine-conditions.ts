/**
 * The machine's conditions for a host without Electron (the headless engine), and the network
 * half for the tray: NetworkManager's metered flag and, on Linux, the battery from sysfs, polled.
 */
import { systemClock, type Clock } from '../sync/clock.ts';
import { probeBattery } from './battery-conditions.ts';
import { execRunner, PolledConditionSource, probeMetered } from './metered-conditions.ts';

/** Starts polling (the first answer comes within a probe's few seconds); dispose() stops it. */
export function startMachineConditions(options: { battery?: boolean; clock?: Clock } = {}): PolledConditionSource {
  const source = new PolledConditionSource(options.clock ?? systemClock, {
    metered: () => probeMetered(execRunner),
    ...(options.battery === false ? {} : { onBattery: () => probeBattery() }),
  });
  void source.start();
  return source;
}
