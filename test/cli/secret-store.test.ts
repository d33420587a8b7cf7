/** The CLI's secrets file: refused while others can read it, written atomically mode 600. */
import { chmod, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileSecretStore } from '../../electron/headless/file-stores.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-secrets-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe.skipIf(process.platform === 'win32')('fileSecretStore', () => {
  it('refuses a secrets file that group or others can read, and says what to run', async () => {
    const file = path.join(dir, 'secrets.json');
    await writeFile(file, JSON.stringify({ k: 'hunter2' }), { mode: 0o644 });
    await chmod(file, 0o644);
    const store = fileSecretStore(file);
    const refusal = await store.get('k').catch((e: unknown) => e);
    expect(refusal).toMatchObject({ code: 'SECRETS_FILE_MODE' });
    expect(String((refusal as Error).message)).toMatch(/can be read by other users \(mode 644\)/);
    expect(String((refusal as Error).message)).not.toContain('hunter2');
    await expect(store.set('k2', 'x')).rejects.toMatchObject({ code: 'SECRETS_FILE_MODE' });
    await chmod(file, 0o600);
    expect(await store.get('k')).toBe('hunter2');
  });

  it('writes mode 600 and leaves no temp file behind', async () => {
    const file = path.join(dir, 'secrets.json');
    const store = fileSecretStore(file);
    await store.set('a', 'one');
    await store.set('b', 'two');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['secrets.json']);
    expect(await store.get('b')).toBe('two');
  });
});
