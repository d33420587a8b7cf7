/**
 * Whether a Linux machine runs on battery, from sysfs (/sys/class/power_supply): for the headless
 * engine, which has no Electron powerMonitor. On battery = a battery is there and no mains
 * adapter (type "Mains", "USB", …) is online. No battery at all (a server) → "no"; a folder that
 * cannot be read (not Linux, a container) → "unknown", which never pauses.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Tristate } from '../sync/pause-conditions.ts';

export const POWER_SUPPLY_DIR = '/sys/class/power_supply';

async function read(file: string): Promise<string | null> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    return null;
  }
}

export async function probeBattery(dir: string = POWER_SUPPLY_DIR): Promise<Tristate> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 'unknown';
  }
  let battery = false;
  let adapter = false;
  let online = false;
  for (const name of names) {
    const type = await read(path.join(dir, name, 'type'));
    if (type === 'Battery') battery = true;
    else if (type !== null) {
      adapter = true;
      if ((await read(path.join(dir, name, 'online'))) === '1') online = true;
    }
  }
  if (!battery) return 'no';
  if (online) return 'no';
  // A battery without any adapter listed: some laptops only show the battery; its status says.
  if (!adapter) {
    for (const name of names) {
      const status = await read(path.join(dir, name, 'status'));
      if (status === 'Discharging') return 'yes';
      if (status === 'Charging' || status === 'Full') return 'no';
    }
    return 'unknown';
  }
  return 'yes';
}
