import { describe, expect, it } from 'vitest';
import { judgeDeletions } from '../../electron/core/sync/deletion-guard.ts';

const base = { deletions: 0, sourceEntries: 1000, created: 0, sourceEmpty: false, maxDeletePercent: 20 };

describe('mass-deletion guard', () => {
  it.each([
    ['nothing to delete', {}, true],
    ['a few deletions', { deletions: 50 }, true],
    ['exactly at the share', { deletions: 250, sourceEntries: 1000 }, true], // 250 of 1250 = 20 %
    ['over the share', { deletions: 300, sourceEntries: 1000 }, false],
    ['most of the backup', { deletions: 9000, sourceEntries: 100 }, false],
    ['a small tree losing a large share, below the minimum count', { deletions: 5, sourceEntries: 3 }, true],
    ['an empty source, even for one file', { deletions: 1, sourceEntries: 1, sourceEmpty: true }, false],
    ['share check off at 100 %', { deletions: 9000, sourceEntries: 100, maxDeletePercent: 100 }, true],
    [
      'share check off, but the source is empty',
      { deletions: 9000, sourceEntries: 1, sourceEmpty: true, maxDeletePercent: 100 },
      false,
    ],
  ])('%s', (_, patch, allow) => {
    expect(judgeDeletions({ ...base, ...patch }).allow).toBe(allow);
  });

  it('says why, with the counts', () => {
    const v = judgeDeletions({ ...base, deletions: 9000, sourceEntries: 1001, created: 1 });
    expect(v).toEqual({
      allow: false,
      backupEntries: 10000,
      reason: expect.stringMatching(/delete 9000 of 10000 entries .*90 %.*20 % allowed/),
    });
    expect(judgeDeletions({ ...base, deletions: 12, sourceEmpty: true, sourceEntries: 1 })).toMatchObject({
      reason: expect.stringMatching(/source folder is empty \(is its disk mounted\?\)/),
    });
  });
});
