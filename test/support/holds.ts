/** Whole DeletionHold and RunRecord values for tests that need one, with the fields they care about. */
import type { DeletionHold, RunRecord } from '../../electron/shared/status.ts';

export function aHold(over: Partial<DeletionHold> = {}): DeletionHold {
  return {
    deletions: 100,
    alreadyDeleted: 0,
    windowMinutes: 10,
    backupEntries: 1_000,
    reason: 'mirroring would delete 100 more entries',
    since: 0,
    sample: [],
    listed: 0,
    safetyNet: null,
    ...over,
  };
}

export function aRunRecord(over: Partial<RunRecord> = {}): RunRecord {
  return {
    profile: 'p',
    target: 'h:873/m',
    kind: 'batch',
    startedAt: 0,
    durationMs: 10,
    paths: 1,
    files: 1,
    bytes: 0,
    deleted: 0,
    moved: 0,
    deletedNames: [],
    latencyMs: null,
    outcome: 'ok',
    error: null,
    ...over,
  };
}
