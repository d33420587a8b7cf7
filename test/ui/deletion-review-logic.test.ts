/** The window's deletion review, its pure parts (renderer/src/deletions.ts): the typed-back count and the folder trail. */
import { describe, expect, it } from 'vitest';
import { confirmationAccepts, folderTrail, shownPhrase } from '../../renderer/src/deletions.ts';

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
  });
});
