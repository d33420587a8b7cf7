/**
 * What a run did, file by file, from rsync's own itemized output: `--out-format=%i %n`
 * (ITEMIZE_FORMAT), read under LC_ALL=C. Each line is an 11-column change code, a space and the
 * name, escaped by rsync ("\#ooo" for every byte it will not print, so a newline in a name is
 * "\#012" and never ends a line):
 *
 *   "<f+++++++++ docs/new.txt"   a file sent (created)       "<f.st...... a"   a file sent (updated)
 *   "cd+++++++++ photos/"        a folder created            "cL+++++++++ link" a symlink created
 *   ".d..t...... ./"             attributes only: not sent   "*deleting   old.txt" deleted
 *
 * The first column says what happened ('<' sent, '>' received, 'c' created here, 'h' a hard
 * link, '.' nothing but attributes, '*' a message), the second what it is (f d L D S). %n never
 * carries a symlink's " -> target" (that is %L), so " -> " in a line is part of the name.
 *
 * rsync's progress2 lines end in "\r" without a newline, so a line may come glued to the end of
 * one ("   13  81%  10.74kB/s  0:00:00 (xfr#7, to-chk=3/12)cd+++++++++ d/"): the progress part
 * is cut off first. Lines are read as latin1 (one character a byte), so counting costs no
 * decoding; only the names kept are decoded.
 */
import { parseDeletionLine, unescapeName } from './rsync-output.ts';

/** The out-format that itemizes: rsync >= 3.1 (the minimum) also itemizes deletions with it. */
export const ITEMIZE_FORMAT = '--out-format=%i %n';

/** What a run named of one kind: every line counted, the first `keep` names kept. */
export interface NameTally {
  count: number;
  names: string[];
}

/** A progress2 line (rsync-output.ts's PROGRESS2), unanchored at the end: what may follow is a line of its own. */
const PROGRESS_PREFIX =
  /^\s*[\d,]+\s+\d+%\s+[\d.]+[kMG]B\/s\s+(?:\d+:\d{2}:\d{2}|\?\?:\?\?:\?\?)(?: \(xfr#\d+, (?:to|ir)-chk=\d+\/\d+\))?\s*/;

const SPACE = 0x20;
/** The first column of a change that put something on the receiver. */
const SENT_CHANGE = new Set(['<', '>', 'c', 'h'].map((c) => c.charCodeAt(0)));
/** The second column: file, directory, symlink, device, special file. */
const ENTRY_TYPE = new Set(['f', 'd', 'L', 'D', 'S'].map((c) => c.charCodeAt(0)));
const STAR = 0x2a;
const LOWER_D = 0x64;
/** Where the name starts in an itemized line: the 11-column code and a space. */
const NAME_AT = 12;

/** The line with a progress2 line in front of it cut off; '' when it was only progress; the line itself otherwise. */
export function withoutProgress(line: string): string {
  const c = line.charCodeAt(0);
  // A progress line starts with the padding of its byte count, or its first digit past 1 TB.
  if (c !== SPACE && !(c >= 0x30 && c <= 0x39)) return line;
  const m = PROGRESS_PREFIX.exec(line);
  return m ? line.slice(m[0].length) : line;
}

/**
 * One itemized line → what it says, or null for any other line (stats, messages, progress,
 * attribute-only changes). Allocates nothing for lines it does not name.
 */
export function parseItemizeLine(line: string): { action: 'sent' | 'deleted'; name: string } | null {
  const kind = itemizedKind(line);
  if (kind === null) return null;
  const name = kind === 'sent' ? unescapeName(line, NAME_AT) : parseDeletionLine(line);
  return name === null || name === '' ? null : { action: kind, name };
}

/** Which kind of line this is, without decoding its name. */
function itemizedKind(line: string): 'sent' | 'deleted' | null {
  const c = line.charCodeAt(0);
  if (c === STAR || c === LOWER_D) return parseDeletionLineKind(line) ? 'deleted' : null;
  if (!SENT_CHANGE.has(c) || !ENTRY_TYPE.has(line.charCodeAt(1)) || line.charCodeAt(11) !== SPACE) return null;
  // The transfer's top folder itself ("./") is no entry of the source a person would look for.
  if (line.length <= NAME_AT || (line.length === NAME_AT + 2 && line.endsWith('./'))) return null;
  return 'sent';
}

const parseDeletionLineKind = (line: string): boolean =>
  line.startsWith('*deleting   ') || line.startsWith('deleting ');

/**
 * The names a run's output gives, as the runner reads it: every sent and deleted entry counted,
 * the first `keepSent` / `keepDeleted` names kept (decoded only then).
 */
export class ItemizedLines {
  readonly #keepSent: number;
  readonly #keepDeleted: number;
  readonly sent: NameTally = { count: 0, names: [] };
  readonly deleted: NameTally = { count: 0, names: [] };

  constructor(keepSent: number, keepDeleted: number) {
    this.#keepSent = keepSent;
    this.#keepDeleted = keepDeleted;
  }

  /** Feeds complete lines (one character a byte). */
  add(lines: Iterable<string>): void {
    for (const raw of lines) {
      if (raw.length === 0) continue;
      const line = withoutProgress(raw);
      const kind = itemizedKind(line);
      if (kind === null) continue;
      const tally = kind === 'sent' ? this.sent : this.deleted;
      tally.count++;
      if (tally.names.length >= (kind === 'sent' ? this.#keepSent : this.#keepDeleted)) continue;
      const name = kind === 'sent' ? unescapeName(line, NAME_AT) : parseDeletionLine(line);
      if (name) tally.names.push(name);
    }
  }
}
