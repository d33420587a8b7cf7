/**
 * An honest "current" against a real daemon: an idle target whose daemon goes away says so
 * (retrying, unreachable since …) without anything changing in the source, and is current again
 * when the daemon is back; changes made during an outage go as soon as the daemon answers, not
 * when the backoff ends. The probes leave nothing in the daemon's log.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { statusLine } from '../../electron/shared/presenter.ts';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.ts';

let fx: SyncFixture | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

const reachability = { idleEveryMs: 300, downEveryMs: 200, backoffEveryMs: 100 };

describe('reachability (real daemon)', () => {
  it('an idle target whose daemon goes away is not current, and is again when it is back', async () => {
    fx = await startSyncFixture({ engine: { reachability } });
    await fx.converged();
    const logBefore = await readFile(fx.daemon.logFile, 'utf8');
    await fx.daemon.stop();
    const down = await fx.waitForStatus((s) => s.state === 'retrying');
    const t = down.targets[0]!;
    expect(t.lastError, JSON.stringify(t.lastError)).toMatchObject({ code: 'CONNECTION_REFUSED' });
    expect(t.lastError?.message).toMatch(/does not answer: (nothing listens on that port|it closed the connection)/);
    expect(t.unreachableSince).toBeTypeOf('number');
    expect(statusLine(down, Date.now(), { error: 'full' })).toMatch(
      /^retrying \(attempt \d+ (in|now).*; unreachable since \d\d:\d\d\): The rsync daemon at 127\.0\.0\.1:\d+ does not answer/,
    );
    expect(
      fx.runs().filter((r) => r.outcome !== 'ok'),
      'no rsync was run to find out',
    ).toEqual([]);
    await fx.daemon.start();
    const back = await fx.waitForStatus((s) => s.state === 'idle');
    expect(back.targets[0]!).toMatchObject({ unreachableSince: null, lastError: null, retry: null });
    // Probes read the greeting and close: the daemon logs the connection, and no listing, transfer or error.
    const added = (await readFile(fx.daemon.logFile, 'utf8')).slice(logBefore.length);
    expect(added, added).toMatch(/connect from/);
    expect(added, added).not.toMatch(/module-list|rsync on|rsync to|error/i);
  });

  it('changes made during an outage go as soon as the daemon answers, not when the backoff ends', async () => {
    fx = await startSyncFixture({ engine: { reachability } });
    await fx.converged();
    await fx.daemon.stop();
    await writeFile(path.join(fx.source, 'written-during-outage.txt'), 'x');
    // The third attempt's backoff is 2–4 s.
    const waiting = await fx.waitForStatus((s) => (s.targets[0]!.retry?.attempt ?? 0) >= 3, 30_000);
    const due = waiting.targets[0]!.retry!.nextAt;
    expect(waiting.targets[0]!.unreachableSince).toBeTypeOf('number');
    await fx.daemon.start();
    await fx.converged();
    const run = fx
      .runs()
      .find((r) => r.outcome === 'ok' && r.kind === 'batch' && r.startedAt >= waiting.targets[0]!.unreachableSince!);
    expect(run, 'a batch after the outage').toBeDefined();
    expect(run!.startedAt, 'started before its backoff was due').toBeLessThan(due);
    expect(fx.status().targets[0]!.unreachableSince).toBeNull();
  });
});
