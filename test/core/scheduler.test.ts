/** The scheduler's rules, as a table over (state, time, policy): no clock, no daemon. */
import { describe, expect, it } from 'vitest';
import {
  deletionsDue,
  dueTimes,
  nextRunAt,
  SCHEDULE_POLICY,
  schedulePolicy,
  targetState,
  vanishedDelay,
  type ScheduleState,
  type StateInputs,
} from '../../electron/core/sync/scheduler.ts';

const policy = schedulePolicy({ debounceMs: 5, maxDelayMs: 250 });
const T = 10_000;

function state(over: Partial<ScheduleState> & { pending?: Partial<ScheduleState['pending']> } = {}): ScheduleState {
  const { pending, ...rest } = over;
  return {
    started: true,
    paused: false,
    disposed: false,
    running: false,
    retryAt: null,
    fullSyncWanted: false,
    lastEventAt: T,
    lastCycleEndedAt: 0,
    ...rest,
    pending: { size: 0, firstAt: null, hasChanges: false, hasDeletions: false, ...pending },
  };
}
const changes = (size: number, firstAt = T) => ({ size, firstAt, hasChanges: true, hasDeletions: false });
const deletions = (size: number, firstAt = T) => ({ size, firstAt, hasChanges: false, hasDeletions: true });

describe('nextRunAt', () => {
  it.each([
    ['nothing pending: idle, no run', state(), T, null],
    ['not started yet (watcher not ready)', state({ started: false, fullSyncWanted: true }), T, null],
    ['paused', state({ paused: true, pending: changes(3) }), T, null],
    ['stopped', state({ disposed: true, fullSyncWanted: true }), T, null],
    ['a run in progress: the next is decided when it ends', state({ running: true, pending: changes(3) }), T, null],
    ['a full sync owed: now', state({ fullSyncWanted: true }), T + 1, T + 1],
    [
      'a retry waiting: at its time, even with a full sync owed',
      state({ retryAt: T + 700, fullSyncWanted: true }),
      T,
      T + 700,
    ],
    ['changes: after debounceMs of quiet', state({ pending: changes(1) }), T, T + 5],
    [
      'deletions: after the longer deletion quiet',
      state({ pending: deletions(1) }),
      T,
      T + SCHEDULE_POLICY.deletionQuietMs,
    ],
    ['both: the changes go first', state({ pending: { ...changes(2), hasDeletions: true } }), T, T + 5],
    [
      'churn: at the latest maxDelayMs after the oldest change',
      state({ lastEventAt: T + 400, pending: changes(1, T) }),
      T + 400,
      T + 250,
    ],
    [
      'many changes that waited for a run: at once',
      state({ lastCycleEndedAt: T + 10, pending: changes(50, T) }),
      T + 12,
      T + 12,
    ],
    [
      'a few that waited for a run: debounced as usual (a log appended every ms)',
      state({ lastCycleEndedAt: T + 10, lastEventAt: T + 11, pending: changes(49, T) }),
      T + 12,
      T + 16,
    ],
  ])('%s', (_name, s, now, expected) => {
    expect(nextRunAt(s, now, policy)).toBe(expected);
  });
});

describe('deletions wait for their own quiet', () => {
  it('are not due at the changes’ time, and are due after the deletion quiet', () => {
    const s = state({ pending: { ...changes(2), hasDeletions: true } });
    expect(dueTimes(s, T, policy)).toEqual({ changes: T + 5, deletions: T + 50 });
    expect(deletionsDue(s, T + 5, policy)).toBe(false);
    expect(deletionsDue(s, T + 50, policy)).toBe(true);
  });

  it('a longer debounce than the deletion quiet applies to deletions too', () => {
    const slow = schedulePolicy({ debounceMs: 500, maxDelayMs: 2_000 });
    expect(dueTimes(state({ pending: deletions(1) }), T, slow).deletions).toBe(T + 500);
  });
});

describe('vanishedDelay', () => {
  it('grows from the base and stops at the cap', () => {
    expect([1, 2, 3, 10].map((n) => vanishedDelay(n, policy))).toEqual([100, 200, 400, 2_000]);
  });
});

describe('targetState', () => {
  const base: StateInputs = {
    disposed: false,
    paused: false,
    running: null,
    needsPerson: false,
    unreachable: false,
    held: false,
    retrying: false,
    fullSyncWanted: false,
    pending: 0,
  };
  it.each<[string, Partial<StateInputs>, string]>([
    ['nothing owed: current', {}, 'idle'],
    ['pending changes are never current', { pending: 1 }, 'syncing'],
    ['a full sync owed is never current', { fullSyncWanted: true }, 'scanning'],
    ['a full pass running', { running: 'full', pending: 4 }, 'scanning'],
    ['a batch running', { running: 'batch' }, 'syncing'],
    ['a retry waits', { retrying: true, pending: 3 }, 'retrying'],
    ['an error a person must fix outranks the retry', { retrying: true, needsPerson: true }, 'error'],
    ['a held deletion', { held: true, fullSyncWanted: true }, 'needs-confirmation'],
    ['paused outranks everything but stopped', { paused: true, held: true, running: 'batch' }, 'paused'],
    ['stopped', { disposed: true, paused: true }, 'stopped'],
    ['nothing owed, but the daemon stopped answering: not current', { unreachable: true }, 'retrying'],
    ['unreachable and changes pending: they are what is owed', { unreachable: true, pending: 2 }, 'syncing'],
  ])('%s', (_name, over, expected) => {
    expect(targetState({ ...base, ...over })).toBe(expected);
  });
});
