/** The window's deletion review, its pure parts (renderer/src/deletions.ts): the typed-back count and the folder trail. */
import { describe, expect, it } from 'vitest';
import type { HeldReview } from '../../electron/shared/status.ts';
import { confirmationAccepts, folderTrail, reviewTotals, shownPhrase } from '../../renderer/src/deletions.ts';

describe('the second step takes the count typed back', () => {
  it.each([
    ['1642', true],
    ['1,642', true],
    [' 1 642 ', true],
    ['1.642', true],
    ['1641', false],
    ['16420', false],
    ['', false],
    ['yes', false],
    ['1642 files', false],
    ['-1642', false],
  ])('%j for 1,642: %s', (typed, ok) => {
    expect(confirmationAccepts(typed, 1642)).toBe(ok);
  });
});

describe('the review', () => {
  it('walks back through the folders it opened', () => {
    expect(folderTrail('')).toEqual([{ label: 'All held entries', folder: '' }]);
    expect(folderTrail('2023/jan/')).toEqual([
      { label: 'All held entries', folder: '' },
      { label: '2023/', folder: '2023/' },
      { label: 'jan/', folder: '2023/jan/' },
    ]);
  });

  it('says how much of the list it shows, numbers with a comma', () => {
    expect(shownPhrase(200, 1642)).toBe('Showing 1–200 of 1,642 names');
    expect(shownPhrase(0, 0)).toBe('');
    // The names hold the folders too: both parts said, so the hold's file count agrees with them.
    expect(shownPhrase(33, 33, 30)).toBe('Showing 1–33 of 33 names: 30 files and 3 folders');
    expect(shownPhrase(1, 2, 1)).toBe('Showing 1–1 of 2 names: 1 file and 1 folder');
  });

  it('totals a review over every held target, bytes unknown when one target cannot tell', () => {
    const of = (matched: number, files: number, bytes: number | null) => ({ matched, files, bytes }) as HeldReview;
    expect(reviewTotals([of(33, 30, 900), of(5, 5, 100)])).toEqual({ matched: 38, files: 35, bytes: 1000 });
    expect(reviewTotals([of(3, 3, 9), of(1, 1, null)])).toEqual({ matched: 4, files: 4, bytes: null });
    expect(reviewTotals([])).toEqual({ matched: 0, files: 0, bytes: 0 });
  });
});
