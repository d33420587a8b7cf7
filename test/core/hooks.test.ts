/**
 * Hooks: the incident state machine under fake time (one incident per persisting failure, however
 * many retries; recovery ends it; a blip within the grace fires nothing), a real hook command
 * (the facts in its environment, a hung one killed with what it started), and a real HTTP ping
 * against a server on 127.0.0.1 (URL, URL/fail, a hung server timed out).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookEnv, pingHook, runHookCommand } from '../../electron/core/service/hooks.ts';
import { type IncidentFire, IncidentTracker } from '../../electron/core/sync/incident.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { validateConfig } from '../../electron/core/config/config-file.ts';
import { ProfileSchema } from '../../electron/shared/profile-schema.ts';
import { issueSentence } from '../../electron/shared/validation-messages.ts';

/** Whether `pid` still runs: gone, or a zombie no init has reaped yet (its end is what counts). */
async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return stat !== null && !/^\d+ \(.*\) Z/.test(stat);
}

const fail = { kind: 'failure', code: 'UNREACHABLE', message: 'The daemon does not answer.' } as const;

describe('incidents', () => {
  it('a failure that persists over ten retries is one incident; the first success is its recovery', async () => {
    const clock = new FakeClock();
    const fired: IncidentFire[] = [];
    const t = new IncidentTracker(clock, (f) => fired.push(f), 60_000);
    for (let i = 0; i < 10; i++) {
      t.observe('a', fail);
      await clock.advance(30_000);
    }
    expect(fired.map((f) => f.event)).toEqual(['failure']);
    expect(fired[0]).toMatchObject({ target: 'a', code: 'UNREACHABLE' });
    t.observe('a', { kind: 'success' });
    t.observe('a', { kind: 'success' });
    expect(fired.map((f) => f.event)).toEqual(['failure', 'recovery']);
    // A new failure after the recovery is a new incident.
    t.observe('a', fail);
    await clock.advance(60_000);
    expect(fired.map((f) => f.event)).toEqual(['failure', 'recovery', 'failure']);
  });

  it('a failure mended within the grace fires nothing, not even a recovery', async () => {
    const clock = new FakeClock();
    const fired: IncidentFire[] = [];
    const t = new IncidentTracker(clock, (f) => fired.push(f), 60_000);
    t.observe('a', fail);
    await clock.advance(59_000);
    t.observe('a', { kind: 'success' });
    await clock.advance(120_000);
    expect(fired).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('targets are apart, and a held deletion fires once until it is released', async () => {
    const clock = new FakeClock();
    const fired: IncidentFire[] = [];
    const t = new IncidentTracker(clock, (f) => fired.push(f), 0);
    t.observe('a', fail);
    t.observe('b', { kind: 'held', count: 40 });
    t.observe('b', { kind: 'held', count: 41 });
    t.observe('b', { kind: 'released' });
    t.observe('b', { kind: 'held', count: 3 });
    expect(fired.map((f) => [f.event, f.target, f.heldCount])).toEqual([
      ['failure', 'a', undefined],
      ['held-deletion', 'b', 40],
      ['held-deletion', 'b', 3],
    ]);
  });
});

describe('hook command', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-hooks-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('sees the facts in RSYNC_TRAY_* variables', async () => {
    const out = path.join(dir, 'env.txt');
    const env = hookEnv('web', { event: 'failure', target: 't1', code: 'AUTH_FAILED', message: 'wrong "password"' });
    const r = await runHookCommand(`env | grep ^RSYNC_TRAY_ | sort > '${out}'`, env);
    expect(r).toMatchObject({ ok: true, code: 0, timedOut: false });
    expect((await readFile(out, 'utf8')).trim().split('\n')).toEqual([
      'RSYNC_TRAY_ERROR_CODE=AUTH_FAILED',
      'RSYNC_TRAY_EVENT=failure',
      'RSYNC_TRAY_MESSAGE=wrong "password"',
      'RSYNC_TRAY_PROFILE=web',
      'RSYNC_TRAY_TARGET=t1',
    ]);
  });

  it('a hung hook is killed with what it started, at the timeout', async () => {
    const pidFile = path.join(dir, 'pid');
    const started = Date.now();
    const r = await runHookCommand(`sleep 30 & echo $! > '${pidFile}'; wait`, {}, { timeoutMs: 300 });
    expect(r).toMatchObject({ ok: false, timedOut: true });
    expect(Date.now() - started).toBeLessThan(5_000);
    const sleeper = Number(await readFile(pidFile, 'utf8'));
    await new Promise((res) => setTimeout(res, 100));
    expect(await running(sleeper)).toBe(false);
  });

  it('a failing command is reported as such', async () => {
    expect(await runHookCommand('exit 3', {})).toMatchObject({ ok: false, code: 3, timedOut: false });
  });
});

describe('ping', () => {
  let server: http.Server;
  let base: string;
  const seen: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(req.url ?? '');
      if (req.url?.startsWith('/hang')) return; // never answers
      res.end('OK');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('pings URL on success and recovery, URL/fail on failure and held deletion', async () => {
    expect(await pingHook(`${base}/abc`, 'success')).toMatchObject({ ok: true, code: 200 });
    await pingHook(`${base}/abc/`, 'failure');
    await pingHook(`${base}/abc`, 'recovery');
    await pingHook(`${base}/abc`, 'held-deletion');
    expect(seen).toEqual(['/abc', '/abc/fail', '/abc', '/abc/fail']);
  });

  it('a server that never answers is given up on at the timeout', async () => {
    const started = Date.now();
    const r = await pingHook(`${base}/hang`, 'failure', 200);
    expect(r).toMatchObject({ ok: false, timedOut: true });
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe('hooks in a profile', () => {
  const good = { name: 'web', source: '/srv/web', targets: [{ host: 'backup.lan', module: 'web' }] };
  const sentence = (hooks: unknown) => {
    const r = ProfileSchema.safeParse({ ...good, hooks });
    return r.success ? '' : issueSentence(r.error.issues[0]!);
  };

  it('are optional, with a default timeout, and refused in words', () => {
    expect(ProfileSchema.parse(good).hooks).toBeUndefined();
    expect(ProfileSchema.parse({ ...good, hooks: { command: 'true' } }).hooks).toEqual({
      command: 'true',
      timeoutSeconds: 30,
    });
    expect(sentence({ pingUrl: 'ftp://hc-ping.com/x' })).toBe(
      'The ping address must be an http:// or https:// address, such as https://hc-ping.com/UUID.',
    );
    expect(sentence({ timeoutSeconds: 0 })).toBe(
      'The hook timeout must be a whole number of seconds between 1 and 600.',
    );
    expect(sentence({ command: '' })).toBe('Give the hook command, or leave out the command field.');
    expect(() => validateConfig({ version: 2, profiles: [{ ...good, hooks: { comand: 'x' } }] })).toThrow(
      /profiles\[0\]\.hooks \(profile "web"\): Unknown field "comand" \(did you mean "command"\?\)/,
    );
  });
});
