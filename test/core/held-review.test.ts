/**
 * A held deletion reviewed (held-review.ts, held-deletions.ts): folder totals one level down, a
 * search over the names as shown, paging, and sizes listed once per hold on the first look.
 */
import { describe, expect, it } from 'vitest';
import { HeldDeletions } from '../../electron/core/sync/held-deletions.ts';
import { reviewHeld, searchableNames } from '../../electron/core/sync/held-review.ts';
import type { ListingEntry } from '../../electron/core/rsync/rsync-listing.ts';
import { ProfileSchema } from '../../electron/shared/profile-schema.ts';
import { FakeClock } from '../support/fake-clock.ts';

const NAMES = [
  '2023/jan/a.txt',
  '2023/jan/b.txt',
  '2023/jan/',
  '2023/big.bin',
  '2023/',
  'caf\udce9.txt',
  'photos/x.jpg',
  'photos/',
];
const SIZES = new Map([
  ['2023/jan/a.txt', 1_000],
  ['2023/jan/b.txt', 2_000],
  ['2023/big.bin', 3_000_000],
  ['caf\udce9.txt', 7],
  ['photos/x.jpg', 500],
]);
const input = (sizes: ReadonlyMap<string, number> | null = SIZES) => ({
  names: NAMES,
  searchable: () => searchableNames(NAMES),
  sizes,
});
const page = (over: Partial<{ query: string; folder: string; offset: number; limit: number }> = {}) => ({
  query: '',
  folder: '',
  offset: 0,
  limit: 100,
  ...over,
});

describe('reviewHeld', () => {
  it('totals each top-level folder: its files, its folders and their bytes', () => {
    const r = reviewHeld(input(), page());
    expect(r.folders).toEqual([
      { path: '2023/', files: 3, folders: 1, bytes: 3_003_000 },
      { path: 'photos/', files: 1, folders: 0, bytes: 500 },
    ]);
    expect(r).toMatchObject({ matched: 8, files: 5, bytes: 3_003_507, folderCount: 2 });
    expect(r.sizes[NAMES.indexOf('2023/big.bin')]).toBe(3_000_000);
    expect(r.sizes[NAMES.indexOf('2023/')]).toBeNull();
  });

  it('drills into a folder: its content only, totalled one level down', () => {
    const r = reviewHeld(input(), page({ folder: '2023' }));
    expect(r.folder).toBe('2023/');
    expect(r.names).toEqual(['2023/jan/a.txt', '2023/jan/b.txt', '2023/jan/', '2023/big.bin']);
    expect(r.folders).toEqual([{ path: '2023/jan/', files: 2, folders: 0, bytes: 3_000 }]);
    expect(r).toMatchObject({ files: 3, bytes: 3_003_000 });
  });

  it('searches the names as shown, in any case (an invalid byte reads \\xE9)', () => {
    expect(reviewHeld(input(), page({ query: 'CAF\\XE9' })).names).toEqual(['caf\udce9.txt']);
    const jan = reviewHeld(input(), page({ query: 'JAN/' }));
    expect(jan.names).toEqual(['2023/jan/a.txt', '2023/jan/b.txt', '2023/jan/']);
    expect(jan.folders).toEqual([{ path: '2023/', files: 2, folders: 1, bytes: 3_000 }]);
    expect(reviewHeld(input(), page({ query: 'nothing-like-it' })).matched).toBe(0);
  });

  it('pages the matches', () => {
    const r = reviewHeld(input(), page({ offset: 2, limit: 3 }));
    expect(r.names).toEqual(NAMES.slice(2, 5));
    expect(r.matched).toBe(8);
  });

  it('without sizes: counts, and bytes null', () => {
    const r = reviewHeld(input(null), page());
    expect(r.bytes).toBeNull();
    expect(r.folders[0]).toEqual({ path: '2023/', files: 3, folders: 1, bytes: null });
    expect(r.sizes.every((s) => s === null)).toBe(true);
  });
});

describe('HeldDeletions.review', () => {
  const profile = ProfileSchema.parse({
    name: 'p',
    source: '/src',
    targets: [{ host: 'h', module: 'm', auth: { type: 'none' } }],
  });
  const held = (list: (paths: readonly string[]) => Promise<ListingEntry[]>) => {
    const h = new HeldDeletions(new FakeClock(), profile, {
      target: profile.targets[0]!,
      caps: { path: 'rsync' },
      listTarget: (req) => list(req.paths ?? []),
    });
    const judgement = h.io.budget(NAMES.length, { sourceEmpty: true });
    h.io.hold(NAMES.length, NAMES, judgement);
    return h;
  };
  const entries = (paths: readonly string[]): ListingEntry[] =>
    paths.map((p) => ({ name: p, kind: 'file', size: SIZES.get(p) ?? 0, mtime: 0 }));

  it('lists the sizes once, on the first look, asking for the held files only', async () => {
    const asked: (readonly string[])[] = [];
    const h = held(async (paths) => (asked.push(paths), entries(paths)));
    expect(asked).toHaveLength(0); // holding lists nothing
    const first = await h.review(page());
    expect(first).toMatchObject({ total: 8, listed: 8, bytes: 3_003_507, sizesNote: '' });
    await h.review(page({ query: 'jan' }));
    expect(asked).toEqual([NAMES.filter((n) => !n.endsWith('/'))]);
  });

  it('a listing that fails says why, and the next look asks again', async () => {
    let fail = true;
    const h = held(async (paths) => {
      if (fail) throw new Error('The rsync daemon at h:873 does not answer.');
      return entries(paths);
    });
    const r = await h.review(page());
    expect(r.bytes).toBeNull();
    expect(r.sizesNote).toMatch(/^Sizes could not be read from the backup: The rsync daemon at h:873 does not answer/);
    expect(r.folders[0]!.files).toBe(3); // the counts are there anyway
    fail = false;
    expect((await h.review(page())).bytes).toBe(3_003_507);
  });

  it('nothing held: an empty review', async () => {
    const h = new HeldDeletions(new FakeClock(), profile);
    expect(await h.review(page())).toMatchObject({ total: 0, listed: 0, matched: 0, names: [], folders: [] });
  });
});
