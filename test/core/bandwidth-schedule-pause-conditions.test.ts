import { describe, expect, it } from 'vitest';
import {
  type CommandRunner,
  PolledConditionSource,
  parseBusctlMetered,
  parseNmcliMetered,
  probeMetered,
} from '../../electron/core/service/metered-conditions.ts';
import {
  ConditionPauser,
  type ConditionPause,
  conditionPause,
  conditionPauseLabel,
  ManualConditionSource,
} from '../../electron/core/sync/pause-conditions.ts';
import { FakeClock, settle } from '../support/fake-clock.ts';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { probeBattery } from '../../electron/core/service/battery-conditions.ts';

describe('conditionPause', () => {
  it('pauses only for an option that is on and a condition known to hold', () => {
    const both = { pauseOnBattery: true, pauseOnMetered: true };
    expect(conditionPause(both, { onBattery: 'yes', metered: 'no' })).toEqual({
      code: 'on-battery',
      reason: 'on battery',
    });
    expect(conditionPause(both, { onBattery: 'no', metered: 'yes' })?.code).toBe('metered-network');
    expect(conditionPause(both, { onBattery: 'unknown', metered: 'unknown' })).toBeNull();
    expect(
      conditionPause({ pauseOnBattery: false, pauseOnMetered: true }, { onBattery: 'yes', metered: 'no' }),
    ).toBeNull();
    expect(conditionPauseLabel({ code: 'on-battery', reason: 'on battery' })).toBe('Paused: on battery');
  });
});

describe('ConditionPauser', () => {
  function setup(options = { pauseOnBattery: true, pauseOnMetered: false }, byPerson = false) {
    const source = new ManualConditionSource({ onBattery: 'no', metered: 'unknown' });
    const log: string[] = [];
    let person = byPerson;
    const pauser = new ConditionPauser(source, () => options, {
      pause: (p: ConditionPause) => log.push(`pause ${p.reason}`),
      resume: () => log.push('resume'),
      pausedByPerson: () => person,
    });
    return { source, log, pauser, setPerson: (v: boolean) => (person = v) };
  }

  it('pauses when the condition starts and resumes by itself when it ends', () => {
    const { source, log, pauser } = setup();
    source.set({ onBattery: 'yes' });
    expect(pauser.active?.reason).toBe('on battery');
    source.set({ onBattery: 'yes' });
    source.set({ onBattery: 'no' });
    expect(log).toEqual(['pause on battery', 'resume']);
    expect(pauser.active).toBeNull();
    // Not knowing is not a reason to pause.
    source.set({ onBattery: 'unknown' });
    expect(log).toEqual(['pause on battery', 'resume']);
    pauser.dispose();
  });

  it('leaves a profile a person paused paused when the condition ends', () => {
    const { source, log, setPerson } = setup();
    source.set({ onBattery: 'yes' });
    setPerson(true);
    source.set({ onBattery: 'no' });
    expect(log).toEqual(['pause on battery']);
  });
});

describe('NetworkManager metered flag', () => {
  it('reads busctl’s NMMetered and nmcli’s device lines', () => {
    expect(parseBusctlMetered('u 1\n')).toBe('yes');
    expect(parseBusctlMetered('u 3\n')).toBe('yes');
    expect(parseBusctlMetered('u 4\n')).toBe('no');
    expect(parseBusctlMetered('u 0\n')).toBe('unknown');
    expect(parseBusctlMetered('garbage')).toBe('unknown');
    expect(parseNmcliMetered('GENERAL.METERED:no (guessed)\n\nGENERAL.METERED:yes\n')).toBe('yes');
    expect(parseNmcliMetered('GENERAL.METERED:no (guessed)\n')).toBe('no');
    expect(parseNmcliMetered('GENERAL.METERED:unknown\n')).toBe('unknown');
  });

  it('falls back to nmcli, and says unknown when neither runs', async () => {
    const calls: string[] = [];
    const onlyNmcli: CommandRunner = async (file) => {
      calls.push(file);
      return file === 'nmcli' ? 'GENERAL.METERED:yes\n' : null;
    };
    expect(await probeMetered(onlyNmcli)).toBe('yes');
    expect(calls).toEqual(['busctl', 'nmcli']);
    expect(await probeMetered(async () => null)).toBe('unknown');
  });

  it('polls on the injected clock and reports a change', async () => {
    const clock = new FakeClock();
    let answer = 'u 4\n';
    const source = new PolledConditionSource(clock, { metered: () => probeMetered(async () => answer) }, 30_000);
    const seen: string[] = [];
    source.onChange((c) => seen.push(c.metered));
    await source.start();
    expect(source.current()).toEqual({ onBattery: 'unknown', metered: 'no' });
    answer = 'u 1\n';
    await clock.advance(29_999);
    expect(source.current().metered).toBe('no');
    await clock.advance(1);
    await settle();
    expect(source.current().metered).toBe('yes');
    expect(seen).toEqual(['no', 'yes']);
    source.dispose();
  });

  it('answers on this machine without hanging (unknown where NetworkManager is absent)', async () => {
    const { execRunner } = await import('../../electron/core/service/metered-conditions.ts');
    expect(['yes', 'no', 'unknown']).toContain(await probeMetered(execRunner));
  });
});

describe('battery from sysfs (headless)', () => {
  it('is on battery when a battery is there and no adapter online; no battery is "no"', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-power-'));
    try {
      const supply = async (name: string, files: Record<string, string>) => {
        await mkdir(path.join(dir, name), { recursive: true });
        for (const [f, v] of Object.entries(files)) await writeFile(path.join(dir, name, f), `${v}\n`);
      };
      expect(await probeBattery(dir)).toBe('no');
      await supply('BAT0', { type: 'Battery', status: 'Discharging' });
      expect(await probeBattery(dir)).toBe('yes');
      await supply('AC', { type: 'Mains', online: '0' });
      expect(await probeBattery(dir)).toBe('yes');
      await supply('AC', { type: 'Mains', online: '1' });
      expect(await probeBattery(dir)).toBe('no');
      expect(await probeBattery(path.join(dir, 'missing'))).toBe('unknown');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
