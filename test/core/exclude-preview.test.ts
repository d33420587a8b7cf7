/**
 * The exclude preview against a real folder, checked with rsync itself: what the rules hide in all
 * is exactly what a real `rsync --dry-run` with the same excludes does not send.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previewExcludes } from '../../electron/core/service/exclude-preview.ts';
import { RsyncTrayError } from '../../electron/shared/errors.ts';

let root: string;
let source: string;

/** Entries rsync would send with these excludes (everything under the source, "./" aside). */
function rsyncSends(patterns: string[]): number {
  const out = execFileSync(
    'rsync',
    ['-a', '--dry-run', '--out-format=%n', ...patterns.map((p) => `--exclude=${p}`), `${source}/`, join(root, 'dst')],
    { env: { ...process.env, LC_ALL: 'C' } },
  ).toString('latin1');
  return out.split('\n').filter((l) => l && l !== './').length;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'rsync-tray-exclude-preview-'));
  source = join(root, 'src');
  for (const dir of ['docs', 'node_modules/a/b', 'build/out', 'docs/cache'])
    mkdirSync(join(source, dir), { recursive: true });
  for (let i = 0; i < 5; i++) writeFileSync(join(source, 'node_modules/a/b', `m${i}.js`), 'x');
  writeFileSync(join(source, 'docs/a.tmp'), 'x');
  writeFileSync(join(source, 'docs/b.txt'), 'x');
  writeFileSync(join(source, 'docs/cache/c.bin'), 'x');
  writeFileSync(join(source, 'build/out/app'), 'x');
  writeFileSync(join(source, 'top.tmp'), 'x');
  writeFileSync(Buffer.from(join(source, 'caf\xe9.tmp'), 'latin1'), 'x'); // not UTF-8
  symlinkSync('docs', join(source, 'cache')); // a symlink is not a folder for "cache/"
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('previewExcludes', () => {
  it('counts what each rule hides, first rule first, a folder with its contents', async () => {
    const patterns = ['*.tmp', 'node_modules/', '/build', 'cache/', 'nothing-matches'];
    const preview = await previewExcludes(source, patterns);
    const hidden = Object.fromEntries(preview.rules.map((r) => [r.pattern, r.hidden]));
    expect(hidden).toEqual({
      '*.tmp': 3,
      // node_modules/, a/, b/ and 5 files
      'node_modules/': 8,
      '/build': 3,
      'cache/': 2,
      'nothing-matches': 0,
    });
    expect(preview.rules[1]!.names).toEqual(['node_modules/']);
    expect(preview.rules[0]!.names).toContain('caf\udce9.tmp');
    expect(preview.complete).toBe(true);
    const total = preview.rules.reduce((n, r) => n + r.hidden, 0);
    expect(preview.scanned - total).toBe(rsyncSends(patterns));
  });

  it('says which rules are not valid patterns and previews the others', async () => {
    const preview = await previewExcludes(source, ['+ keep', '*.tmp']);
    expect(preview.invalid.map((i) => i.pattern)).toEqual(['+ keep']);
    expect(preview.rules.map((r) => r.pattern)).toEqual(['*.tmp']);
  });

  it('stops at its budget and says the preview is partial', async () => {
    const preview = await previewExcludes(source, ['*.tmp'], { policy: { maxEntries: 3 } });
    expect(preview.complete).toBe(false);
    expect(preview.scanned).toBeLessThan(10);
  });

  it('refuses a missing source with what to do', async () => {
    const error = await previewExcludes(join(root, 'nope'), ['*.tmp']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RsyncTrayError);
    expect((error as RsyncTrayError).code).toBe('SOURCE_MISSING');
  });
});
