import { describe, expect, it } from 'vitest';
import { DELETION_BUDGET_POLICY, judgeDeletions } from '../../electron/core/sync/deletion-guard.ts';
import { DeletionBudget } from '../../electron/core/sync/deletion-budget.ts';
import { FakeClock } from '../support/fake-clock.ts';

const base = { deletions: 0, alreadyDeleted: 0, backupEntries: 1000, sourceEmpty: false, maxDeletePercent: 20 };

describe('mass-deletion guard', () => {
  it.each([
    ['nothing to delete', {}, true],
    ['a few deletions', { deletions: 50 }, true],
    ['exactly at the share', { deletions: 200 }, true], // 200 of 1000 = 20 %
    ['over the share', { deletions: 201 }, false],
    ['most of the backup', { deletions: 9000, backupEntries: 9100 }, false],
    ['a small tree losing a large share, below the minimum count', { deletions: 5, backupEntries: 8 }, true],
    ['an empty source, even for one file', { deletions: 1, backupEntries: 1, sourceEmpty: true }, false],
    ['share check off at 100 %', { deletions: 9000, backupEntries: 9100, maxDeletePercent: 100 }, true],
    ['share check off, but the source is empty', { deletions: 9000, sourceEmpty: true, maxDeletePercent: 100 }, false],
    // The share is of the backup before the window's deletions: 150 gone + 100 now of 1,150.
    [
      'small alone, over the share with what went before',
      { deletions: 100, alreadyDeleted: 150, backupEntries: 1000 },
      false,
    ],
    ['small alone and with what went before', { deletions: 50, alreadyDeleted: 100, backupEntries: 1000 }, true],
    ['the minimum counts the window too', { deletions: 2, alreadyDeleted: 8, backupEntries: 5 }, false],
  ])('%s', (_, patch, allow) => {
    expect(judgeDeletions({ ...base, ...patch }).allow).toBe(allow);
  });

  it('says why, with the counts and what went before', () => {
    const v = judgeDeletions({ ...base, deletions: 3000, alreadyDeleted: 6000, backupEntries: 4000 });
    expect(v).toEqual({
      allow: false,
      backupEntries: 10000,
      reason: expect.stringMatching(
        /delete 3,000 more entries after 6,000 deleted in the last 10 minutes: 9,000 of the backup's 10,000 .*90 %.*20 % allowed/,
      ),
    });
    expect(judgeDeletions({ ...base, deletions: 12, sourceEmpty: true })).toMatchObject({
      reason: expect.stringMatching(/source folder is empty \(is its disk mounted\?\)/),
    });
  });
});

describe('deletion budget (rolling window, fake time)', () => {
  const judge = (b: DeletionBudget, n: number) => b.judge(n, { sourceEmpty: false, maxDeletePercent: 20 });

  it('adds up deletions spread over time, and forgets them after the window', async () => {
    const clock = new FakeClock();
    const b = new DeletionBudget(clock);
    b.counted(10_000);
    // A folder a minute, 1,000 entries each: the third would take the window to 30 %.
    for (let i = 0; i < 2; i++) {
      expect(judge(b, 1_000).verdict.allow).toBe(true);
      b.ran(0, 1_000);
      await clock.advance(60_000);
    }
    expect(b.alreadyDeleted).toBe(2_000);
    expect(b.backupEntries).toBe(8_000);
    expect(judge(b, 1_000)).toMatchObject({ verdict: { allow: false, backupEntries: 10_000 }, alreadyDeleted: 2_000 });
    // The window is exact: the first deletion stops counting once it is windowMs old.
    await clock.advance(DELETION_BUDGET_POLICY.windowMs - 2 * 60_000 - 1);
    expect(b.alreadyDeleted).toBe(2_000);
    await clock.advance(1);
    expect(b.alreadyDeleted).toBe(1_000);
    expect(judge(b, 500).verdict.allow, '1,500 of 9,000').toBe(true);
    expect(judge(b, 1_000).verdict.allow, '2,000 of 9,000').toBe(false);
  });

  it('confirmed deletions spend nothing, and a confirmation starts the window afresh', () => {
    const clock = new FakeClock();
    const b = new DeletionBudget(clock);
    b.counted(1_000);
    b.ran(0, 150);
    b.ran(0, 500, true);
    expect(b.alreadyDeleted).toBe(150);
    expect(b.backupEntries).toBe(350);
    b.forgive();
    expect(b.alreadyDeleted).toBe(0);
  });

  it('created entries grow the backup the share is taken of', () => {
    const b = new DeletionBudget(new FakeClock());
    b.counted(100);
    b.ran(900, 0);
    expect(judge(b, 150).verdict.allow).toBe(true); // 150 of 1,000
    expect(judge(b, 250).verdict.allow).toBe(false);
  });

  it('before any count the backup is judged as if the deletions were all of it', () => {
    const b = new DeletionBudget(new FakeClock());
    expect(judge(b, 50).verdict.allow).toBe(false);
    expect(judge(b, 5).verdict.allow, 'below the minimum').toBe(true);
  });
});
