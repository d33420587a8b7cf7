/**
 * The window's logic that needs no DOM: the editor's form model, the browser transport, the
 * Buffer stand-in, and number formatting (the shared presenter's, which the window uses; the full
 * table is test/shared/presenter.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../electron/shared/status.ts';
import { ProfileSchema } from '../../electron/shared/profile-schema.ts';
import { createHttpClient } from '../../renderer/src/api/http-client.ts';
import { formatAgo, formatBytes, formatDuration, formatEta } from '../../electron/shared/presenter.ts';
import {
  emptyForm,
  formFromProfile,
  PROFILE_DEFAULTS,
  profileInput,
  targetKeyOf,
  validateForm,
} from '../../renderer/src/profile-form.ts';
import { preferencesPatch, settingsFormFrom, validateSettings } from '../../renderer/src/settings-form.ts';

describe('profile form model', () => {
  const full = ProfileSchema.parse({
    name: 'web',
    enabled: false,
    source: '/srv/www',
    targets: [
      {
        host: 'a.example',
        port: 874,
        module: 'www',
        path: 'site/',
        user: 'deploy',
        auth: { type: 'passwordFile', path: '/etc/rsync.pw' },
      },
      { host: '10.0.0.2', module: 'www', auth: { type: 'env', variable: 'PW' } },
      { host: 'c', module: 'm', auth: { type: 'secret' } },
    ],
    bandwidthLimit: '5M',
    excludes: ['*.tmp', 'cache/'],
    deletions: false,
    maxDeletePercent: 5,
    keepDeletedDays: 7,
    compress: true,
    debounceMs: 200,
    maxDelayMs: 5_000,
    fullSyncIntervalMinutes: 0,
    timeoutSeconds: 60,
    watch: 'poll',
    pollIntervalSeconds: 10,
    hooks: { command: '/usr/local/bin/page-me', pingUrl: 'https://hc-ping.com/abc', timeoutSeconds: 20 },
  });

  it('every field of a profile survives profile → form → profile', () => {
    const { profile, errors } = validateForm(formFromProfile(full));
    expect(errors).toEqual({});
    expect(profile).toEqual(full);
  });

  it('a field the window does not edit (hooks) is saved back as it was, an edited one as edited', () => {
    const form = formFromProfile(full);
    form.bandwidthLimit = '1M';
    const { profile } = validateForm(form);
    expect(profile?.hooks).toEqual(full.hooks);
    expect(profile?.bandwidthLimit).toBe('1M');
  });

  it('the form covers every field of the schema', () => {
    const input = profileInput(emptyForm()) as Record<string, unknown>;
    expect(Object.keys(input).sort()).toEqual(Object.keys(PROFILE_DEFAULTS).sort());
  });

  it('empty numbers take the schema defaults; the default debounce can come from settings', () => {
    const form = { ...emptyForm({ debounceMs: 250 }), name: 'n', source: '/s' };
    form.targets[0] = { ...form.targets[0]!, host: 'h', module: 'm' };
    form.timeoutSeconds = '';
    const { profile } = validateForm(form);
    expect(profile?.timeoutSeconds).toBe(PROFILE_DEFAULTS.timeoutSeconds);
    expect(profile?.debounceMs).toBe(250);
  });

  it('the secret-store key is the engine’s targetKey, once the target is valid', () => {
    const form = formFromProfile(full);
    expect(targetKeyOf(form.targets[0]!)).toBe('deploy@a.example:874/www/site');
    expect(targetKeyOf({ ...form.targets[0]!, host: '' })).toBeNull();
  });
});

describe('settings form model', () => {
  it('round-trips the settings and validates with the schema’s messages', () => {
    const form = settingsFormFrom({ rsyncPath: '/usr/local/bin/rsync', defaultDebounceMs: 250 });
    expect(form).toEqual({ rsyncPath: '/usr/local/bin/rsync', defaultDebounceMs: '250' });
    expect(validateSettings(form)).toEqual({
      patch: { rsyncPath: '/usr/local/bin/rsync', defaultDebounceMs: 250 },
      errors: {},
    });
    expect(validateSettings({ rsyncPath: ' ', defaultDebounceMs: '' }).errors).toEqual({
      rsyncPath: 'Give the rsync program, such as rsync or /usr/local/bin/rsync.',
      defaultDebounceMs: 'Give the default quiet time in milliseconds, such as 5.',
    });
    expect(validateSettings({ rsyncPath: 'rsync', defaultDebounceMs: 'soon' }).errors.defaultDebounceMs).toBe(
      'Give the default quiet time in milliseconds, such as 5.',
    );
    expect(validateSettings({ rsyncPath: 'rsync', defaultDebounceMs: '70000' })).toEqual({
      patch: null,
      errors: {
        defaultDebounceMs: 'The default quiet time must be a whole number of milliseconds between 0 and 60,000.',
      },
    });
    expect(validateSettings({ rsyncPath: 'rsync', defaultDebounceMs: '1.5' }).errors.defaultDebounceMs).toBe(
      'The default quiet time must be a whole number of milliseconds between 0 and 60,000.',
    );
  });

  it('a preferences patch holds only what changed, and never an unknown start at login', () => {
    const before = {
      startAtLogin: true,
      notifications: { muted: false, failures: true, recoveries: true, confirmations: true },
    };
    expect(preferencesPatch(before, structuredClone(before))).toBeNull();
    expect(preferencesPatch(before, { ...before, notifications: { ...before.notifications, muted: true } })).toEqual({
      notifications: { muted: true },
    });
    expect(preferencesPatch(before, { ...before, startAtLogin: false })).toEqual({ startAtLogin: false });
    expect(preferencesPatch({ ...before, startAtLogin: null }, { ...before, startAtLogin: null })).toBeNull();
  });
});

describe('browser transport', () => {
  class FakeSocket {
    static all: FakeSocket[] = [];
    onopen: (() => void) | null = null;
    onmessage: ((m: { data: string }) => void) | null = null;
    onclose: (() => void) | null = null;
    closed = false;
    readonly url: string;
    constructor(url: string) {
      this.url = url;
      FakeSocket.all.push(this);
    }
    close() {
      this.closed = true;
      this.onclose?.();
    }
  }

  it('calls POST /api/call with JSON and returns the host’s result as is', async () => {
    const requests: Array<{ url: string; init: RequestInit }> = [];
    const fetchFake = (async (url: string, init: RequestInit) => {
      requests.push({ url, init });
      return new Response(JSON.stringify({ ok: true, value: [] }), { status: 200 });
    }) as unknown as typeof fetch;
    const client = createHttpClient({
      origin: 'http://127.0.0.1:9',
      fetch: fetchFake,
      WebSocket: FakeSocket as unknown as typeof WebSocket,
    });
    expect(await client.call('status.get', {})).toEqual({ ok: true, value: [] });
    expect(requests[0]!.url).toBe('http://127.0.0.1:9/api/call');
    expect(requests[0]!.init.method).toBe('POST');
    expect(JSON.parse(String(requests[0]!.init.body))).toEqual({ method: 'status.get', input: {} });
    expect((requests[0]!.init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
  });

  it('a host that is gone is an error result that says what to do, not an exception', async () => {
    const fetchFake = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    const client = createHttpClient({
      origin: 'http://127.0.0.1:9',
      fetch: fetchFake,
      WebSocket: FakeSocket as unknown as typeof WebSocket,
    });
    const r = await client.call('status.get', {});
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'NOT_RUNNING', hint: expect.stringContaining('rsync-tray serve') },
    });
  });

  it('events come from ws://…/api/events, and the stream reconnects after a drop', async () => {
    FakeSocket.all = [];
    const client = createHttpClient({
      origin: 'http://127.0.0.1:9',
      fetch: fetch,
      WebSocket: FakeSocket as unknown as typeof WebSocket,
      retryMs: 5,
    });
    const states: string[] = [];
    client.onConnection!((s) => states.push(s));
    const events: EngineEvent[] = [];
    const stop = client.onEvent((e) => events.push(e));
    expect(FakeSocket.all[0]!.url).toBe('ws://127.0.0.1:9/api/events');
    FakeSocket.all[0]!.onopen!();
    FakeSocket.all[0]!.onmessage!({
      data: JSON.stringify({ type: 'log', level: 'info', message: 'hi', seq: 1, at: 0 }),
    });
    expect(events).toHaveLength(1);
    FakeSocket.all[0]!.close();
    await new Promise((r) => setTimeout(r, 20));
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1]!.onopen!();
    expect(states).toEqual(['closed', 'connecting', 'open', 'closed', 'connecting', 'open']);
    stop();
    expect(FakeSocket.all[1]!.closed).toBe(true);
  });
});

describe('formatting', () => {
  it('bytes, durations, time left, time ago', () => {
    expect([formatBytes(0), formatBytes(1536), formatBytes(5 * 1024 ** 3), formatBytes(123 * 1024 ** 2)]).toEqual([
      '0 B',
      '1.5 KiB',
      '5.0 GiB',
      '123 MiB',
    ]);
    expect([formatDuration(120), formatDuration(2_500), formatDuration(125_000), formatDuration(3_900_000)]).toEqual([
      '120 ms',
      '2.5 s',
      '2 min 5 s',
      '1 h 5 min',
    ]);
    expect([formatEta(null), formatEta(0.2), formatEta(95), formatEta(7_200)]).toEqual([
      '',
      '1 s left',
      'about 2 min left',
      'about 2.0 h left',
    ]);
    const now = 1_000_000_000;
    expect([
      formatAgo(null, now),
      formatAgo(now - 2_000, now),
      formatAgo(now - 42_000, now),
      formatAgo(now - 3 * 3_600_000, now),
    ]).toEqual(['never', 'just now', '42 s ago', '3 h ago']);
  });
});
