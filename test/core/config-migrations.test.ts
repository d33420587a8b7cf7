/** Both hosts read the config through the same migrations: what the tray accepts, the CLI does too. */
import { mkdtemp, readdir, readFile, rm, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, serializeConfig, validateConfig } from '../../electron/core/config/config-file.ts';
import { writeFileAtomic } from '../../electron/core/files/atomic-write.ts';
import { CONFIG_MIGRATIONS, migrateConfig } from '../../electron/core/config/migrations.ts';
import { previewImport } from '../../electron/core/config/profile-import.ts';
import { fileConfigStore } from '../../electron/headless/file-stores.ts';
import { createElectronConfigStore } from '../../electron/main/config-store.ts';
import { CONFIG_VERSION, ConfigSchema } from '../../electron/shared/profile-schema.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-mig-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

const profile = {
  name: 'docs',
  source: '/srv/docs',
  targets: [{ host: 'backup', module: 'docs', auth: { type: 'none' } }],
};

describe('config migrations, one table for both hosts', () => {
  it('has a step from every older format to the current one', () => {
    for (let v = 0; v < CONFIG_VERSION; v++)
      expect(CONFIG_MIGRATIONS[v], `step ${v} → ${v + 1}`).toBeTypeOf('function');
  });

  it('the CLI reads an old (unversioned) file as the tray does', async () => {
    const file = path.join(dir, 'config.json');
    await writeFile(file, JSON.stringify({ profiles: [profile] }));
    const cli = await loadConfig(file);
    const doc = { store: { profiles: [profile] } as Record<string, unknown>, path: 'mem' };
    const tray = await createElectronConfigStore(doc).read();
    expect(cli).toEqual(tray);
    expect(cli.version).toBe(CONFIG_VERSION);
  });

  it('both refuse a file from a newer version, saying so', async () => {
    const newer = { version: CONFIG_VERSION + 1, profiles: [] };
    expect(() => validateConfig(newer, 'the file')).toThrow(/newer Rsync Tray/);
    await expect(createElectronConfigStore({ store: newer, path: 'mem' }).read()).rejects.toThrow(/newer Rsync Tray/);
  });
});

describe('format 1 → 2: the safety net turned on', () => {
  const named = (name: string, extra: Record<string, unknown> = {}) => ({
    ...profile,
    name,
    source: `/srv/${name}`,
    targets: [{ host: 'backup', module: name }],
    ...extra,
  });
  const formatOne = {
    version: 1,
    profiles: [named('a', { keepDeletedDays: 0 }), named('b'), named('c', { keepDeletedDays: 3 })],
  };

  it('for every profile without it (0, format 1’s default, or absent), for 7 days; a chosen number is kept', () => {
    const notes: string[] = [];
    const config = validateConfig(formatOne, 'The config file /x/config.json', (line) => notes.push(line));
    expect(config.version).toBe(2);
    expect(config.profiles.map((p) => [p.name, p.keepDeletedDays])).toEqual([
      ['a', 7],
      ['b', 7],
      ['c', 3],
    ]);
    expect(notes).toEqual([
      'The config file /x/config.json, format 1 → 2: Safety net turned on (7 days) for profiles "a", "b": ' +
        'deleted and overwritten files are kept on the backup in .rsync-tray-deleted/ for 7 days. ' +
        'To turn it off, set keepDeletedDays to 0 (in the profile editor, or in a config file whose "version" is 2: ' +
        'a format-1 file is migrated again each time it is read)',
    ]);
  });

  it('a file without a version (format 0) gets it too; one profile is named in the singular', () => {
    const notes: string[] = [];
    const config = validateConfig({ profiles: [named('only')] }, 'f', (line) => notes.push(line));
    expect(config.profiles[0]!.keepDeletedDays).toBe(7);
    expect(notes).toEqual([expect.stringContaining('format 1 → 2: Safety net turned on (7 days) for profile "only":')]);
  });

  it('a format 2 file is read as written: turned off stays off, and nothing is said', () => {
    const notes: string[] = [];
    const off = { version: 2, profiles: [named('a', { keepDeletedDays: 0 })] };
    expect(validateConfig(off, 'f', (line) => notes.push(line)).profiles[0]!.keepDeletedDays).toBe(0);
    expect(notes).toEqual([]);
    // And what is written back is format 2, so it stays off on the next read.
    const again = validateConfig(JSON.parse(serializeConfig(validateConfig(off))), 'f', (line) => notes.push(line));
    expect(again.profiles[0]!.keepDeletedDays).toBe(0);
    expect(notes).toEqual([]);
  });

  it('nothing to say when every profile has it on already', () => {
    const notes: string[] = [];
    validateConfig({ version: 1, profiles: [named('a', { keepDeletedDays: 14 })] }, 'f', (line) => notes.push(line));
    expect(notes).toEqual([]);
  });

  it('a file that is refused says nothing about a migration: nothing was changed', () => {
    const notes: string[] = [];
    const bad = { version: 1, profiles: [named('a'), named('b', { source: 'relative' })] };
    expect(() => validateConfig(bad, 'f', (line) => notes.push(line))).toThrow(/profiles\[1\]\.source/);
    expect(notes).toEqual([]);
  });

  it('leaves malformed entries to the schema, which refuses them with their place', () => {
    expect(migrateConfig({ version: 1, profiles: 'none' }, 'f').data).toEqual({ version: 2, profiles: 'none' });
    const odd = migrateConfig({ version: 1, profiles: [null, 5, [], named('x', { keepDeletedDays: '0' })] }, 'f');
    expect(odd.data.profiles).toEqual([null, 5, [], named('x', { keepDeletedDays: '0' })]);
    expect(() => validateConfig({ version: 1, profiles: [named('x', { keepDeletedDays: -1 })] })).toThrow(
      /profiles\[0\]\.keepDeletedDays \(profile "x"\): The days to keep deleted files must be a whole number between 0 and 3,650/,
    );
  });

  it('a profile without a usable name is named by its number', () => {
    const notes: string[] = [];
    migrateConfig({ version: 1, profiles: [{ source: '/a' }, { name: ' ' }] }, 'f', (line) => notes.push(line));
    expect(notes).toEqual([expect.stringContaining('for profiles number 1, number 2:')]);
  });

  it('the tray writes the new format back and says so once; turned off afterwards, it stays off', async () => {
    const lines: string[] = [];
    const doc = { store: structuredClone(formatOne) as Record<string, unknown>, path: '/x/config.json' };
    const store = createElectronConfigStore(doc, (line) => lines.push(line));
    expect((await store.read()).profiles.map((p) => p.keepDeletedDays)).toEqual([7, 7, 3]);
    expect(doc.store).toMatchObject({ version: 2, profiles: [{ keepDeletedDays: 7 }, { keepDeletedDays: 7 }, {}] });
    expect(lines).toEqual([expect.stringMatching(/^The config file \/x\/config\.json, format 1 → 2: Safety net/)]);
    await store.read();
    expect(lines).toHaveLength(1);
    const config = await store.read();
    await store.write({ ...config, profiles: config.profiles.map((p) => ({ ...p, keepDeletedDays: 0 })) });
    expect((await store.read()).profiles.map((p) => p.keepDeletedDays)).toEqual([0, 0, 0]);
    expect(lines).toHaveLength(1);
  });

  it('the CLI leaves the file as it is and says so once per start', async () => {
    const file = path.join(dir, 'config.json');
    const text = JSON.stringify(formatOne);
    await writeFile(file, text);
    const lines: string[] = [];
    const store = fileConfigStore(file, (line) => lines.push(line));
    expect((await store.read()).profiles.map((p) => p.keepDeletedDays)).toEqual([7, 7, 3]);
    await store.read();
    expect(lines).toEqual([expect.stringContaining(`${file}, format 1 → 2: Safety net turned on (7 days)`)]);
    expect(await readFile(file, 'utf8')).toBe(text);
    // The first save writes format 2, and then there is nothing more to say.
    await store.write(await store.read());
    const fresh: string[] = [];
    await fileConfigStore(file, (line) => fresh.push(line)).read();
    expect(fresh).toEqual([]);
  });

  it('an import of a format 1 export is migrated the same way', () => {
    const empty = ConfigSchema.parse({ version: CONFIG_VERSION });
    const preview = previewImport(JSON.stringify(formatOne), 'json', empty);
    expect(preview.problems).toEqual([]);
    expect(preview.profiles.map((p) => [p.name, p.keepDeletedDays])).toEqual([
      ['a', 7],
      ['b', 7],
      ['c', 3],
    ]);
    const unversioned = previewImport(JSON.stringify({ profiles: [named('d')] }), 'json', empty);
    expect(unversioned.profiles[0]!.keepDeletedDays).toBe(7);
  });

  it('an import from a newer version is refused with what to do, and imports nothing', () => {
    const empty = ConfigSchema.parse({ version: CONFIG_VERSION });
    const preview = previewImport(JSON.stringify({ version: 3, profiles: [named('a')] }), 'json', empty);
    expect(preview.profiles).toEqual([]);
    expect(preview.problems).toEqual([
      'version: The file was written by a newer Rsync Tray (format 3; this one reads up to 2). ' +
        'Install the newer version again, or start from an export made for this version. The file was left untouched.',
    ]);
  });
});

describe('writeFileAtomic', () => {
  it('writes the file with its mode and leaves no temp file', async () => {
    const file = path.join(dir, 'sub', 'config.json');
    await writeFileAtomic(file, '{}\n', { uniqueTemp: true });
    expect(await readdir(path.dirname(file))).toEqual(['config.json']);
  });

  it('leaves no temp file when the rename fails', async () => {
    const file = path.join(dir, 'config.json');
    await mkdir(path.join(file, 'x'), { recursive: true }); // a non-empty folder where the file goes
    await expect(writeFileAtomic(file, '{}\n', { uniqueTemp: true })).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['config.json']);
  });
});
