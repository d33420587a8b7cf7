/**
 * Bad input gets a clear refusal and changes nothing: overlapping targets (which would delete each
 * other's files), a target inside a safety-net folder, and misspelt fields — through validate,
 * save and import alike.
 */
import { describe, expect, it } from 'vitest';
import { nearest, validateConfig } from '../../electron/core/config/config-file.ts';
import { ConfigSchema } from '../../electron/shared/profile-schema.ts';
import { findOverlaps } from '../../electron/shared/target-overlap.ts';
import { startScriptedService } from '../support/scripted-service.ts';

const target = (path: string, over: Record<string, unknown> = {}) => ({
  host: 'backup.lan',
  module: 'docs',
  path,
  auth: { type: 'none' },
  ...over,
});
const profile = (name: string, ...targets: unknown[]) => ({ name, source: `/srv/${name}`, targets });
const config = (...profiles: unknown[]) => ({ version: 2, profiles });
const ref = (profile: string, path: string, over: Partial<{ host: string; port: number; module: string }> = {}) => ({
  profile,
  index: 0,
  host: 'backup.lan',
  port: 873,
  module: 'docs',
  path,
  ...over,
});

describe('overlapping targets', () => {
  it.each([
    ['the same module twice', '', '', 'same'],
    ['the same sub-path', 'a/b', 'a/b/', 'same'],
    ['a sub-path inside the module root', '', 'laptop', 'inside'],
    ['a sub-path inside another', 'a', 'a/b/c', 'inside'],
    ['differing only in case (a case-insensitive backup disk)', 'Docs', 'docs', 'same'],
  ])('%s is refused', (_name, a, b, kind) => {
    expect(findOverlaps([ref('A', a), ref('B', b)])).toMatchObject([{ kind }]);
  });

  it.each([
    ['side by side', ref('A', 'laptop'), ref('B', 'server')],
    ['a name that only starts the same', ref('A', 'data'), ref('B', 'database')],
    ['another module', ref('A', ''), ref('B', '', { module: 'other' })],
    ['another port', ref('A', ''), ref('B', '', { port: 8873 })],
    ['another host', ref('A', ''), ref('B', '', { host: 'nas.lan' })],
  ])('%s is allowed', (_name, a, b) => {
    expect(findOverlaps([a, b])).toEqual([]);
  });

  it('validate names both profiles and targets and says what to change', () => {
    expect(() => validateConfig(config(profile('A', target('')), profile('B', target('sub'))))).toThrow(
      /Profile "B" target 1 \(backup\.lan:873\/docs\/sub\) is inside the backup folder of profile "A".*side by side/s,
    );
  });

  it('two targets of one profile may not overlap either', () => {
    expect(() => validateConfig(config(profile('A', target('x'), target('x'))))).toThrow(/same backup folder/);
  });

  it('a target inside a safety-net folder is refused', () => {
    expect(() => validateConfig(config(profile('A', target('a/.rsync-tray-deleted/2026-01-01'))))).toThrow(
      /safety-net folder/,
    );
  });
});

describe('misspelt or unknown fields', () => {
  it.each([
    [{ deletion: false }, /Unknown field "deletion" \(did you mean "deletions"\?\)/],
    [{ exclude: ['*.tmp'] }, /Unknown field "exclude" \(did you mean "excludes"\?\)/],
    [{ frobnicate: 1 }, /Unknown field "frobnicate"; nothing was changed/],
  ])('%j is refused with the nearest known name', (extra, message) => {
    expect(() => validateConfig(config({ ...profile('A', target('')), ...extra }))).toThrow(message);
  });

  it.each([
    [{ deletion: false }, 'deletion', 'deletions'],
    [{ exclude: ['*.tmp'] }, 'exclude', 'excludes'],
  ])('%j in an imported file is refused the same way, and nothing is imported', async (extra, field, near) => {
    const { previewImport, applyImport } = await import('../../electron/core/config/profile-import.ts');
    const existing = ConfigSchema.parse(config());
    const text = JSON.stringify(config({ ...profile('A', target('')), ...extra }));
    const preview = previewImport(text, 'json', existing);
    expect(preview.profiles).toEqual([]);
    expect(preview.problems).toEqual([
      `profiles[0] (profile "A"): Unknown field "${field}" (did you mean "${near}"?); ` +
        'nothing was changed — remove or rename it.',
    ]);
    expect(() => applyImport(preview, existing, {})).toThrow(/The file has 1 problem:\n\s+profiles\[0\]/);
  });

  it('in a format 1 file too: the migration passes unknown fields on for the schema to refuse', () => {
    const old = { version: 1, profiles: [{ ...profile('A', target('')), deletion: false }] };
    expect(() => validateConfig(old)).toThrow(/Unknown field "deletion" \(did you mean "deletions"\?\)/);
  });

  it('in a target and in its auth too', () => {
    expect(() => validateConfig(config(profile('A', target('', { modul: 'x' }))))).toThrow(/did you mean "module"/);
    expect(() => validateConfig(config(profile('A', target('', { auth: { type: 'none', pass: 'x' } }))))).toThrow(
      /Unknown field "pass"/,
    );
  });

  it('nearest stays quiet for names far from any', () => {
    expect(nearest('zzzzzz', ['deletions', 'excludes'])).toBeNull();
  });
});

describe('through the API: nothing is saved', () => {
  const host = (initial: unknown) => startScriptedService({ config: initial });

  it('saving a profile whose target overlaps another is refused', async () => {
    const h = await host(config(profile('A', target('')), profile('B', target('b', { module: 'other' }))));
    try {
      const r = await h.call('profiles.save', { profile: profile('B', target('b')), previousName: 'B' });
      expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_CONFIG' } });
      expect(!r.ok && r.error.message).toMatch(/Profile "B" target 1 .* inside the backup folder of profile "A"/);
      expect(h.writes()).toBe(0);
    } finally {
      await h.service.dispose();
    }
  });

  it('an import that would keep both copies of a profile (rename) is refused whole', async () => {
    const h = await host(config(profile('A', target('a'))));
    try {
      const text = JSON.stringify(config(profile('A', target('a'))));
      const r = await h.call('config.importApply', { text, format: 'json', conflicts: { A: 'rename' } });
      expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_CONFIG' } });
      expect(!r.ok && r.error.message).toMatch(/same backup folder/);
      expect(h.writes()).toBe(0);
    } finally {
      await h.service.dispose();
    }
  });
});

describe('imports compare names as the schema does', () => {
  it('a profile named like an existing one but for case is a conflict, not a second profile', async () => {
    const { previewImport, applyImport } = await import('../../electron/core/config/profile-import.ts');
    const existing = ConfigSchema.parse(config(profile('Docs', target('a'))));
    const text = JSON.stringify(config(profile('DOCS', target('a'))));
    const preview = previewImport(text, 'json', existing);
    expect(preview.conflicts).toEqual(['DOCS']);
    const replaced = applyImport(preview, existing, { DOCS: 'replace' });
    expect(replaced.config.profiles.map((p) => p.name)).toEqual(['DOCS']);
    expect(() => applyImport(preview, existing, { DOCS: 'rename' })).toThrow(/same backup folder/);
  });
});
