/**
 * Absolute paths as Buffers, for Node's fs calls on names that are not valid UTF-8 (see
 * shared/names.ts): a string path is encoded as UTF-8 with U+FFFD where such bytes were, and
 * names a file that does not exist. Relative paths stay strings in the lossless encoding; only
 * the call into fs gets bytes.
 */
import { decodeName, encodeName, hasSurrogate } from '../../shared/names.ts';

/** A lossless string's exact bytes, as the Buffer fs takes. */
export function nameBytes(s: string): Buffer {
  // Nearly every path: plain UTF-8, one native call (a third of the cost of TextEncoder's).
  if (!hasSurrogate(s)) return Buffer.from(s, 'utf8');
  const b = encodeName(s);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** A name (or relative path) fs gave as bytes, as the lossless string. */
export const nameOf = (b: Buffer): string => decodeName(b);

const SLASH = Buffer.from('/');

/** A root's bytes, and the absolute path of anything under it. */
export interface RootBytes {
  bytes: Buffer;
  /** root + '/' + rel, exactly ('' is the root itself). */
  abs(rel: string): Buffer;
  /** A directory's absolute path + '/' + one name, both bytes already (no encoding). */
  child(dir: Buffer, name: Buffer): Buffer;
}

export function rootBytes(root: string): RootBytes {
  const bytes = nameBytes(root);
  const prefix = root.endsWith('/') ? root : `${root}/`;
  return {
    bytes,
    // Joined as strings, encoded once: '/' is never part of an escape, so this is exact.
    abs: (rel) => (rel === '' ? bytes : nameBytes(prefix + rel)),
    child: (dir, name) =>
      dir[dir.length - 1] === 0x2f ? Buffer.concat([dir, name]) : Buffer.concat([dir, SLASH, name]),
  };
}
