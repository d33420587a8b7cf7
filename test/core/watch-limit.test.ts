/**
 * The kernel's inotify watch limit (fs.inotify.max_user_watches) below a tree's folder count: the
 * native watcher says so with a typed trouble that names the exact sysctl line, and closes what
 * it had set. The limit is lowered for real (root only) and put back in afterEach.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { directoryTreeWatcher } from '../../electron/core/watch/directory-watcher.ts';
import { troubleFromError, WATCH_LIMIT, watchLimitTrouble } from '../../electron/core/watch/tree-watcher.ts';
import { isRoot, lowerWatchLimit } from '../support/inotify-limit.ts';

describe('watch-limit advice', () => {
  it('names the exact sysctl line, at least twice the folders reached and never below 524288', () => {
    expect(WATCH_LIMIT.code).toBe('WATCH_LIMIT');
    expect(WATCH_LIMIT.message).toContain('sudo sysctl fs.inotify.max_user_watches=524288');
    const big = watchLimitTrouble(300_000);
    expect(big.message).toContain('after 300,000 folders');
    expect(big.message).toContain('sudo sysctl fs.inotify.max_user_watches=655360');
    expect(big.reason).toBe('watch-limit');
  });

  it('reads ENOSPC as the watch limit, and keeps what a watcher attached to the error', () => {
    const enospc = Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), {
      code: 'ENOSPC',
    });
    expect(troubleFromError(enospc)).toEqual(WATCH_LIMIT);
    const told = Object.assign(new Error('x'), { trouble: watchLimitTrouble(2_000_000) });
    expect(troubleFromError(told).message).toContain('max_user_watches=4063232');
  });
});

describe.skipIf(!isRoot)('watch limit below the folder count (root: lowers the sysctl)', () => {
  let restore = (): void => undefined;
  let root = '';
  afterEach(() => {
    restore();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('fails the start with the typed trouble and the folder count reached', async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'watch-limit-'));
    for (let i = 0; i < 400; i++) mkdirSync(path.join(root, `d${i}`, 'sub'), { recursive: true });
    // Just above what is in use now: the shared machine's other watchers keep working.
    restore = lowerWatchLimit(100);
    const error = await directoryTreeWatcher(
      { root, isExcluded: () => false },
      { onEvents: () => undefined, onTrouble: () => undefined },
    ).then(
      () => null,
      (e: Error) => e,
    );
    restore();
    expect(error).not.toBeNull();
    const trouble = troubleFromError(error!);
    expect(trouble.code).toBe('WATCH_LIMIT');
    expect(trouble.message).toMatch(/after \d+ folders/);
    expect(trouble.message).toContain('sudo sysctl fs.inotify.max_user_watches=524288');
  });
});
if (!isRoot) console.log('watch-limit.test: not root, the sysctl test is skipped');
