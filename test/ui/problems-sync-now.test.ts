/**
 * Problems first (the dashboard's order, where the sidebar badge leads) and Sync now explaining
 * itself (why it is disabled, what a quick full sync did), as tables over the pure logic.
 */
import { describe, expect, it } from 'vitest';
import type { RunRecord, SyncState } from '../../electron/shared/status.ts';
import { firstInTrouble, troubleFirst } from '../../renderer/src/problems.ts';
import { syncNowBlocker, syncResult } from '../../renderer/src/sync-now.ts';
import { status } from '../main/statuses.ts';

const named = (pairs: Array<[string, SyncState]>) => pairs.map(([n, s]) => status(n, s));

describe('problems first', () => {
  it.each([
    [
      'error, needs confirmation, retrying, then the rest by name',
      named([
        ['b-ok', 'idle'],
        ['r', 'retrying'],
        ['a-paused', 'paused'],
        ['c', 'needs-confirmation'],
        ['z', 'error'],
        ['a-sync', 'syncing'],
      ]),
      ['z', 'c', 'r', 'a-paused', 'a-sync', 'b-ok'],
    ],
    [
      'two in the same trouble: by name',
      named([
        ['y', 'error'],
        ['x', 'error'],
        ['a', 'idle'],
      ]),
      ['x', 'y', 'a'],
    ],
    [
      'nothing wrong: by name',
      named([
        ['b', 'idle'],
        ['a', 'stopped'],
      ]),
      ['a', 'b'],
    ],
  ])('%s', (_why, statuses, order) => {
    expect(troubleFirst(statuses).map((s) => s.name)).toEqual(order);
  });

  it('the badge leads to the worst profile in trouble, or nowhere', () => {
    expect(
      firstInTrouble(
        named([
          ['a', 'idle'],
          ['b', 'retrying'],
          ['c', 'error'],
        ]),
      )?.name,
    ).toBe('c');
    expect(
      firstInTrouble(
        named([
          ['a', 'idle'],
          ['b', 'paused'],
          ['c', 'syncing'],
        ]),
      ),
    ).toBeNull();
  });
});

describe('Sync now, disabled', () => {
  const now = new Date(2025, 5, 12, 15, 0).getTime();
  it.each([
    ['not connected', status('D', 'idle'), false, /^Not connected to Rsync Tray/],
    ['a disabled profile', status('D', 'stopped'), true, /disabled: tick Enabled in Edit/],
    [
      'rsync cannot run',
      status('D', 'error', { lastError: { code: 'RSYNC_MISSING', message: 'm', hint: 'h' } }),
      true,
      /rsync program cannot run: fix it in Settings/,
    ],
    [
      'paused for a time',
      status('D', 'paused', { pausedUntil: new Date(2025, 5, 12, 15, 30).getTime() }),
      true,
      /^Paused until 15:30: resume it to sync now\.$/,
    ],
    ['paused until resumed', status('D', 'paused', { pausedUntil: null }), true, /^Paused until you resume/],
    ['a full sync running', status('D', 'scanning'), true, /full sync is running already/],
  ])('%s', (_why, s, connected, reason) => {
    expect(syncNowBlocker(s, { connected, now })).toMatch(reason);
  });

  it.each(['idle', 'syncing', 'retrying', 'error', 'needs-confirmation'] as const)('enabled while %s', (state) => {
    expect(syncNowBlocker(status('D', state), { connected: true, now })).toBeNull();
  });
});

describe('Sync now, its result', () => {
  const run = (over: Partial<RunRecord>): RunRecord => ({
    profile: 'D',
    target: 't1',
    kind: 'full',
    startedAt: 0,
    durationMs: 10,
    paths: 0,
    files: 0,
    bytes: 0,
    latencyMs: null,
    deleted: 0,
    moved: 0,
    deletedNames: [],
    outcome: 'ok',
    error: null,
    sent: 0,
    ...over,
  });
  it.each([
    ['nothing to send', [run({})], 1, { kind: 'ok', text: 'Synced: nothing to send' }],
    ['what it sent', [run({ sent: 3, files: 3 })], 1, { kind: 'ok', text: 'Synced: 3 items sent' }],
    [
      'two targets summed, with deletions',
      [run({ sent: 1_200 }), run({ target: 't2', sent: 442, deleted: 2 })],
      2,
      { kind: 'ok', text: 'Synced: 1,642 items sent, 2 deleted' },
    ],
    ['one of two targets still running', [run({ sent: 1 })], 2, null],
    [
      'the error',
      [
        run({
          outcome: 'fatal',
          error: { code: 'AUTH_FAILED', message: 'The daemon refused the password.', hint: '' },
        }),
      ],
      1,
      { kind: 'error', text: 'Sync failed: The daemon refused the password.' },
    ],
    ['batches are not its result', [run({ kind: 'batch', sent: 4 })], 1, null],
    ['a canceled run is not one', [run({ outcome: 'canceled' })], 1, null],
  ])('%s', (_why, runs, targets, expected) => {
    expect(syncResult(runs, targets)).toEqual(expected);
  });
});
