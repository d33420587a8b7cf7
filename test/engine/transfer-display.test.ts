/**
 * What the status says about a transfer and the server, against a real daemon with a bandwidth
 * limit (so a batch lasts seconds): the rate shown is never above the limit (rsync's own figure
 * was, by six times), files done count up, the pending count moves down while the batch runs,
 * the last contact is set, and a file the daemon cannot take is named as failed.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TargetStatus } from '../../electron/shared/status.ts';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.ts';

let fx: SyncFixture | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

const MiB = 1024 ** 2;

/** Every target status the events carried, in order. */
const targetsSeen = (f: SyncFixture): TargetStatus[] =>
  f.events.flatMap((e) => (e.type === 'status' ? e.status.targets : []));

describe('transfer display and server health', () => {
  it('a limited batch: rate within the limit, files done counting up, pending moving down', async () => {
    fx = await startSyncFixture({ profile: { bandwidthLimit: '1M' } });
    await fx.converged({ timeoutMs: 30_000 });
    expect(fx.status().targets[0]!.lastContactAt, 'the first full sync reached the daemon').toBeGreaterThan(0);
    const before = fx.events.length;

    // 8 files of 384 KiB at 1 MiB/s: about 3 s in one batch.
    for (let i = 0; i < 8; i++) await writeFile(path.join(fx.source, `f${i}.bin`), Buffer.alloc(384 * 1024, i));
    await fx.converged({ timeoutMs: 30_000 });

    const seen = targetsSeen(fx).slice(0);
    const during = fx.events
      .slice(before)
      .flatMap((e) => (e.type === 'status' ? e.status.targets : []))
      .filter((t) => t.progress?.kind === 'batch');
    expect(during.length, 'progress was reported while the batch ran').toBeGreaterThan(3);
    const rates = during.map((t) => t.progress!.bytesPerSecond);
    expect(Math.max(...rates), 'the rate was measured').toBeGreaterThan(0);
    // The smoothed rate is capped at the limit; rsync's own column said up to several times it.
    expect(Math.max(...rates)).toBeLessThanOrEqual(1.02 * MiB);
    expect(rates[0], 'no rate on the first tick').toBe(0);

    const done = during.map((t) => t.progress!.filesDone ?? 0);
    expect(
      done.every((n, i) => i === 0 || n >= done[i - 1]!),
      `files done only count up: ${done}`,
    ).toBe(true);
    expect(Math.max(...done)).toBeGreaterThan(Math.min(...done));
    expect(during.some((t) => t.progress!.filesTotal !== null && t.progress!.filesTotal! >= 8)).toBe(true);

    const pending = during.map((t) => t.pending);
    expect(
      pending.some((n) => n > 0 && n < 8),
      `pending moves during the batch: ${pending}`,
    ).toBe(true);

    const last = seen.at(-1)!;
    expect(
      last.rateHistory?.samples.some((s) => s > 0),
      'the graph has the batch',
    ).toBe(true);
    expect(Math.max(...last.rateHistory!.samples)).toBeLessThanOrEqual(1.02 * MiB);
    expect(last.failed ?? null).toBeNull();
  });

  it('names the files the daemon could not take', async () => {
    // The daemon's module refuses the name (exit 23: "daemon refused to receive file").
    fx = await startSyncFixture({ daemon: { modules: [{ name: 'backup', extra: ['exclude = /secret.txt'] }] } });
    await fx.converged({ timeoutMs: 30_000 });
    await writeFile(path.join(fx.source, 'fine.txt'), 'ok');
    await writeFile(path.join(fx.source, 'secret.txt'), 'kept off the backup');
    const s = await fx.waitForStatus((p) => (p.targets[0]!.failed?.count ?? 0) > 0, 20_000);
    expect(s.targets[0]!.failed).toMatchObject({ count: 1, names: ['secret.txt'] });
    expect(s.targets[0]!.lastContactAt, 'a daemon that refuses a file was still contacted').toBeGreaterThan(0);
  });
});
