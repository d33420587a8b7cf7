/**
 * Control state (pauses with their deadlines, backoff cut short by a fix) is the engine's, kept
 * across profile edits, settings changes and restarts. Each case here was a bug: the test drives
 * the app service as a host does, with rsync scripted and time faked.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppService } from '../../electron/core/service/app-service.ts';
import type { RunResult } from '../../electron/core/rsync/rsync-runner.ts';
import { ControlState } from '../../electron/core/sync/control-state.ts';
import type { ProfileStatus } from '../../electron/shared/status.ts';
import { eventually, FakeClock } from '../support/fake-clock.ts';
import { okRun, startScriptedService } from '../support/scripted-service.ts';

let work: string;
let service: AppService | undefined;
beforeEach(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-control-'));
});
afterEach(async () => {
  await service?.dispose();
  service = undefined;
  await rm(work, { recursive: true, force: true });
});

const authFailed = (): RunResult => ({ ...okRun(), exitCode: 5, stderr: '@ERROR: auth failed on module m\n' });

const profile = (name: string) => ({
  name,
  source: work,
  keepDeletedDays: 0,
  targets: [{ host: '127.0.0.1', module: name, user: 'u', auth: { type: 'secret' } }],
});

async function start(options: { clock?: FakeClock; answer?: () => RunResult; stateDir?: string } = {}) {
  const host = await startScriptedService({
    ...options,
    config: { version: 2, profiles: [profile('A'), profile('B')] },
    secrets: [
      ['u@127.0.0.1:873/A', 'pw'],
      ['u@127.0.0.1:873/B', 'pw'],
    ],
  });
  service = host.service;
  const call = async (method: string, input: unknown) => {
    const r = await host.call(method, input);
    if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
    return r.value;
  };
  const state = async (name: string) =>
    ((await call('status.get', {})) as ProfileStatus[]).find((s) => s.name === name)!.state;
  return { call, state, runs: host.runs, stored: host.stored };
}

describe('pauses are kept', () => {
  it('editing a paused profile keeps it paused (it used to resume silently)', async () => {
    const { call, state, stored } = await start();
    await call('sync.pause', { profile: 'A' });
    const edited = { ...stored().profiles.find((p) => p.name === 'A')!, debounceMs: 123 };
    await call('profiles.save', { profile: edited, previousName: 'A' });
    expect(await state('A')).toBe('paused');
    expect(await state('B')).not.toBe('paused');
  });

  it('changing the rsync path restarts the engine but resumes nothing', async () => {
    const { call, state } = await start();
    await call('sync.pause', {});
    await call('settings.set', { settings: { rsyncPath: '/usr/bin/rsync' } });
    expect([await state('A'), await state('B')]).toEqual(['paused', 'paused']);
  });

  it('a timed pause of one profile ending does not undo a later "pause all"', async () => {
    const clock = new FakeClock();
    const { call, state } = await start({ clock });
    await call('sync.pause', { profile: 'A', minutes: 15 });
    await call('sync.pause', {});
    await clock.advance(16 * 60_000);
    expect([await state('A'), await state('B')]).toEqual(['paused', 'paused']);
    await call('sync.resume', {});
    await eventually(() => true);
    expect(await state('A')).not.toBe('paused');
  });

  it(
    'a timed pause ends by itself at its deadline, ' + 'and a "pause all" ending keeps a profile paused on its own',
    async () => {
      const clock = new FakeClock();
      const { call, state } = await start({ clock });
      await call('sync.pause', { profile: 'B' });
      await call('sync.pause', { minutes: 60 });
      await clock.advance(59 * 60_000);
      expect(await state('A')).toBe('paused');
      await clock.advance(2 * 60_000);
      expect(await state('A')).not.toBe('paused');
      expect(await state('B')).toBe('paused');
    },
  );

  it('resuming one profile while all are paused resumes just that one', async () => {
    const { call, state } = await start();
    await call('sync.pause', {});
    await call('sync.resume', { profile: 'A' });
    expect(await state('A')).not.toBe('paused');
    expect(await state('B')).toBe('paused');
  });

  it('a pause survives a restart of the host (kept in the state folder)', async () => {
    const stateDir = path.join(work, 'state');
    let host = await start({ stateDir });
    await host.call('sync.pause', { profile: 'B' });
    await service!.dispose();
    host = await start({ stateDir });
    expect(await host.state('B')).toBe('paused');
    expect(await host.state('A')).not.toBe('paused');
    expect(await (await ControlState.load(ControlState.fileIn(stateDir))).isPaused('B', Date.now())).toBe(true);
  });
});

describe('a fix is tried at once', () => {
  it('storing a password for a failing target retries it now, not after the backoff', async () => {
    const clock = new FakeClock();
    let answer = authFailed;
    const { call, runs } = await start({ clock, answer: () => answer() });
    await clock.advance(0); // the initial full syncs are due at once
    await eventually(() => runs.length >= 2);
    const before = runs.length;
    const status = ((await call('status.get', {})) as ProfileStatus[]).find((s) => s.name === 'A')!;
    expect(status.targets[0]!.retry!.nextAt - clock.now(), 'a wrong password backs off slowly').toBeGreaterThanOrEqual(
      15_000,
    );
    answer = okRun;
    await call('secrets.set', { targetKey: 'u@127.0.0.1:873/A', password: 'right' });
    await clock.advance(0);
    await eventually(() => runs.length > before);
    expect(runs.slice(before)).toEqual([expect.stringContaining('/A')]);
  });
});

describe('a bad journal does not stop the engine', () => {
  it('is set aside, said in the log, and the engine starts and syncs', async () => {
    const stateDir = path.join(work, 'state');
    const { mkdir, writeFile, readdir } = await import('node:fs/promises');
    // paths must be [path, flags] pairs: before the journal was validated, this crashed the start.
    const { journalPath } = await import('../../electron/core/sync/journal.ts');
    await mkdir(stateDir, { recursive: true });
    await writeFile(
      journalPath(stateDir, 'A'),
      JSON.stringify({ version: 1, profile: 'A', targets: { k: { paths: 'x' } } }),
    );
    const host = await start({ stateDir });
    await eventually(() => host.runs.filter((r) => r.includes('/A')).length > 0);
    expect(await host.state('A')).not.toBe('error');
    expect((await readdir(stateDir)).some((f) => f.includes('.bad-'))).toBe(true);
  });
});
