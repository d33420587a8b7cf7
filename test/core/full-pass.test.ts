/**
 * The full pass's count → judge → delete protocol, with scripted rsync results: which runs it
 * asks for (and with which bound), what it holds, and when it owes another pass.
 */
import { describe, expect, it } from 'vitest';
import {
  deletionBound,
  fullPass,
  type FullPassIO,
  type FullPassMemory,
  type Verdict,
} from '../../electron/core/sync/full-pass.ts';
import type { DeletionMode } from '../../electron/core/rsync/rsync-args.ts';
import type { RunResult } from '../../electron/core/rsync/rsync-runner.ts';
import type { TransferStats } from '../../electron/core/rsync/rsync-output.ts';

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

/** An IO whose rsync answers from a script, recording what was asked of it. */
function io(script: RunResult[], over: Partial<FullPassIO> = {}) {
  const runs: DeletionMode[] = [];
  const records: string[] = [];
  const judged: boolean[] = [];
  const value: FullPassIO = {
    deletions: true,
    maxDeletePercent: 50,
    now: () => NOW,
    run: async (deletion) => {
      runs.push(deletion);
      const next = script.shift();
      if (!next) throw new Error('the script ran out: an unexpected rsync run');
      return next;
    },
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
  return { value, runs, records, judged };
}
const fresh = (): FullPassMemory => ({ hold: null, confirmed: null, recounted: false });

describe('fullPass', () => {
  it('deletions off: one run that deletes nothing', async () => {
    const x = io([result()], { deletions: false });
    const out = await fullPass(fresh(), x.value);
    expect(x.runs).toEqual([{ mode: 'hold' }]);
    expect(out).toEqual({ verdict: { type: 'done', kind: 'full' }, again: false });
  });

  it('nothing to delete: the count is the whole pass', async () => {
    const x = io([result()]);
    const memory = { ...fresh(), hold: { deletions: 5, backupEntries: 9, reason: 'old', since: 1 } };
    const out = await fullPass(memory, x.value);
    expect(x.runs).toEqual([{ mode: 'count' }]);
    expect(x.records).toEqual(['ok']);
    expect(memory.hold).toBeNull();
    expect(out.again).toBe(false);
  });

  it('an ordinary share: counted, allowed, then deleted with a bound', async () => {
    const x = io([result({ skipped: 100, stats: { files: 10_000 } }), result()]);
    const out = await fullPass(fresh(), x.value);
    expect(x.runs).toEqual([{ mode: 'count' }, { mode: 'propagate', max: deletionBound(100, 1.5) }]);
    expect(x.records).toEqual(['ok']);
    expect(out).toEqual({ verdict: { type: 'done', kind: 'full' }, again: false });
  });

  it('a large share is held: no deleting run, the hold says how many of how many', async () => {
    const x = io([result({ skipped: 8_000, stats: { files: 2_000 } })]);
    const memory = fresh();
    const out = await fullPass(memory, x.value);
    expect(x.runs).toEqual([{ mode: 'count' }]);
    expect(x.records).toEqual(['held']);
    expect(memory.hold).toMatchObject({ deletions: 8_000, backupEntries: 10_000, since: NOW });
    expect(out.verdict).toEqual({ type: 'done', kind: 'full' });
  });

  it('an empty source is held whatever the share', async () => {
    const x = io([result({ skipped: 12, stats: { files: 1 } })], {
      sourceEmpty: async () => true,
      maxDeletePercent: 100,
    });
    const memory = fresh();
    await fullPass(memory, x.value);
    expect(memory.hold?.reason).toMatch(/empty/);
    expect(x.runs).toHaveLength(1);
  });

  it('a count without its stats is repeated once, then judged as it is', async () => {
    const x = io([result({ skipped: 100, stats: null })]);
    const memory = fresh();
    expect(await fullPass(memory, x.value)).toEqual({ verdict: { type: 'done', kind: null }, again: true });
    expect(memory.recounted).toBe(true);
    const y = io([result({ skipped: 100, stats: null })]);
    await fullPass(memory, y.value);
    expect(memory.hold, 'without stats the share is unknown: held').not.toBeNull();
    expect(memory.recounted).toBe(false);
  });

  it('more deletions appearing while deleting: another pass is owed', async () => {
    const x = io([result({ skipped: 100, stats: { files: 10_000 } }), result({ skipped: 3 })]);
    expect((await fullPass(fresh(), x.value)).again).toBe(true);
  });

  it('a confirmed hold: one deleting run bounded by what was confirmed, then forgotten', async () => {
    const x = io([result()]);
    const memory = { ...fresh(), confirmed: { deletions: 8_000, backupEntries: 10_000, reason: 'r', since: 1 } };
    const out = await fullPass(memory, x.value);
    expect(x.runs).toEqual([{ mode: 'propagate', max: deletionBound(8_000, 1.1) }]);
    expect(memory.confirmed).toBeNull();
    expect(out.again).toBe(false);
  });

  it('a confirmed hold whose run fails stays confirmed for the retry', async () => {
    const x = io([result({ exitCode: 12 })]);
    const memory = { ...fresh(), confirmed: { deletions: 10, backupEntries: 10, reason: 'r', since: 1 } };
    expect((await fullPass(memory, x.value)).verdict.type).toBe('failed');
    expect(memory.confirmed).not.toBeNull();
  });

  it('a failed count deletes nothing and records nothing itself (the judge did)', async () => {
    const x = io([result({ exitCode: 10 })]);
    const out = await fullPass(fresh(), x.value);
    expect(out.verdict.type).toBe('failed');
    expect(x.runs).toEqual([{ mode: 'count' }]);
    expect(x.records).toEqual([]);
    expect(x.judged).toEqual([false]);
  });
});
