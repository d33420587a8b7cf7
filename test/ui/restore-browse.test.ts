import { describe, expect, it } from 'vitest';
import type { BrowseEntry } from '../../electron/shared/restore-contract.ts';
import {
  breadcrumbs,
  countsPhrase,
  hasHistory,
  pageInfo,
  pageSelection,
  previewPhrase,
  restoreFacts,
  STATE_LOOK,
  toggle,
  togglePage,
} from '../../renderer/src/restore-browse.ts';

const entry = (name: string, state: BrowseEntry['state']): BrowseEntry => ({
  name,
  path: `docs/${name}`,
  kind: 'file',
  size: 1,
  mtime: 0,
  state,
  local: null,
});

describe('restore screen logic', () => {
  it('words each local state', () => {
    expect(STATE_LOOK['backup-only'].word).toBe('Only on the backup');
    expect(STATE_LOOK['local-only'].word).toBe('Only here');
    expect(countsPhrase({ same: 1642, differs: 0, 'backup-only': 3, 'local-only': 1 })).toBe(
      '1,642 same · 3 only on the backup · 1 only here',
    );
    expect(countsPhrase({ same: 0, differs: 0, 'backup-only': 0, 'local-only': 0 })).toBe('Empty folder');
  });

  it('makes breadcrumbs from a folder path', () => {
    expect(breadcrumbs('a/b')).toEqual([
      { label: 'Backup', folder: '' },
      { label: 'a', folder: 'a' },
      { label: 'b', folder: 'a/b' },
    ]);
    expect(breadcrumbs('')).toHaveLength(1);
  });

  it('pages', () => {
    const items = Array.from({ length: 200 }, (_, i) => entry(`f${i}`, 'same'));
    expect(pageInfo({ total: 10_000, offset: 200, items })).toMatchObject({
      from: 201,
      to: 400,
      hasPrevious: true,
      hasNext: true,
      label: '201–400 of 10,000',
    });
    expect(pageInfo({ total: 0, offset: 0, items: [] })).toMatchObject({ from: 0, hasNext: false, hasPrevious: false });
  });

  it('selects on a page, never what is only local', () => {
    const items = [entry('a', 'same'), entry('b', 'backup-only'), entry('c', 'local-only')];
    const all = togglePage(new Set(), items);
    expect([...all]).toEqual(['docs/a', 'docs/b']);
    expect(pageSelection(all, items)).toBe('all');
    expect(pageSelection(toggle(all, 'docs/a'), items)).toBe('some');
    expect(togglePage(all, items).size).toBe(0);
    // Selections on other pages stay when this page is cleared.
    expect([...togglePage(new Set(['other/x', 'docs/a', 'docs/b']), items)]).toEqual(['other/x']);
  });

  it('offers a history for files the backup holds, not for one only here nor for a folder', () => {
    expect(hasHistory(entry('a', 'same'))).toBe(true);
    expect(hasHistory(entry('b', 'differs'))).toBe(true);
    expect(hasHistory(entry('c', 'backup-only'))).toBe(true);
    expect(hasHistory(entry('d', 'local-only'))).toBe(false);
    expect(hasHistory({ ...entry('e', 'same'), kind: 'folder' })).toBe(false);
  });

  it('words the preview and the progress with the presenter', () => {
    expect(
      previewPhrase({
        destination: '/home/me/Docs',
        creates: { count: 1642, names: [] },
        conflicts: { count: 1, names: ['a'] },
        bytes: 2048,
      }),
    ).toBe('1,642 entries to create, 1 local file differs (2.0 KiB), into /home/me/Docs.');
    expect(
      restoreFacts({
        bytes: 1024,
        percent: 50,
        bytesPerSecond: 0,
        etaSeconds: null,
        filesDone: 2,
        filesTotal: 1500,
        bytesTotal: 2048,
      }),
    ).toEqual(['2 of 1,500 files', '1.0 KiB of 2.0 KiB', 'measuring the rate']);
  });
});
