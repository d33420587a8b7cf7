/** The lossless codec for file names (bytes ⇄ strings) and their display form. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { journalPath, journalWriter, readJournal, type JournalFile } from '../../electron/core/sync/journal.ts';
import { decodeName, displayName, encodeName, mayBeLossy, safeText } from '../../electron/shared/names.ts';

/** A small seeded generator (mulberry32): a failing case is the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Byte strings that look like names: mostly pieces that are near UTF-8 (valid sequences, lone
 * continuation bytes, truncated and overlong sequences, encoded surrogates, a BOM), so the
 * decoder's edges are hit far more often than uniform bytes would.
 */
function randomName(rnd: () => number): Buffer {
  const pieces: number[][] = [
    [0x61],
    [0x2e],
    [0xc3, 0xa9], // é
    [0xe2, 0x82, 0xac], // €
    [0xf0, 0x9f, 0x98, 0x80], // 😀
    [0xef, 0xbb, 0xbf], // BOM
    [0xef, 0xbf, 0xbd], // U+FFFD itself, valid
    [0xe9], // Latin-1 é
    [0x80],
    [0xbf],
    [0xc0, 0xaf], // overlong '/'
    [0xe0, 0x80, 0x80], // overlong
    [0xed, 0xa0, 0x80], // an encoded surrogate
    [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
    [0xe2, 0x82], // truncated
    [0xf0, 0x9f, 0x98], // truncated
    [0xff],
    [0xfe],
  ];
  const out: number[] = [];
  const n = 1 + Math.floor(rnd() * 12);
  for (let i = 0; i < n; i++) {
    if (rnd() < 0.2) out.push(1 + Math.floor(rnd() * 255));
    else out.push(...pieces[Math.floor(rnd() * pieces.length)]!);
  }
  return Buffer.from(out);
}

const hasLoneSurrogate = (s: string): boolean => /\p{Cs}/u.test(s);

describe('decodeName / encodeName', () => {
  it('round-trips any bytes exactly', () => {
    const rnd = random(1);
    for (let i = 0; i < 20_000; i++) {
      const bytes = randomName(rnd);
      const back = Buffer.from(encodeName(decodeName(bytes)));
      if (!back.equals(bytes)) expect(back.toString('hex')).toBe(bytes.toString('hex'));
    }
    // Uniform bytes too (a name never holds '/' or NUL, but the codec does not care).
    for (let i = 0; i < 5_000; i++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(rnd() * 20) }, () => Math.floor(rnd() * 256)));
      expect(Buffer.from(encodeName(decodeName(bytes))).equals(bytes)).toBe(true);
    }
  });

  it('leaves valid UTF-8 as the string everyone else decodes', () => {
    const rnd = random(2);
    for (let i = 0; i < 5_000; i++) {
      let s = '';
      for (let n = Math.floor(rnd() * 10); n > 0; n--) {
        let cp = Math.floor(rnd() * 0x110000);
        if (cp >= 0xd800 && cp <= 0xdfff) cp = 0x41; // not a character
        s += String.fromCodePoint(cp);
      }
      const bytes = Buffer.from(s, 'utf8');
      expect(decodeName(bytes)).toBe(s);
      expect(Buffer.from(encodeName(s)).equals(bytes)).toBe(true);
    }
  });

  it.each([
    ['Latin-1', [0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74], 'caf\udce9.t'],
    ['a truncated sequence before ASCII', [0xe2, 0x82, 0x78], '\udce2\udc82x'],
    ['an overlong slash (never a separator)', [0xc0, 0xaf], '\udcc0\udcaf'],
    ['an encoded surrogate', [0xed, 0xa0, 0x80], '\udced\udca0\udc80'],
    ['past U+10FFFF', [0xf4, 0x90, 0x80, 0x80], '\udcf4\udc90\udc80\udc80'],
    ['valid then invalid', [0xc3, 0xa9, 0xff], 'é\udcff'],
    ['a leading BOM (part of the name)', [0xef, 0xbb, 0xbf, 0x61], '\ufeffa'],
    ['a real U+FFFD', [0xef, 0xbf, 0xbd], '\ufffd'],
  ])('%s', (_, bytes, text) => {
    expect(decodeName(Uint8Array.from(bytes))).toBe(text);
    expect([...encodeName(text)]).toEqual(bytes);
  });

  it('makes lone surrogates only from invalid bytes', () => {
    const rnd = random(3);
    for (let i = 0; i < 5_000; i++) {
      const bytes = randomName(rnd);
      const valid = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
      let isValid = true;
      try {
        valid.decode(bytes);
      } catch {
        isValid = false;
      }
      expect(hasLoneSurrogate(decodeName(bytes))).toBe(!isValid);
    }
  });

  it('gives a lone surrogate it never makes the bytes of U+FFFD, as TextEncoder does', () => {
    expect([...encodeName('a\ud800b')]).toEqual([0x61, 0xef, 0xbf, 0xbd, 0x62]);
    expect([...encodeName('\udc7f')]).toEqual([0xef, 0xbf, 0xbd]);
    expect([...encodeName('😀\udce9')]).toEqual([0xf0, 0x9f, 0x98, 0x80, 0xe9]); // a pair, then a byte
  });

  it('survives JSON, as the journal stores it', () => {
    const name = decodeName(Buffer.from('dir/caf\xe9\xff.txt', 'latin1'));
    const json = JSON.stringify([name]);
    expect(json).toBe('["dir/caf\\udce9\\udcff.txt"]'); // well-formed: written as escapes
    expect(JSON.parse(json)[0]).toBe(name);
  });

  it('says when a name given as text may have lost bytes', () => {
    expect(mayBeLossy(Buffer.from('caf\xe9', 'latin1').toString('utf8'))).toBe(true);
    expect(mayBeLossy(decodeName(Buffer.from('caf\xe9', 'latin1')))).toBe(false);
    expect(mayBeLossy('café')).toBe(false);
  });
});

describe('displayName', () => {
  it.each([
    ['caf\udce9.txt', 'caf\\xE9.txt'],
    ['line\nforged: ok', 'line\\nforged: ok'],
    ['a\rb\tc\x1bd\x7f', 'a\\rb\\tc\\x1Bd\\x7F'],
    ['back\\slash', 'back\\\\slash'],
    ['caf\\xE9.txt', 'caf\\\\xE9.txt'], // a real backslash: not the same as the byte above
    ['gpj\u202e.exe', 'gpj\\u{202E}.exe'],
    ['next\u0085line\u2028sep', 'next\\u{85}line\\u{2028}sep'],
    ['café 😀 👨‍👩‍👧 日本', 'café 😀 👨‍👩‍👧 日本'],
    ['dir/sub/name', 'dir/sub/name'],
  ])('%j reads %s', (name, shown) => expect(displayName(name)).toBe(shown));

  it('never lets a name break a line or carry a lone surrogate', () => {
    const rnd = random(4);
    for (let i = 0; i < 5_000; i++) {
      const shown = displayName(decodeName(randomName(rnd)));
      expect(/[\n\r\u2028\u2029]/.test(shown) || hasLoneSurrogate(shown)).toBe(false);
    }
  });

  it('in free text, leaves backslashes as they are', () => {
    expect(safeText("EACCES: watch 'C:\\data\\caf\udce9\n'")).toBe("EACCES: watch 'C:\\data\\caf\\xE9\\n'");
  });
});

describe('the journal', () => {
  it('writes and replays a name that is not UTF-8 unchanged', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'names-journal-'));
    try {
      const file = journalPath(dir, 'p');
      const name = decodeName(Buffer.from('d\xe9j\xe0/caf\xe9.txt', 'latin1'));
      const state: JournalFile = {
        version: 1,
        profile: 'p',
        targets: { t: { paths: [[name, 1]], fullSyncWanted: false, hold: null } },
      };
      const writer = journalWriter(file);
      writer.schedule(() => state);
      await writer.flush();
      expect(await readFile(file, 'utf8')).toContain('caf\\udce9.txt');
      const { journal, problem } = await readJournal(file);
      expect(problem).toBeNull();
      const replayed = journal!.targets.t!.paths[0]![0];
      expect(Buffer.from(encodeName(replayed)).equals(Buffer.from('d\xe9j\xe0/caf\xe9.txt', 'latin1'))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
