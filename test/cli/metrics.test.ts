/**
 * `GET /metrics` on `rsync-tray serve` after a real sync against a real daemon: the text passes
 * `promtool check metrics`, and its numbers are what the engine did (files sent, deletions,
 * the last success), behind the same token as the API.
 */
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ActivityLog } from '../../electron/core/service/activity-log.ts';
import { startServe, type ServeHandle } from '../../electron/headless/serve.ts';
import { startMetricsServer } from '../../electron/headless/serve-metrics.ts';
import type { ApiHandlers } from '../../electron/shared/contract.ts';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.ts';

let fx: SyncFixture | undefined;
let web: ServeHandle | undefined;
afterEach(async () => {
  await web?.dispose();
  await fx?.dispose();
  fx = undefined;
  web = undefined;
});

/** The sample of `name` whose labels include all of `labels`. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('metrics on serve', () => {
  it('reports what a real sync did, in a format promtool accepts', async () => {
    fx = await startSyncFixture({
      prepare: async ({ source, backup }) => {
        await mkdir(path.join(source, 'docs'));
        for (let i = 0; i < 7; i++) await writeFile(path.join(source, 'docs', `f${i}.txt`), 'x'.repeat(100 + i));
        await writeFile(path.join(backup, 'stale.txt'), 'only on the backup');
      },
    });
    await fx.converged();
    const log = new ActivityLog();
    for (const run of fx.runs()) log.add(run);
    const engine = fx.engine;
    const handlers = {
      'status.get': async () => engine.status(),
      'activity.list': async (input: { limit?: number }) => log.list(input),
    } as unknown as ApiHandlers;
    web = await startServe({ handlers, subscribe: () => () => {}, staticDir: fx.source });
    const url = `${web.origin}/metrics`;

    const denied = await fetch(url);
    expect(denied.status).toBe(401);
    const reply = await fetch(url, { headers: { authorization: `Bearer ${web.token}` } });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await reply.text();

    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(check.error, 'promtool is missing: apt-get install prometheus').toBeUndefined();
    expect(`${check.stdout}${check.stderr}`.trim()).toBe('');
    expect(check.status).toBe(0);

    const target = engine.status()[0]!.targets[0]!;
    const labels = { profile: 'test', target: target.key };
    const runs = fx.runs();
    const files = runs.reduce((n, r) => n + r.files, 0);
    expect(files).toBe(7);
    expect(sample(text, 'rsync_tray_files_sent_total', labels)).toBe(target.totals.files);
    expect(target.totals.files).toBe(7);
    expect(sample(text, 'rsync_tray_sent_bytes_total', labels)).toBe(target.totals.bytes);
    expect(target.totals.bytes).toBeGreaterThan(700);
    expect(sample(text, 'rsync_tray_deletions_total', labels)).toBe(1);
    expect(sample(text, 'rsync_tray_pending_paths', labels)).toBe(0);
    expect(sample(text, 'rsync_tray_target_state', { ...labels, state: 'idle' })).toBe(1);
    expect(sample(text, 'rsync_tray_target_state', { ...labels, state: 'error' })).toBe(0);
    expect(sample(text, 'rsync_tray_last_success_timestamp_seconds', labels)).toBe(target.lastSuccessAt! / 1000);
    expect(sample(text, 'rsync_tray_resident_memory_bytes', {})).toBeGreaterThan(1_000_000);

    // Scraped again, the deletion counter does not count the same runs twice.
    const again = await (await fetch(url, { headers: { authorization: `Bearer ${web.token}` } })).text();
    expect(sample(again, 'rsync_tray_deletions_total', labels)).toBe(1);
  });

  it('on a loopback port of its own, with a token file of mode 600', async () => {
    fx = await startSyncFixture({
      prepare: async ({ source }) => writeFile(path.join(source, 'one.txt'), 'one'),
    });
    await fx.converged();
    const engine = fx.engine;
    const handlers = {
      'status.get': async () => engine.status(),
      'activity.list': async () => [],
    } as unknown as ApiHandlers;
    const tokenFile = path.join(fx.backup, '..', 'metrics-token');
    const token = 'a'.repeat(40);
    await writeFile(tokenFile, `${token}\n`, { mode: 0o644 });
    await chmod(tokenFile, 0o644);
    await expect(startMetricsServer({ handlers, port: 0, tokenFile })).rejects.toMatchObject({
      code: 'SECRETS_FILE_MODE',
    });
    await chmod(tokenFile, 0o600);
    const metrics = await startMetricsServer({ handlers, port: 0, tokenFile });
    try {
      const url = `http://127.0.0.1:${metrics.port}/metrics`;
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${metrics.port}/api/call`)).status).toBe(404);
      const reply = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(reply.status).toBe(200);
      const text = await reply.text();
      const key = engine.status()[0]!.targets[0]!.key;
      expect(sample(text, 'rsync_tray_files_sent_total', { profile: 'test', target: key })).toBe(1);
    } finally {
      await metrics.dispose();
    }
  });
});
