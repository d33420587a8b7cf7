/**
 * A restore into a new or empty folder runs one pull and no dry run (nothing there can conflict;
 * the dry run was a second listing of everything asked for, the bench's whole-tree restore at
 * 1.8× a plain pull). Its report still counts what came, and every argv is a pull. A folder that
 * holds an interrupted restore's partial folder is not empty: the dry run comes back there.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { assertPullOnly, PARTIAL_DIR } from '../../electron/core/restore/restore-args.ts';
import { makeSpec } from '../../electron/core/restore/restore-plan.ts';
import { executeRestore } from '../../electron/core/restore/restore-run.ts';
import { at, byteSnapshot, diffByteTrees, writeAt } from '../support/byte-trees.ts';
import { startRestoreFixture, type RestoreFixture } from '../support/restore-fixture.ts';

let fx: RestoreFixture | undefined;
let before: Map<string, string> | undefined;
afterEach(async () => {
  if (fx && before) {
    expect(diffByteTrees(before, await byteSnapshot(fx.backup))).toEqual([]);
    for (const argv of fx.argvs) {
      expect(argv.join('\n')).not.toContain(fx.daemon.password);
      expect(() => assertPullOnly(argv)).not.toThrow();
    }
  }
  await fx?.dispose();
  fx = undefined;
  before = undefined;
});

async function setup(): Promise<RestoreFixture> {
  fx = await startRestoreFixture({});
  for (let i = 0; i < 30; i++) await writeAt(fx.backup, `d${i % 3}/f${i}.txt`, `file ${i}`);
  before = await byteSnapshot(fx.backup);
  return fx;
}

const dryRuns = (f: RestoreFixture) => f.argvs.filter((a) => a.includes('--dry-run')).length;

describe('restore into an empty folder', () => {
  it('the whole profile: one pull, no dry run, the report counts what came', async () => {
    const f = await setup();
    const to = `${f.work}/new-machine`;
    const report = await executeRestore(makeSpec(await f.open(), { paths: [], all: true, to }));
    expect(diffByteTrees(before!, await byteSnapshot(to))).toEqual([]);
    expect(f.argvs).toHaveLength(1);
    expect(dryRuns(f)).toBe(0);
    // 30 files and 3 folders (the top folder itself is not counted as a creation).
    expect(report.creates.count).toBeGreaterThanOrEqual(33);
    expect(report.creates.names).toEqual(expect.arrayContaining(['d0', 'd1/f1.txt']));
    expect(report.creates.names.some((n) => n.endsWith('/'))).toBe(false);
    expect(report.conflicts.count).toBe(0);
    expect(report.bytes).toBeGreaterThan(0);
  });

  it('one file into an empty folder: one pull', async () => {
    const f = await setup();
    const to = `${f.work}/elsewhere`;
    await mkdir(to);
    const report = await executeRestore(makeSpec(await f.open(), { paths: ['d2/f5.txt'], all: false, to }));
    expect(
      diffByteTrees(
        new Map([...before!].filter(([k]) => k === 'd2/f5.txt').map(([, v]) => ['f5.txt', v])),
        await byteSnapshot(to),
      ),
    ).toEqual([]);
    expect(f.argvs).toHaveLength(1);
    expect(report.creates).toEqual({ count: 1, names: ['f5.txt'] });
  });

  it('a folder holding an interrupted restore is not empty: the dry run comes back', async () => {
    const f = await setup();
    const to = `${f.work}/resumed`;
    await mkdir(at(to, PARTIAL_DIR), { recursive: true });
    await writeFile(at(to, `${PARTIAL_DIR}/f1.txt`), 'fi');
    const report = await executeRestore(makeSpec(await f.open(), { paths: ['d1'], all: false, to }));
    expect(dryRuns(f)).toBe(1);
    expect(report.creates.names).toEqual(expect.arrayContaining(['d1/f1.txt']));
    expect(diffByteTrees(new Map([...before!].filter(([k]) => k.startsWith('d1'))), await byteSnapshot(to))).toEqual(
      [],
    );
  });
});
