/**
 * Moves without re-upload against a real daemon: the basis run (move-args.ts) builds the new
 * place from the old copy, then the batch as the engine runs it (--files-from, --checksum,
 * --delete-missing-args) deletes the old side. Each case checks the backup is byte-identical and
 * the bytes on the wire (rsync's own stats) are a small fraction of the moved data.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { moveBasisArgs } from '../../electron/core/rsync/move-args.ts';
import { filesFromInput } from '../../electron/core/rsync/rsync-args.ts';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { bytesSentBy, engineBatchArgs } from '../support/wire-rsync.ts';

const MiB = 1024 * 1024;
let work: string;
let daemon: LocalDaemon;
let source: string;
let backup: string;
let url: string;
let n = 0;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-moves-'));
  daemon = await startLocalDaemon({ rootDir: path.join(work, 'daemon') });
});
afterAll(async () => {
  await daemon?.dispose();
  if (work) await rm(work, { recursive: true, force: true });
});
beforeEach(async () => {
  const name = `case${++n}`;
  source = path.join(work, name);
  await mkdir(source);
  backup = path.join(daemon.modules.backup!, name);
  url = `rsync://${daemon.user}@${daemon.host}:${daemon.port}/backup/${name}/`;
});

const common = () => ['--password-file', daemon.passwordFile, '--stats', '--mkpath'];

/** The batch as the engine sends it for these paths. */
const batch = (paths: string[]) =>
  bytesSentBy(engineBatchArgs(daemon.passwordFile, source, url), filesFromInput(paths));

async function move(from: string, to: string, isDir: boolean): Promise<number> {
  const basis = moveBasisArgs({ source, url, from, to, isDir, common: common() });
  expect(basis.kind).not.toBe('none');
  return basis.kind === 'none' ? 0 : bytesSentBy(basis.args, basis.input);
}

async function tree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string): Promise<void> => {
    for (const e of await readdir(path.join(root, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) await walk(r);
      else
        out[r] = `${(await stat(path.join(root, r))).mtimeMs}:${(await readFile(path.join(root, r))).toString('hex')}`;
    }
  };
  await walk('');
  return out;
}

async function seed(files: Record<string, number>): Promise<number> {
  let total = 0;
  for (const [rel, size] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(source, rel)), { recursive: true });
    await writeFile(path.join(source, rel), randomBytes(size));
    total += size;
  }
  await bytesSentBy(['-a', ...common(), `${source}/`, url]);
  return total;
}

describe('moves reuse the old copy on the backup', () => {
  const cases: [string, string, string][] = [
    ['within a folder', 'docs/a', 'docs/b'],
    ['into a subfolder', 'docs/a', 'docs/deep/er/a2'],
    ['out of a subfolder', 'docs/a', 'top'],
    ['hostile names', 'docs/a', '-lead #hash\nline'],
  ];
  it.each(cases)('folder %s, with an edit in the same batch', async (_, from, to) => {
    const total = await seed({ [`${from}/x.bin`]: 2 * MiB, [`${from}/s/y.bin`]: 2 * MiB, 'other.txt': 100 });
    await mkdir(path.dirname(path.join(source, to)), { recursive: true });
    await rename(path.join(source, from), path.join(source, to));
    await appendFile(path.join(source, to, 's/y.bin'), 'edited right after the move');
    await writeFile(path.join(source, 'other.txt'), 'edited too');
    const sent = (await move(from, to, true)) + (await batch([to, from, 'other.txt']));
    expect(sent).toBeLessThan(total / 100);
    expect(await tree(backup)).toEqual(await tree(source));
  });

  it('a file moved to another folder, and a file renamed in place', async () => {
    // Sizes differ: --fuzzy takes the first same-size-and-mtime file in the folder as basis.
    const total = await seed({ 'a/f.bin': 3 * MiB, 'a/g.bin': 3 * MiB + 7 });
    await mkdir(path.join(source, 'b'));
    await rename(path.join(source, 'a/f.bin'), path.join(source, 'b/f.bin'));
    await rename(path.join(source, 'a/g.bin'), path.join(source, 'a/renamed.bin'));
    let sent = await move('a/f.bin', 'b/f.bin', false);
    sent += await move('a/g.bin', 'a/renamed.bin', false);
    sent += await batch(['b', 'a/f.bin', 'a/renamed.bin', 'a/g.bin']);
    expect(sent).toBeLessThan(total / 100);
    expect(await tree(backup)).toEqual(await tree(source));
  });

  it('a move onto an existing file leaves it for the batch (nothing overwritten by the basis run)', async () => {
    await seed({ 'a/f.bin': MiB, 'b/f.bin': 1000 });
    const before = await readFile(path.join(backup, 'b/f.bin'));
    await rename(path.join(source, 'a/f.bin'), path.join(source, 'b/f.bin'));
    await move('a/f.bin', 'b/f.bin', false);
    expect(await readFile(path.join(backup, 'b/f.bin'))).toEqual(before);
    await batch(['b/f.bin', 'a/f.bin']);
    expect(await tree(backup)).toEqual(await tree(source));
  });
});
