/**
 * Names that are not UTF-8 (Latin-1 'caf\xE9'), synced live to a real rsync daemon: made,
 * changed, renamed (files, and folders into and out of such names) and deleted, each by a batch
 * — the periodic full sync is off, and any other full sync fails the test, so a change the live
 * path missed cannot be repaired behind its back. Trees are compared as bytes (byte-trees.ts):
 * read as strings, 'caf\xE9' and 'caf\xE8' would both be 'caf\uFFFD'.
 */
import { appendFile, symlink } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runRsync } from '../../electron/core/rsync/rsync-runner.ts';
import { decodeName, displayName } from '../../electron/shared/names.ts';
import {
  at,
  byteSnapshot,
  diffByteTrees,
  existsAt,
  latin1,
  mkdirAt,
  renameAt,
  rmAt,
  writeAt,
} from '../support/byte-trees.ts';
import { poll, startSyncFixture, type SyncFixture } from '../support/sync-fixture.ts';

let fx: SyncFixture | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

const CAFE = latin1('caf\xe9.txt');
const CAFE_E8 = latin1('caf\xe8.txt'); // differs from CAFE in one byte only
const OLD = latin1('vieux-\xe9t\xe9'); // in the source before the engine starts
const DIR = latin1('d\xe9j\xe0');
const INTO = latin1('pl\xe4in'); // 'plain' renamed into a non-UTF-8 name
const HASHED = latin1('#\xff;odd\nname'); // a comment marker, an invalid byte and a newline

/**
 * Files that stay put, so the handful of deletions here (a rename deletes its old name) is a
 * small share of the backup, as in real trees, and no deletion guard asks a person about them.
 */
async function filler(source: string): Promise<void> {
  for (let i = 0; i < 200; i++) await writeAt(source, `filler/f${i}`, `${i}`);
}

function splitNul(input: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let start = 0, end = input.indexOf(0); end !== -1; start = end + 1, end = input.indexOf(0, start))
    out.push(input.subarray(start, end));
  return out;
}

/** Until the backup equals the source (minus `skip`), byte for byte, and nothing is pending. */
async function convergedAsBytes(f: SyncFixture, skip?: (rel: string) => boolean): Promise<void> {
  let last: string[] = [];
  await poll(
    async () => {
      last = diffByteTrees(await byteSnapshot(f.source, skip), await byteSnapshot(f.backup, skip));
      const s = f.status();
      return last.length === 0 && s.state === 'idle' && s.pending === 0 ? true : undefined;
    },
    20_000,
    () => `backup differs from source:\n  ${last.join('\n  ')}\nstatus: ${JSON.stringify(f.status())}`,
  );
}

/** Every run after the initial full sync was a batch that succeeded: the live path did it all. */
function onlyLiveBatches(f: SyncFixture): void {
  const [first, ...rest] = f.runs();
  expect(first).toMatchObject({ kind: 'full', outcome: 'ok' });
  expect(rest.length).toBeGreaterThan(0);
  expect(rest.filter((r) => r.kind !== 'batch' || r.outcome !== 'ok')).toEqual([]);
}

describe.runIf(process.platform === 'linux')('names that are not UTF-8, live to a real daemon', () => {
  it('creates, changes, renames and deletes them by batches, and the backup matches byte for byte', async () => {
    fx = await startSyncFixture({
      profile: { fullSyncIntervalMinutes: 0 },
      prepare: async ({ source }) => {
        await writeAt(source, 'plain/a.txt', 'a');
        await writeAt(source, `${OLD}/x`, 'old');
        await filler(source);
      },
    });
    const s = fx.source;
    await convergedAsBytes(fx); // the initial full sync (rsync reads the names itself)
    expect(await existsAt(fx.backup, `${OLD}/x`)).toBe(true);

    // Made: a file in the root, a folder with a tree, a name rsync would read as a comment.
    await writeAt(s, CAFE, 'one');
    await writeAt(s, `${DIR}/sous/${CAFE_E8}`, 'deep');
    await writeAt(s, HASHED, 'odd');
    await convergedAsBytes(fx);
    onlyLiveBatches(fx);

    // Changed in place, and a new file in a folder that was there at start.
    await appendFile(at(s, CAFE), ' two');
    await writeAt(s, `${OLD}/${CAFE}`, 'new in old');
    await convergedAsBytes(fx);

    // Renamed: a file onto a name one byte apart; a folder into a non-UTF-8 name (and written
    // in afterwards: the watch follows it), then out of it; one non-UTF-8 folder onto another.
    await renameAt(s, CAFE, CAFE_E8);
    await renameAt(s, 'plain', INTO);
    await convergedAsBytes(fx);
    expect(await existsAt(fx.backup, 'plain')).toBe(false);
    await writeAt(s, `${INTO}/b.txt`, 'b');
    await convergedAsBytes(fx);
    await renameAt(s, INTO, 'plain-again');
    await renameAt(s, DIR, latin1('d\xe8j\xe0'));
    await convergedAsBytes(fx);
    expect(await existsAt(fx.backup, INTO)).toBe(false);
    expect(await existsAt(fx.backup, DIR)).toBe(false);

    // Deleted: a file and a whole folder.
    await rmAt(s, CAFE_E8);
    await rmAt(s, OLD);
    await convergedAsBytes(fx);
    expect(await existsAt(fx.backup, OLD)).toBe(false);
    onlyLiveBatches(fx);
    // No watcher trouble came up (it would have asked for a full sync: onlyLiveBatches).
    const warnings = fx.events.filter((e) => e.type === 'log' && e.level === 'warn');
    expect(warnings).toEqual([]);
  });

  it('syncs a folder replaced by a symlink as the link, never what it points to', async () => {
    /** Every path handed to rsync by a batch (--files-from on stdin), as lossless strings. */
    const listed: string[] = [];
    fx = await startSyncFixture({
      profile: { fullSyncIntervalMinutes: 0 },
      engine: {
        run: (req) => {
          for (const entry of req.input ? splitNul(req.input) : []) listed.push(decodeName(entry).replace(/^\.\//, ''));
          return runRsync(req);
        },
      },
      prepare: async ({ source }) => {
        await writeAt(source, `${DIR}/f`, 'inside');
        await filler(source);
        await mkdirAt(`${source}/..`, 'elsewhere');
        await writeAt(`${source}/..`, 'elsewhere/secret', 'outside the source');
        await writeAt(`${source}/..`, 'elsewhere/f', 'outside the source too');
      },
    });
    await convergedAsBytes(fx);
    // The folder goes and a link to a folder outside the source takes its name: the deletion
    // of DIR/f is pending, and through the link DIR/f exists (outside the source).
    await rmAt(fx.source, DIR);
    await symlink('../elsewhere', at(fx.source, DIR));
    // The link itself is compared apart: a daemon without chroot strips a target's leading
    // '../' (rsyncd sanitizes links that point out of the module).
    const isLink = async () => (await byteSnapshot(fx!.backup)).get(DIR)?.startsWith('link:');
    await poll(
      async () => ((await isLink()) ? true : undefined),
      20_000,
      async () => `${displayName(DIR)} on the backup: ${(await byteSnapshot(fx!.backup)).get(DIR)}`,
    );
    await convergedAsBytes(fx, (rel) => rel === DIR);
    expect(listed).toContain(DIR);
    expect(listed.filter((p) => p.startsWith(`${DIR}/`))).toEqual([]);
    expect(await existsAt(fx.backup, `${DIR}/secret`)).toBe(false);
    onlyLiveBatches(fx);
  });
});
