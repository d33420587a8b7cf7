/**
 * The restore screen's logic that is not layout (issue 16): the words for an entry's local state,
 * the breadcrumbs of a backup folder, paging, and the selection on a page. Kept out of the .vue
 * files so it is tested on its own.
 */
import type { BrowseEntry, LocalState, RestorePreview } from '@shared/restore-contract.ts';
import type { RestoreProgress } from '@shared/status.ts';
import { formatBytes, formatCount, formatEta, formatRate, plural } from '@shared/presenter.ts';

/** Entries per page: a folder of 10,000 never draws more than this at once. */
export const RESTORE_PAGE = 200;

/** Each state as words, with what it means (the badge's tooltip). */
export const STATE_LOOK: Record<LocalState, { word: string; title: string }> = {
  same: { word: 'Same', title: 'The local copy matches the backup.' },
  differs: { word: 'Differs', title: 'The local copy differs from the backup.' },
  'backup-only': { word: 'Only on the backup', title: 'Not in the local folder: restore brings it back.' },
  'local-only': { word: 'Only here', title: 'Only in the local folder: nothing to restore.' },
};

export const STATE_ORDER: readonly LocalState[] = ['same', 'differs', 'backup-only', 'local-only'];

/** "12 same · 3 differ · …": the folder's counts per state, zero counts left out. */
export function countsPhrase(counts: Record<LocalState, number>): string {
  const parts = STATE_ORDER.filter((s) => counts[s] > 0).map(
    (s) => `${formatCount(counts[s])} ${STATE_LOOK[s].word.toLowerCase()}`,
  );
  return parts.length ? parts.join(' · ') : 'Empty folder';
}

export interface Crumb {
  label: string;
  folder: string;
}

/** The way from the backup's top folder down to `folder`, each step openable. */
export function breadcrumbs(folder: string, top = 'Backup'): Crumb[] {
  const parts = folder.split('/').filter(Boolean);
  return [{ label: top, folder: '' }, ...parts.map((label, i) => ({ label, folder: parts.slice(0, i + 1).join('/') }))];
}

export interface PageInfo {
  from: number;
  to: number;
  total: number;
  hasPrevious: boolean;
  hasNext: boolean;
  label: string;
}

export function pageInfo(page: { total: number; offset: number; items: readonly unknown[] }): PageInfo {
  const from = page.items.length ? page.offset + 1 : 0;
  const to = page.offset + page.items.length;
  return {
    from,
    to,
    total: page.total,
    hasPrevious: page.offset > 0,
    hasNext: to < page.total,
    label: `${formatCount(from)}–${formatCount(to)} of ${formatCount(page.total)}`,
  };
}

/** An entry that can be restored: anything the backup holds. */
export const restorable = (e: BrowseEntry): boolean => e.state !== 'local-only';

/** A file the backup holds has a history to show (its kept versions); one only here has none. */
export const hasHistory = (e: BrowseEntry): boolean => e.kind === 'file' && restorable(e);

/** Selection by path, kept across pages of one folder. */
export function toggle(selected: ReadonlySet<string>, path: string): Set<string> {
  const next = new Set(selected);
  if (next.has(path)) next.delete(path);
  else next.add(path);
  return next;
}

/** Select all on the page, or clear the page when all of it is selected already. */
export function togglePage(selected: ReadonlySet<string>, items: readonly BrowseEntry[]): Set<string> {
  const paths = items.filter(restorable).map((e) => e.path);
  const next = new Set(selected);
  const all = paths.length > 0 && paths.every((p) => next.has(p));
  for (const p of paths) {
    if (all) next.delete(p);
    else next.add(p);
  }
  return next;
}

export function pageSelection(selected: ReadonlySet<string>, items: readonly BrowseEntry[]): 'all' | 'some' | 'none' {
  const paths = items.filter(restorable).map((e) => e.path);
  const n = paths.filter((p) => selected.has(p)).length;
  return n === 0 ? 'none' : n === paths.length ? 'all' : 'some';
}

/** The preview in one sentence: what arrives, how much, and how many need a choice. */
export function previewPhrase(p: RestorePreview): string {
  const creates = `${plural(p.creates.count, 'entry', 'entries')} to create`;
  const conflicts = p.conflicts.count
    ? `, ${plural(p.conflicts.count, 'local file differs', 'local files differ')}`
    : '';
  return `${creates}${conflicts} (${formatBytes(p.bytes)}), into ${p.destination}.`;
}

/** What each conflict choice does, in words. */
export const CONFLICT_WORDS = {
  'keep-both': {
    label: 'Keep both',
    detail: 'The restored copy goes beside the local file under a new name; nothing local is replaced.',
  },
  overwrite: { label: 'Overwrite', detail: 'The backup’s copy replaces the local file that differs.' },
  skip: { label: 'Skip', detail: 'Local files that differ stay as they are; only the rest is restored.' },
} as const;

/** A running restore's facts: "1.2 MiB of 3.4 MiB", "about 2 min left", "4.8 MiB/s". */
export function restoreFacts(p: RestoreProgress): string[] {
  const facts: string[] = [];
  if (p.filesDone != null && p.filesTotal != null)
    facts.push(`${formatCount(p.filesDone)} of ${plural(p.filesTotal, 'file')}`);
  const total = p.bytesTotal ?? null;
  facts.push(
    total !== null
      ? `${formatBytes(Math.min(p.bytes, total))} of ${formatBytes(total)}`
      : `${formatBytes(p.bytes)} received`,
  );
  const eta = formatEta(p.etaSeconds);
  if (eta) facts.push(eta);
  facts.push(p.bytesPerSecond > 0 ? formatRate(p.bytesPerSecond) : 'measuring the rate');
  return facts;
}
