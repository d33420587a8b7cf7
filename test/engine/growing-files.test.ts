/**
 * Growing files against a real daemon: the tracker vouches for a file that only grew, which is
 * then sent with --append (its new bytes, checked on the wire with rsync's stats); a rewrite, a
 * truncation and a same-size edit go the exact path. The backup is byte-identical every time.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, mkdtemp, open, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendArgs } from '../../electron/core/rsync/append-args.ts';
import { filesFromInput } from '../../electron/core/rsync/rsync-args.ts';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { bytesSentBy, engineBatchArgs } from '../support/wire-rsync.ts';
import { GrowthTracker } from '../../electron/core/sync/growth-tracker.ts';
import { systemClock } from '../../electron/core/sync/clock.ts';

let work: string;
let daemon: LocalDaemon;
let source: string;
let url: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-growing-'));
  daemon = await startLocalDaemon({ rootDir: path.join(work, 'daemon') });
  source = path.join(work, 'src');
  await mkdir(source);
  url = `rsync://${daemon.user}@${daemon.host}:${daemon.port}/backup/grow/`;
});
afterAll(async () => {
  await daemon?.dispose();
  if (work) await rm(work, { recursive: true, force: true });
});

const batchArgs = () => engineBatchArgs(daemon.passwordFile, source, url);

/** One sync of `rel` the way the engine would: append when the tracker vouches, else exact. */
async function sync(tracker: GrowthTracker, rel: string): Promise<{ path: string; sent: number }> {
  const decision = await tracker.decide(rel);
  const args = decision.path === 'append' ? appendArgs(batchArgs(), 0)! : batchArgs();
  const { size } = await stat(path.join(source, rel));
  const sent = await bytesSentBy(args, filesFromInput([rel]));
  await tracker.remember(rel, size);
  return { path: decision.path, sent };
}

const backupOf = (rel: string) => readFile(path.join(daemon.modules.backup!, 'grow', rel));
const sourceOf = (rel: string) => readFile(path.join(source, rel));

describe('growing files go by their new bytes', () => {
  it('appends growth, then takes the exact path for rewrite, truncate and same-size edit', async () => {
    const tracker = new GrowthTracker(source, systemClock);
    await writeFile(path.join(source, 'mail.log'), randomBytes(8 * 1024 * 1024));
    expect((await sync(tracker, 'mail.log')).path).toBe('exact');

    for (let i = 0; i < 3; i++) {
      const chunk = randomBytes(16 * 1024);
      await appendFile(path.join(source, 'mail.log'), chunk);
      const step = await sync(tracker, 'mail.log');
      expect(step.path).toBe('append');
      expect(step.sent).toBeLessThan(1.2 * chunk.length);
      expect((await backupOf('mail.log')).equals(await sourceOf('mail.log'))).toBe(true);
    }

    // Rewritten and longer: --append would keep the backup's stale start; the window catches it.
    await writeFile(path.join(source, 'mail.log'), randomBytes(9 * 1024 * 1024));
    expect((await sync(tracker, 'mail.log')).path).toBe('exact');
    expect((await backupOf('mail.log')).equals(await sourceOf('mail.log'))).toBe(true);

    await truncate(path.join(source, 'mail.log'), 1024 * 1024);
    expect((await sync(tracker, 'mail.log')).path).toBe('exact');
    expect((await backupOf('mail.log')).equals(await sourceOf('mail.log'))).toBe(true);

    const fh = await open(path.join(source, 'mail.log'), 'r+');
    await fh.write(Buffer.from('same size edit'), 0, 14, 1000);
    await fh.close();
    expect((await sync(tracker, 'mail.log')).path).toBe('exact');
    expect((await backupOf('mail.log')).equals(await sourceOf('mail.log'))).toBe(true);
  });

  it('refuses the append path with the safety net on', () => {
    expect(appendArgs(batchArgs(), 7)).toBeNull();
    expect(appendArgs(['-a'], 0)).toBeNull();
  });
});
