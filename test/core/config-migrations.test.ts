/** Both hosts read the config through the same migrations: what the tray accepts, the CLI does too. */
import { mkdtemp, readdir, rm, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, validateConfig } from '../../electron/core/config/config-file.ts';
import { writeFileAtomic } from '../../electron/core/files/atomic-write.ts';
import { CONFIG_MIGRATIONS } from '../../electron/core/config/migrations.ts';
import { createElectronConfigStore } from '../../electron/main/config-store.ts';
import { CONFIG_VERSION } from '../../electron/shared/profile-schema.ts';

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
