/**
 * File names as bytes. On Linux a name is any bytes but '/' and NUL; one that is not valid UTF-8
 * (Latin-1 from old systems, archives, Samba shares: 'caf\xE9.txt') decoded the usual way comes
 * out with U+FFFD in it, and that string names no file at all — lstat fails, rsync is handed a
 * path that does not exist, and the file is never synced live.
 *
 * So names are carried as strings in one lossless encoding, Python's "surrogateescape" (PEP 383):
 * valid UTF-8 decodes as usual, and each byte of an invalid sequence becomes the lone surrogate
 * U+DC80 + (byte - 0x80). Valid UTF-8 never decodes to a lone surrogate (encoded surrogates are
 * themselves invalid UTF-8), so the mapping is exact both ways: encodeName(decodeName(b)) is b
 * for every b, and a name that is valid UTF-8 is the string everyone else already uses. Such
 * strings survive JSON (ES2019 JSON.stringify writes lone surrogates as \udcXX escapes), so the
 * journal keeps them; '/' (0x2F) is never escaped, so paths are still split and joined on '/'.
 *
 * Hand-written, not a package: TextDecoder/TextEncoder and Buffer only replace (U+FFFD) or
 * throw without saying where, no npm package does surrogateescape on Uint8Array without Node's
 * Buffer, and this layer is bundled into the sandboxed window (no Node, nothing but zod).
 */

/** Bytes 0x80..0xFF of an invalid sequence map to U+DC80..U+DCFF. */
const ESCAPE_BASE = 0xdc00;
/** U+FFFD: what a lossy decoder puts where bytes did not decode. */
export const REPLACEMENT_CHAR = '\uFFFD';

// ignoreBOM: a name may begin with the bytes EF BB BF, which are part of it, not a marker.
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** Whether b[j] is a continuation byte within lo..hi (past the end: no). */
const cont = (b: Uint8Array, j: number, lo = 0x80, hi = 0xbf): boolean => j < b.length && b[j]! >= lo && b[j]! <= hi;

/** The length of the valid UTF-8 sequence starting at `i`, or 0 if none does (the Unicode standard, table 3-7). */
function sequenceLength(b: Uint8Array, i: number): number {
  const b0 = b[i]!;
  if (b0 < 0x80) return 1;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(b, i + 1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    // E0 excludes overlong forms, ED excludes the surrogates D800..DFFF.
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    return cont(b, i + 1, lo, hi) && cont(b, i + 2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    // F0 excludes overlong forms, F4 anything past U+10FFFF.
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    return cont(b, i + 1, lo, hi) && cont(b, i + 2) && cont(b, i + 3) ? 4 : 0;
  }
  return 0; // a continuation byte, C0/C1 (overlong), F5..FF
}

/** Bytes (a name or a '/'-separated path) → the lossless string. */
export function decodeName(bytes: Uint8Array): string {
  // Checked by hand before decoding: a TextDecoder that throws costs ~7 µs a name, a tree of
  // Latin-1 names is not rare, and the check of an ASCII name is a few comparisons.
  let i = 0;
  while (i < bytes.length) {
    const n = sequenceLength(bytes, i);
    if (n === 0) break;
    i += n;
  }
  if (i === bytes.length) return strict.decode(bytes);
  let out = '';
  let run = 0; // start of the valid run not yet decoded
  while (i < bytes.length) {
    const n = sequenceLength(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    if (run < i) out += strict.decode(bytes.subarray(run, i));
    // Only this byte: the next is looked at afresh (a broken sequence's continuation bytes are
    // escaped in turn, and an ASCII byte after a truncated lead is itself).
    out += String.fromCharCode(ESCAPE_BASE + bytes[i]!);
    i++;
    run = i;
  }
  if (run < bytes.length) out += strict.decode(bytes.subarray(run));
  return out;
}

/**
 * Whether `s` has any surrogate code unit (paired or not): only then can its bytes differ from
 * its plain UTF-8 encoding (and is the slow path of encodeName needed).
 */
export function hasSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return true;
  }
  return false;
}

/**
 * The lossless string → its exact bytes (the inverse of decodeName). A lone surrogate that
 * decodeName never makes (U+D800..U+DC7F) has no bytes: it becomes U+FFFD, as TextEncoder does.
 */
export function encodeName(s: string): Uint8Array {
  if (!hasSurrogate(s)) return encoder.encode(s);
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const next = s.charCodeAt(i + 1); // NaN past the end
    let cp = c;
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
      i++;
    } else if (c >= 0xdc80 && c <= 0xdcff) {
      out.push(c - ESCAPE_BASE);
      continue;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      cp = 0xfffd;
    }
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return Uint8Array.from(out);
}

/**
 * Whether a name given as text by someone else (chokidar, a string-decoding API) may not be the
 * name on disk: it has U+FFFD where undecodable bytes were. A real name can contain U+FFFD too;
 * treating that as inexact costs a rescan of its folder, never a missed change.
 */
export const mayBeLossy = (name: string): boolean => name.includes(REPLACEMENT_CHAR);

const hex2 = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');
const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
/**
 * Code points that would let a name forge or reorder what a person reads: C0 and DEL (\xNN),
 * C1 controls (a terminal may act on them), the line and paragraph separators, and the bidi
 * controls (U+202E turns 'gpj.exe' around). Other format characters (the emoji joiner U+200D)
 * are left alone.
 */
const HIDDEN = /[\u0080-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

/**
 * A name or path for people: log lines, notes, the window. Bytes that are not UTF-8 read as
 * `\xE9` (so 'caf\xE9.txt'), control characters as `\n`, `\t`, `\x01` — a name cannot start a
 * new log line — and other hidden characters as `\u{202E}`. A backslash reads `\\` (as `ls -b`
 * shows it), so what is shown names one file only.
 */
export const displayName = (s: string): string => escapeForDisplay(s, true);

/**
 * Free text that may hold a name (an error message from fs, which names the path decoded
 * lossily): the same escapes, but a backslash is left as it is (a Windows path in a message).
 */
export const safeText = (s: string): string => escapeForDisplay(s, false);

function escapeForDisplay(s: string, backslash: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const c = ch.charCodeAt(0);
    const next = s.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += ch + s[++i]!; // a character beyond the BMP, shown as it is
    } else if (c >= 0xdc80 && c <= 0xdcff) out += `\\x${hex2(c - ESCAPE_BASE)}`;
    else if (c >= 0xd800 && c <= 0xdfff) out += `\\u{${hex2(c)}}`;
    else if (ch === '\\') out += backslash ? '\\\\' : ch;
    else if (SHORT_ESCAPES[ch]) out += SHORT_ESCAPES[ch];
    else if (c < 0x20 || c === 0x7f) out += `\\x${hex2(c)}`;
    else if (HIDDEN.test(ch)) out += `\\u{${hex2(c)}}`;
    else out += ch;
  }
  return out;
}
