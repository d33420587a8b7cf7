/**
 * The engine on a tree with more folders than the kernel lets it watch (fs.inotify.max_user_watches
 * lowered for real, root only, put back in afterEach): it says so with the exact sysctl line, goes
 * on in 'rescanning' mode, and changes still reach the backup by the periodic rescans.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isRoot, lowerWatchLimit } from '../support/inotify-limit.ts';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.ts';

const FOLDERS = 5_000;
let fx: SyncFixture | undefined;
let restore = (): void => undefined;
afterEach(async () => {
  restore();
  await fx?.dispose();
  fx = undefined;
});

describe.skipIf(!isRoot)('watch limit below the folder count (root: lowers the sysctl)', () => {
  it('warns with the sysctl line and keeps the backup in step by rescans', async () => {
    fx = await startSyncFixture({
      prepare: async ({ source }) => {
        for (let i = 0; i < FOLDERS; i++) await mkdir(path.join(source, `d${i % 50}`, `s${i}`), { recursive: true });
        await writeFile(path.join(source, 'd0', 's0', 'first.txt'), 'one');
        // Lowered once the tree is there, for as long as the watcher starts.
        restore = lowerWatchLimit(1_000);
      },
      engine: { timings: { rescanEveryMs: 500, rewatchAfterMs: 600_000 } },
    });
    const status = await fx.waitForStatus((s) => s.watch.mode === 'rescanning');
    restore();
    // The status the window shows (the log warning went out before the fixture subscribed).
    expect(status.watch.note).toMatch(/inotify watches \(fs\.inotify\.max_user_watches, after [\d,]+ folders\)/);
    expect(status.watch.note).toContain('sudo sysctl fs.inotify.max_user_watches=524288');
    await fx.converged({ timeoutMs: 60_000 });

    // Unwatched: only a rescan finds these.
    await writeFile(path.join(fx.source, 'd49', 's4999', 'later.txt'), 'found by a rescan');
    await writeFile(path.join(fx.source, 'd0', 's0', 'first.txt'), 'changed');
    await fx.converged({ timeoutMs: 60_000 });
    expect(fx.status().watch.mode).toBe('rescanning');
  }, 120_000);
});
if (!isRoot) console.log('watch-limit.test: not root, the sysctl test is skipped');
