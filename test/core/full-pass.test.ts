/**
 * The full pass's count → judge → delete protocol, with scripted rsync results: which runs it
 * asks for (and with which bound), what it holds, and when it owes another pass.
 */
import { describe, expect, it } from 'vitest';
import { deletionBound, fullPass, type FullPassIO, type Verdict } from '../../electron/core/sync/full-pass.ts';
import type { DeletionMode } from '../../electron/core/rsync/rsync-args.ts';
import type { RunResult } from '../../electron/core/rsync/rsync-runner.ts';
import type { TransferStats } from '../../electron/core/rsync/rsync-output.ts';
import { HeldDeletions } from '../../electron/core/sync/held-deletions.ts';
import type { Profile } from '../../electron/shared/profile-schema.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { aHold } from '../support/holds.ts';

const NOW = 1_700_000_000_000;

function result(over: { exitCode?: number; skipped?: number; stats?: Partial<TransferStats> | null } = {}): RunResult {
  const stats =
    over.stats === null
      ? null
      : {
          files: 1_000,
          regularFilesTransferred: 0,
          created: 0,
          deleted: 0,
          totalFileSize: 0,
          transferredFileSize: 0,
          bytesSent: 0,
          bytesReceived: 0,
          ...over.stats,
        };
  const stderr = over.skipped
    ? `Deletions stopped due to --max-delete limit (${over.skipped.toLocaleString('en-US')} skipped)\n`
    : '';
  return {
    exitCode: over.exitCode ?? (over.skipped ? 25 : 0),
    signal: undefined,
    timedOut: false,
    isCanceled: false,
    durationMs: 10,
    stderr,
    stats,
  };
}

/** An IO whose rsync answers from a script, recording what was asked of it; the budget is real. */
function io(script: RunResult[], over: Partial<FullPassIO> & { maxDeletePercent?: number } = {}) {
  const runs: DeletionMode[] = [];
  const records: string[] = [];
  const judged: boolean[] = [];
  const clock = new FakeClock(NOW);
  const profile = { maxDeletePercent: over.maxDeletePercent ?? 50, keepDeletedDays: 7 } as Profile;
  const held = new HeldDeletions(clock, profile);
  const next = (deletion: DeletionMode): RunResult => {
    runs.push(deletion);
    const r = script.shift();
    if (!r) throw new Error('the script ran out: an unexpected rsync run');
    // What the target does after every run: the budget sees what was deleted.
    held.ran('full', r, deletion.mode === 'list');
    return r;
  };
  const value: FullPassIO = {
    deletions: true,
    ...held.io,
    run: async (deletion) => next(deletion),
    list: async () => next({ mode: 'list' }).deletions ?? null,
    // Exit 25 (max-delete reached) is how a counting pass ends: the protocol reads it as done.
    judge: (r, recordSuccess): Verdict => {
      judged.push(recordSuccess);
      return r.exitCode === 0 || r.exitCode === 25
        ? { type: 'done', kind: 'full' }
        : { type: 'failed', error: { code: 'RSYNC_FAILED', message: 'x', hint: 'y' } };
    },
    record: (_r, outcome) => void records.push(outcome),
    sourceEmpty: async () => false,
    ...over,
  };
  return { value, runs, records, judged, held, memory: held.memory, clock };
}
const deleted = (count: number): RunResult => ({
  ...result(),
  deletions: { count, names: Array.from({ length: count }, (_, i) => `f${i}`) },
});

describe('fullPass', () => {
  it('deletions off: one run that deletes nothing', async () => {
    const x = io([result()], { deletions: false });
    const out = await fullPass(x.memory, x.value);
    expect(x.runs).toEqual([{ mode: 'hold' }]);
    expect(out).toEqual({ verdict: { type: 'done', kind: 'full' }, again: false });
  });

  it('nothing to delete: the count is the whole pass', async () => {
    const x = io([result()]);
    const memory = x.memory;
    memory.hold = aHold({ deletions: 5, backupEntries: 9 });
    const out = await fullPass(memory, x.value);
    expect(x.runs).toEqual([{ mode: 'count' }]);
    expect(x.records).toEqual(['ok']);
    expect(memory.hold).toBeNull();
    expect(out.again).toBe(false);
  });

  it('an ordinary share: counted, allowed, then deleted exactly as counted', async () => {
    const x = io([result({ skipped: 100, stats: { files: 10_000 } }), deleted(100)]);
    const out = await fullPass(x.memory, x.value);
    expect(x.runs).toEqual([{ mode: 'count' }, { mode: 'propagate', max: deletionBound(100, 1) }]);
    expect(x.records).toEqual(['ok']);
    expect(out).toEqual({ verdict: { type: 'done', kind: 'full' }, again: false });
    expect(x.held.budget.alreadyDeleted, 'the deletions spend the budget').toBe(100);
    expect(x.held.budget.backupEntries).toBe(10_000);
  });

  it('a large share is held: no deleting run; the hold counts, names, and says where deletions go', async () => {
    const x = io([result({ skipped: 8_000, stats: { files: 2_000 } }), deleted(8_000)]);
    const memory = x.memory;
    const out = await fullPass(memory, x.value);
    expect(x.runs).toEqual([{ mode: 'count' }, { mode: 'list' }]);
    expect(x.records).toEqual(['held']);
    expect(memory.hold).toMatchObject({
      deletions: 8_000,
      backupEntries: 10_000,
      since: NOW,
      alreadyDeleted: 0,
      listed: 8_000,
      sample: expect.arrayContaining(['f0', 'f19']),
      safetyNet: { folder: expect.stringMatching(/^\.rsync-tray-deleted\/\d{4}-\d{2}-\d{2}$/), days: 7 },
    });
    expect(x.held.names(7_990, 100).names).toHaveLength(10);
    expect(out.verdict).toEqual({ type: 'done', kind: 'full' });
  });

  it('the same count again is not listed again (a listing costs a scan)', async () => {
    const x = io([result({ skipped: 8_000, stats: { files: 2_000 } }), deleted(8_000)]);
    await fullPass(x.memory, x.value);
    const y = io([result({ skipped: 8_000, stats: { files: 2_000 } })]);
    // The same target: carry the memory over.
    y.memory.hold = x.memory.hold;
    await fullPass(y.memory, { ...y.value, hold: x.value.hold });
    expect(y.runs).toEqual([{ mode: 'count' }]);
    expect(x.held.names(0, 5).names).toEqual(['f0', 'f1', 'f2', 'f3', 'f4']);
  });

  it('deletions earlier in the window count: a share allowed alone is held after batches deleted most', async () => {
    const script = [result({ skipped: 300, stats: { files: 3_000 } }), deleted(300)];
    const x = io(script);
    // Batches deleted 6,000 of 10,000 entries in the last minutes (the budget saw them run).
    x.held.budget.counted(9_300);
    x.held.ran('batch', deleted(6_000), false);
    await fullPass(x.memory, x.value);
    expect(x.runs.map((r) => r.mode)).toEqual(['count', 'list']);
    expect(x.memory.hold).toMatchObject({ deletions: 300, alreadyDeleted: 6_000 });
    expect(x.memory.hold?.reason).toMatch(/after 6,000 deleted in the last 10 minutes/);
    // Past the window, the same count alone is allowed (3,300 entries; 300 is 9 %).
    await x.clock.advance(11 * 60_000);
    script.push(result({ skipped: 300, stats: { files: 3_000 } }), deleted(300));
    await fullPass(x.memory, x.value);
    expect(x.runs.slice(2)).toEqual([{ mode: 'count' }, { mode: 'propagate', max: deletionBound(300, 1) }]);
    expect(x.memory.hold).toBeNull();
  });

  it('an empty source is held whatever the share', async () => {
    const x = io([result({ skipped: 12, stats: { files: 1 } }), deleted(12)], {
      sourceEmpty: async () => true,
      maxDeletePercent: 100,
    });
    const memory = x.memory;
    await fullPass(memory, x.value);
    expect(memory.hold?.reason).toMatch(/empty/);
    expect(x.runs.map((r) => r.mode)).toEqual(['count', 'list']);
  });

  it('a count without its stats is repeated once, then judged as it is', async () => {
    const x = io([result({ skipped: 100, stats: null }), result({ skipped: 100, stats: null }), deleted(100)]);
    const memory = x.memory;
    expect(await fullPass(memory, x.value)).toEqual({ verdict: { type: 'done', kind: null }, again: true });
    expect(memory.recounted).toBe(true);
    await fullPass(memory, x.value);
    expect(memory.hold, 'without stats the share is unknown: held').not.toBeNull();
    expect(memory.recounted).toBe(false);
  });

  it('more deletions appearing while deleting: another pass is owed', async () => {
    const x = io([result({ skipped: 100, stats: { files: 10_000 } }), result({ skipped: 3 })]);
    expect((await fullPass(x.memory, x.value)).again).toBe(true);
  });

  it('a confirmed hold: one deleting run bounded by what was confirmed, then forgotten', async () => {
    const x = io([deleted(8_000)]);
    const memory = x.memory;
    memory.confirmed = aHold({ deletions: 8_000, backupEntries: 10_000 });
    const out = await fullPass(memory, x.value);
    expect(x.runs).toEqual([{ mode: 'propagate', max: deletionBound(8_000, 1.1) }]);
    expect(memory.confirmed).toBeNull();
    expect(out.again).toBe(false);
    expect(x.held.budget.alreadyDeleted, 'confirmed deletions spend nothing').toBe(0);
  });

  it('a confirmed hold whose run fails stays confirmed for the retry', async () => {
    const x = io([result({ exitCode: 12 })]);
    const memory = x.memory;
    memory.confirmed = aHold({ deletions: 10, backupEntries: 10 });
    expect((await fullPass(memory, x.value)).verdict.type).toBe('failed');
    expect(memory.confirmed).not.toBeNull();
  });

  it('a failed count deletes nothing and records nothing itself (the judge did)', async () => {
    const x = io([result({ exitCode: 10 })]);
    const out = await fullPass(x.memory, x.value);
    expect(out.verdict.type).toBe('failed');
    expect(x.runs).toEqual([{ mode: 'count' }]);
    expect(x.records).toEqual([]);
    expect(x.judged).toEqual([false]);
  });
});
