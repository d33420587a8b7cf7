/**
 * Growing files through the running engine (watcher → batch → --append run): a log appended to
 * in a loop reaches the backup byte-identical, and every rsync the engine started after the first
 * sync put little more than the appended bytes on the wire (rsync's own "bytes sent"); a file
 * rewritten in place, grown after a rewrite, or truncated still ends identical — the exact path.
 * The tracker and the flag are tested alone in growing-files.test.ts; this is the wiring.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, open, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runRsync } from '../../electron/core/rsync/rsync-runner.ts';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.ts';

let fx: SyncFixture | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

const KiB = 1024;
const MiB = 1024 * KiB;
/** What one rsync run puts on the wire besides file data: the file list, tokens, its exit. */
const PER_RUN_OVERHEAD = 512;

/** A fixture whose rsync runs are counted: bytes sent, and how many runs. */
async function counted(prepare: (source: string) => Promise<void>) {
  const wire = { bytes: 0, runs: 0, appends: 0 };
  const run: typeof runRsync = async (options) => {
    const result = await runRsync(options);
    wire.bytes += result.stats?.bytesSent ?? 0;
    wire.runs++;
    if (options.args.includes('--append')) wire.appends++;
    return result;
  };
  fx = await startSyncFixture({
    profile: { debounceMs: 20 },
    engine: { run },
    prepare: ({ source }) => prepare(source),
  });
  await fx.converged();
  return wire;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a growing file in a live source', () => {
  it('a log appended to in a loop costs about its appended bytes on the wire', async () => {
    const wire = await counted((source) => writeFile(path.join(source, 'mail.log'), randomBytes(6 * MiB)));
    expect(wire.bytes).toBeGreaterThan(6 * MiB); // the first sync sent it all: the count is real
    Object.assign(wire, { bytes: 0, runs: 0, appends: 0 });

    let appended = 0;
    for (let i = 0; i < 100; i++) {
      const line = randomBytes(KiB);
      await appendFile(path.join(fx!.source, 'mail.log'), line);
      appended += line.length;
      await sleep(20);
    }
    await fx!.converged();

    expect(wire.runs).toBeGreaterThan(2); // it synced while the file grew, not once at the end
    expect(wire.bytes).toBeLessThanOrEqual(1.2 * appended + wire.runs * PER_RUN_OVERHEAD);
  });

  it('a rewrite in place, a rewrite that grew and a truncation end identical', async () => {
    const wire = await counted((source) => writeFile(path.join(source, 'box.mbox'), randomBytes(2 * MiB)));
    const file = path.join(fx!.source, 'box.mbox');
    // Grown and synced three times: the first sync remembers it, the next go by --append.
    for (let i = 0; i < 3; i++) {
      await appendFile(file, randomBytes(16 * KiB));
      await fx!.converged();
    }
    expect(wire.appends).toBeGreaterThan(0); // the append path is live: what follows must avoid it
    // Same size, other bytes (the old end among them): --append would skip it as complete.
    const fh = await open(file, 'r+');
    await fh.write(randomBytes(64 * KiB), 0, 64 * KiB, 2 * MiB - 16 * KiB);
    await fh.close();
    await fx!.converged();
    // Grown again, then rewritten whole and longer: --append would keep the backup's old start.
    await appendFile(file, randomBytes(16 * KiB));
    await fx!.converged();
    await writeFile(file, randomBytes(2 * MiB + 200 * KiB));
    await fx!.converged();
    // Truncated, then grown past its old end: neither may be appended to the old copy.
    await truncate(file, 1 * MiB);
    await fx!.converged();
    await appendFile(file, randomBytes(2 * MiB));
    await fx!.converged();
    expect(fx!.runs().every((r) => r.outcome === 'ok')).toBe(true);
  });
});
