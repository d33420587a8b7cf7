/**
 * Through the app service as a host drives it (rsync scripted, time faked): a paused profile says
 * until when (status.get and its status events), a pause that only moves its deadline is said
 * too, and rsync's own words of a failed run are kept for the Log screen (log.list).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppService } from '../../electron/core/service/app-service.ts';
import type { RunResult } from '../../electron/core/rsync/rsync-runner.ts';
import type { LogPage } from '../../electron/shared/contract.ts';
import type { EngineEvent, ProfileStatus } from '../../electron/shared/status.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { poll } from '../support/sync-fixture.ts';
import { okRun, startScriptedService } from '../support/scripted-service.ts';

let work: string;
let service: AppService | undefined;
beforeEach(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-pause-log-'));
});
afterEach(async () => {
  await service?.dispose();
  service = undefined;
  await rm(work, { recursive: true, force: true });
});

const profile = (name: string) => ({
  name,
  source: work,
  keepDeletedDays: 0,
  targets: [{ host: '127.0.0.1', module: name, user: 'u', auth: { type: 'secret' } }],
});

async function start(options: { clock?: FakeClock; answer?: () => RunResult } = {}) {
  const host = await startScriptedService({
    ...options,
    config: { version: 2, profiles: [profile('A'), profile('B')] },
    secrets: [
      ['u@127.0.0.1:873/A', 'pw'],
      ['u@127.0.0.1:873/B', 'pw'],
    ],
  });
  service = host.service;
  const events: EngineEvent[] = [];
  host.service.subscribe((e) => events.push(e));
  const call = async (method: string, input: unknown) => {
    const r = await host.call(method, input);
    if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
    return r.value;
  };
  const status = async (name: string) =>
    ((await call('status.get', {})) as ProfileStatus[]).find((s) => s.name === name)!;
  return { call, status, events };
}

describe('paused until', () => {
  it('a timed pause says its end, in status.get and in the status event', async () => {
    const clock = new FakeClock();
    const { call, status, events } = await start({ clock });
    await call('sync.pause', { profile: 'A', minutes: 15 });
    expect((await status('A')).pausedUntil).toBe(clock.now() + 15 * 60_000);
    expect((await status('B')).pausedUntil).toBeUndefined();
    const said = events.filter((e) => e.type === 'status' && e.status.name === 'A').at(-1);
    expect(said?.type === 'status' && said.status.pausedUntil).toBe(clock.now() + 15 * 60_000);
  });

  it('moving the deadline of a pause is said at once, though the state stays "paused"', async () => {
    const clock = new FakeClock();
    const { call, events } = await start({ clock });
    await call('sync.pause', { profile: 'A', minutes: 15 });
    events.length = 0;
    await call('sync.pause', { profile: 'A', minutes: 60 });
    const said = events.filter((e) => e.type === 'status' && e.status.name === 'A');
    expect(said.map((e) => e.type === 'status' && e.status.pausedUntil)).toEqual([clock.now() + 60 * 60_000]);
  });

  it('"until resumed" is null; the end passed, nothing is paused', async () => {
    const clock = new FakeClock();
    const { call, status } = await start({ clock });
    await call('sync.pause', {});
    expect((await status('B')).pausedUntil).toBeNull();
    await call('sync.resume', {});
    await call('sync.pause', { profile: 'B', minutes: 15 });
    await clock.advance(16 * 60_000);
    await poll(
      async () => ((await status('B')).state !== 'paused' ? true : undefined),
      5_000,
      () => 'B stayed paused',
    );
    expect((await status('B')).pausedUntil).toBeUndefined();
  });
});

describe('the log keeps rsync’s own words', () => {
  it('a failed run’s stderr is a line of its profile, at warn (it is retried)', async () => {
    const failed = (): RunResult => ({
      ...okRun(),
      exitCode: 5,
      stderr: "@ERROR: Unknown module 'A'\nrsync error: error starting client-server protocol (code 5)\n",
    });
    const { call } = await start({ answer: failed });
    const page = await poll(
      async () => {
        const p = (await call('log.list', { profile: 'A', level: 'warn' })) as LogPage;
        return p.items.length > 0 ? p : undefined;
      },
      5_000,
      () => 'no warning of A was logged',
    );
    expect(page.items[0]?.level).toBe('warn');
    expect(page.items[0]?.message).toMatch(
      /^rsync to u@127\.0\.0\.1:873\/A failed \(exit 5\): .*\nrsync said:\n@ERROR: Unknown module 'A'/,
    );
    // Filters are the host's: another profile, or errors only, find other lines.
    const errorsOnly = (await call('log.list', { profile: 'A', level: 'error' })) as LogPage;
    expect(errorsOnly.items.every((l) => l.level === 'error')).toBe(true);
    const found = (await call('log.list', { query: 'unknown MODULE' })) as LogPage;
    expect(found.items.length).toBeGreaterThan(0);
    expect(found.items.every((l) => /unknown module/i.test(l.message))).toBe(true);
  });

  it('refuses a level it does not know', async () => {
    const { call } = await start();
    await expect(call('log.list', { level: 'loud' })).rejects.toThrow(/log\.list/);
  });
});
