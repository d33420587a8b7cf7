/**
 * The first upload's totals from a walk of the source (source-count.ts): the same entries rsync
 * would send into an empty folder (checked against rsync's own itemized dry run), excludes left
 * out, names that are not UTF-8 counted by their bytes.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countSource } from '../../electron/core/sync/source-count.ts';
import { compileExcludes } from '../../electron/shared/exclude-rules.ts';

let work: string;
beforeEach(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'source-count-'));
});
afterEach(() => rm(work, { recursive: true, force: true }));

describe('countSource', () => {
  it('counts what rsync would send into an empty folder, without the excludes', async () => {
    const src = path.join(work, 'src');
    let data = 0;
    for (let d = 0; d < 5; d++)
      for (let f = 0; f < 20; f++) {
        await mkdir(path.join(src, `d${d}`, 'sub'), { recursive: true });
        const size = 100 * (f + 1);
        await writeFile(path.join(src, `d${d}`, f % 2 ? 'sub' : '', `f${f}.txt`), Buffer.alloc(size));
        data += size;
      }
    await writeFile(Buffer.from(path.join(src, 'caf\xe9.txt'), 'latin1'), 'x');
    await writeFile(path.join(src, 'skip.tmp'), Buffer.alloc(5000));
    await mkdir(path.join(src, 'cache'));
    await writeFile(path.join(src, 'cache', 'big.bin'), Buffer.alloc(9000));
    await symlink('d0', path.join(src, 'link'));
    const excludes = compileExcludes(['*.tmp', 'cache/']);

    const total = await countSource(src, excludes, new AbortController().signal);
    const empty = path.join(work, 'empty');
    await mkdir(empty);
    const { stdout } = await promisify(execFile)(
      'rsync',
      ['-a', '--dry-run', '--out-format=%n', ...excludes.rsyncArgs, `${src}/`, `${empty}/`],
      { env: { ...process.env, LC_ALL: 'C' } },
    );
    const rsyncEntries = stdout.split('\n').filter((l) => l !== '' && l !== './');
    expect(total?.files).toBe(rsyncEntries.length);
    expect(total!.bytes).toBeGreaterThan(data);
    expect(total!.bytes, 'the excluded data is not counted').toBeLessThan(data + 1 + total!.files * 64);
  });

  it('answers nothing once aborted', async () => {
    const stop = new AbortController();
    stop.abort();
    expect(await countSource(work, compileExcludes([]), stop.signal)).toBeNull();
  });
});
