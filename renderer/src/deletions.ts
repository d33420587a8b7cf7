/**
 * The mass-deletion guard's question, as the window asks it: the engine holds deletions back,
 * puts the profile in 'needs-confirmation', and each held target says how many deletions wait.
 */
import type { DeletionHold, HeldReview, ProfileStatus } from '@shared/status.ts';
import { alreadyDeletedPhrase, formatCount, plural, whereDeletionsGo } from '@shared/presenter.ts';

export interface DeletionQuestion {
  message: string;
  /** Deletions that wait, over all held targets. */
  count: number | null;
  /** Files and folders on the backup, when the counting pass could tell. */
  of: number | null;
  /** What went before the hold, and where: "" when nothing did. */
  before: string;
  /** Where confirmed deletions go. */
  where: string;
  /** The first names held (the rest page through deletions.list). */
  sample: string[];
  /** Names known, over all held targets. */
  listed: number;
}

export function deletionQuestion(status: ProfileStatus): DeletionQuestion | null {
  if (status.state !== 'needs-confirmation') return null;
  const holds = status.targets.map((t) => t.hold).filter((h): h is DeletionHold => h !== null);
  if (holds.length === 0) {
    const error = status.lastError ?? status.targets.find((t) => t.lastError)?.lastError ?? null;
    return {
      message: error?.message ?? 'Deletions on the backup are held back until you confirm them.',
      count: null,
      of: null,
      before: '',
      where: '',
      sample: [],
      listed: 0,
    };
  }
  const reasons = [...new Set(holds.map((h) => h.reason).filter(Boolean))].map(sentence);
  return {
    message: reasons.join(' ') || 'Deletions on the backup are held back until you confirm them.',
    count: holds.reduce((n, h) => n + h.deletions, 0),
    of: holds.every((h) => h.backupEntries > 0) ? holds.reduce((n, h) => n + h.backupEntries, 0) : null,
    before: holds.map(alreadyDeletedPhrase).filter(Boolean).join(' '),
    where: whereDeletionsGo(holds[0]!.safetyNet),
    sample: holds.flatMap((h) => h.sample),
    listed: holds.reduce((n, h) => n + h.listed, 0),
  };
}

/** The engine words a reason as a clause ("the source folder is empty …"); shown alone, it is a sentence. */
export function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  return `${t[0]!.toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? '' : '.'}`;
}

/**
 * The second step of a confirmation: the count typed back. Serious tools make a destructive,
 * hard-to-undo action take something a reflex cannot supply (GitHub: type the repository's name;
 * a terminal: type "yes"); typing the number also makes the person read it, and the number is what
 * tells an unmounted disk (everything) from a tidy-up (a few). "1642", "1,642" and " 1 642 " all count.
 */
export function confirmationAccepts(typed: string, count: number): boolean {
  const digits = typed.replace(/[\s,.'’_]/g, '');
  return /^\d+$/.test(digits) && Number(digits) === count;
}

/** "Showing 1–200 of 1,642 names" for a review's list (folders are names too); "" when nothing matches. */
/**
 * "Showing 1–33 of 33 names: 30 files and 3 folders". The names hold the folders too, while the
 * hold's count (rsync's) is of files: saying both parts lets "30 entries" and "33 names" agree.
 */
export function shownPhrase(shown: number, matched: number, files = matched): string {
  if (matched === 0 || shown === 0) return '';
  const folders = matched - files;
  const parts = folders > 0 ? `: ${plural(files, 'file')} and ${plural(folders, 'folder')}` : '';
  return `Showing 1–${formatCount(shown)} of ${formatCount(matched)} names${parts}`;
}

/** The folders a review has drilled through: "" (everything), "2023/", "2023/jan/". */
export function folderTrail(folder: string): { label: string; folder: string }[] {
  const parts = folder.split('/').filter(Boolean);
  return [
    { label: 'All held entries', folder: '' },
    ...parts.map((p, i) => ({ label: `${p}/`, folder: `${parts.slice(0, i + 1).join('/')}/` })),
  ];
}

/** One review's totals over every held target: files and bytes add up (bytes unknown if any is). */
export function reviewTotals(reviews: readonly HeldReview[]): { matched: number; files: number; bytes: number | null } {
  let matched = 0;
  let files = 0;
  let bytes: number | null = 0;
  for (const r of reviews) {
    matched += r.matched;
    files += r.files;
    bytes = bytes === null || r.bytes === null ? null : bytes + r.bytes;
  }
  return { matched, files, bytes };
}
