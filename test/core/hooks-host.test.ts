/**
 * The hooks host: run records become one incident per persisting failure, the profile's real
 * command runs with the facts, its URL is pinged on a real server on 127.0.0.1 (success at most
 * once a minute, URL/fail for the failure), and a recovery ends the incident.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHooksHost } from '../../electron/core/service/hooks-host.ts';
import { ProfileSchema } from '../../electron/shared/profile-schema.ts';
import type { EngineEvent, RunRecord } from '../../electron/shared/status.ts';
import { eventually, FakeClock } from '../support/fake-clock.ts';

let dir: string;
let server: http.Server;
let base: string;
let seen: string[];
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-hooks-host-'));
  seen = [];
  server = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    res.end('OK');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/check`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

const run = (outcome: RunRecord['outcome'], extra: Partial<RunRecord> = {}): RunRecord => ({
  profile: 'web',
  target: 'backup.lan:873/web',
  kind: 'batch',
  startedAt: 0,
  durationMs: 10,
  paths: 1,
  files: 1,
  bytes: 10,
  latencyMs: 5,
  deleted: 0,
  moved: 0,
  deletedNames: [],
  outcome,
  error: outcome === 'retry' ? { code: 'CONNECTION_REFUSED', message: 'The daemon does not answer.', hint: 'x' } : null,
  ...extra,
});

describe('hooks host', () => {
  it('one failure hook for ten retries, a recovery hook after, pings URL/fail and URL', async () => {
    const log = path.join(dir, 'events.txt');
    const profile = ProfileSchema.parse({
      name: 'web',
      source: '/srv/web',
      targets: [{ host: 'backup.lan', module: 'web' }],
      hooks: {
        command: `echo "$RSYNC_TRAY_EVENT $RSYNC_TRAY_ERROR_CODE $RSYNC_TRAY_TARGET" >> '${log}'`,
        pingUrl: base,
      },
    });
    const listeners = new Set<(e: EngineEvent) => void>();
    const clock = new FakeClock();
    const messages: string[] = [];
    const host = startHooksHost({
      subscribe: (l) => (listeners.add(l), () => listeners.delete(l)),
      profiles: async () => [profile],
      log: (m) => messages.push(m),
      clock,
      graceMs: 60_000,
    });
    let seq = 0;
    const emit = (r: RunRecord) => listeners.forEach((l) => l({ type: 'run', run: r, seq: ++seq, at: clock.now() }));

    emit(run('ok'));
    emit(run('ok')); // within the minute: no second heartbeat
    for (let i = 0; i < 10; i++) {
      emit(run('retry'));
      await clock.advance(20_000);
    }
    emit(run('ok'));
    await eventually(() => seen.length >= 4);
    await host.dispose();

    expect((await readFile(log, 'utf8')).trim().split('\n')).toEqual([
      'failure CONNECTION_REFUSED backup.lan:873/web',
      'recovery CONNECTION_REFUSED backup.lan:873/web',
    ]);
    // The first heartbeat (the second ok was within its minute), the failure once, then the recovery
    // and a heartbeat (the minute has passed). Pings run in the background: their order is not fixed.
    expect(seen[0]).toBe('/check');
    expect([...seen].sort()).toEqual(['/check', '/check', '/check', '/check/fail']);
    expect(messages).toEqual([]);
  });
});
