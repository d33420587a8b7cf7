/**
 * What is on a backup, as rsync itself lists it (`--list-only`): a general reader of a daemon
 * module's entries — {name, kind, size, mtime} — for any screen that looks at a target without
 * changing it (a held deletion's sizes today; browsing a target to restore from it tomorrow).
 *
 * Why rsync and not a protocol of our own: the daemon's own access rules, excludes and auth then
 * decide what is listed, exactly as for a sync; and the password travels as it does for a sync
 * (RSYNC_PASSWORD in the child's environment or a password file: auth.ts), never in argv.
 *
 * The lines are read under LC_ALL=C (the runner sets it): sizes then read "1,234,567" whatever the
 * locale, and every byte rsync will not print comes as "\#ooo" (octal), so a name with a newline or
 * invalid UTF-8 is one ASCII line whose exact bytes come back through shared/names.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RsyncTrayError } from '../../shared/errors.ts';
import { encodeName } from '../../shared/names.ts';
import type { ResolvedAuth } from './auth.ts';
import { filesFromInput } from './rsync-args.ts';
import { diagnose, type DiagnoseContext } from './rsync-diagnostics.ts';
import { unescapeName } from './rsync-output.ts';
import { runRsync } from './rsync-runner.ts';

export type ListingKind = 'file' | 'folder' | 'symlink' | 'device' | 'special';

export interface ListingEntry {
  /** The path under the listed folder, in the lossless encoding of shared/names.ts; no trailing '/'. */
  name: string;
  kind: ListingKind;
  /** Bytes (a symlink: its target's length; a folder: its inode's, not its content's). */
  size: number;
  /** Modification time, epoch ms (rsync prints the client's local time, to the second). */
  mtime: number;
  /** A symlink's target, when rsync sent it (with -l). */
  linkTarget?: string;
}

/** The mode string's first letter → the kind of entry (ls's letters, as rsync prints them). */
const KIND_OF: Readonly<Record<string, ListingKind>> = {
  '-': 'file',
  d: 'folder',
  l: 'symlink',
  c: 'device',
  b: 'device',
  p: 'special',
  s: 'special',
};

/**
 * "drwxr-xr-x          4,096 2023/01/31 12:00:00 name": the mode (an ACL/xattr mark may follow
 * it), the size right-aligned, the time, then ONE space and the name to the end of the line — a
 * name may begin or end with spaces, so nothing is trimmed. A device may show "major,minor".
 */
const LINE = /^([-dlcbps])[-rwxsStTlL]{9}[+.@]? +([\d,]+) (\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d) (.+)$/;

/**
 * A symlink's " -> target" (only with -l) is told apart from a name that itself holds " -> " by
 * the size: rsync gives a symlink's size as its target's length in bytes.
 */
function splitLink(rest: string, size: number): { name: string; linkTarget?: string } {
  for (let at = rest.indexOf(' -> '); at !== -1; at = rest.indexOf(' -> ', at + 1)) {
    const target = unescapeName(rest.slice(at + 4));
    if (encodeName(target).length === size) return { name: unescapeName(rest.slice(0, at)), linkTarget: target };
  }
  return { name: unescapeName(rest) };
}

/** One listing line → an entry; null for anything else (a MOTD, a warning, the "." of the folder itself). */
export function parseListingLine(line: string): ListingEntry | null {
  const m = LINE.exec(line.endsWith('\r') ? line.slice(0, -1) : line);
  if (!m) return null;
  const [, letter, sizeText, y, mo, d, h, mi, s, rest] = m as unknown as string[];
  const kind = KIND_OF[letter!]!;
  const size = Number(sizeText!.replace(/,/g, ''));
  const mtime = new Date(+y!, +mo! - 1, +d!, +h!, +mi!, +s!).getTime();
  const named = kind === 'symlink' ? splitLink(rest!, size) : { name: unescapeName(rest!) };
  if (named.name === '.') return null;
  return { ...named, name: named.name.replace(/\/+$/, ''), kind, size, mtime };
}

/** A whole listing (stdout) → its entries, in rsync's order. */
export function parseListing(text: string): ListingEntry[] {
  const out: ListingEntry[] = [];
  for (const line of text.split('\n')) {
    const entry = parseListingLine(line);
    if (entry) out.push(entry);
  }
  return out;
}

export interface ListRequest {
  rsyncPath: string;
  /** The folder to list: "rsync://[user@]host:port/module/path/" (targetUrl). */
  url: string;
  auth: ResolvedAuth;
  /** For the error message: which daemon and module (rsync-diagnostics.ts). */
  where: DiagnoseContext;
  timeoutSeconds: number;
  /**
   * List exactly these paths under the folder (each itself, a folder without its content), sent
   * as --files-from on stdin: a few names of a big backup cost what they are, not the backup.
   * Without them: the folder's content, recursively with `recursive`.
   */
  paths?: readonly string[];
  recursive?: boolean;
  signal?: AbortSignal;
  run?: typeof runRsync;
}

/** Lists a folder on a daemon; a failure throws RsyncTrayError worded like a sync's. */
export async function listTarget(req: ListRequest): Promise<ListingEntry[]> {
  const timeouts = [`--contimeout=${req.timeoutSeconds}`, `--timeout=${req.timeoutSeconds}`];
  const args = ['--list-only', ...timeouts, ...(req.recursive ? ['-r'] : []), ...req.auth.args];
  const url = req.url.endsWith('/') ? req.url : `${req.url}/`;
  // rsync takes --files-from only with a destination; --list-only still lists and writes nothing.
  // An empty folder of ours, so that even a misreading rsync could only write there.
  const dest = req.paths ? await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-list-')) : null;
  try {
    const result = await (req.run ?? runRsync)({
      rsyncPath: req.rsyncPath,
      args: dest ? [...args, '--files-from=-', '--from0', '--ignore-missing-args', url, `${dest}/`] : [...args, url],
      env: req.auth.env,
      input: req.paths ? filesFromInput(req.paths.map((p) => p.replace(/\/+$/, ''))) : undefined,
      signal: req.signal,
      secrets: req.auth.secrets,
      captureStdout: true,
    });
    const error = result.exitCode === 0 ? null : diagnose(result.stderr, result.exitCode, req.where);
    if (error) throw new RsyncTrayError(error.code, error.message, error.hint);
    return parseListing(result.stdout ?? '');
  } finally {
    if (dest) await rm(dest, { recursive: true, force: true });
  }
}
