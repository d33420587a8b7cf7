/**
 * Bad input and unreachable targets: each gives its own clear message and changes nothing on the
 * backup (the backup is snapshotted before and compared after).
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProfileStatus } from '../../electron/shared/status.ts';
import { findFreePort } from '../../electron/core/service/local-rsync-daemon.ts';
import { startSyncFixture, type FixtureOptions, type SyncFixture } from '../support/sync-fixture.ts';
import { snapshot } from '../support/trees.ts';

let fx: SyncFixture | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

/** Source and backup deliberately differ, so any transfer or deletion would show. */
const prepare: FixtureOptions['prepare'] = async ({ source, backup }) => {
  await writeFile(path.join(source, 'new-file.txt'), 'would be sent');
  await mkdir(path.join(backup, 'precious'), { recursive: true });
  await writeFile(path.join(backup, 'precious/only-copy.txt'), 'must survive');
};

async function expectFailure(
  options: FixtureOptions,
  code: string,
  message: RegExp,
  hint: RegExp,
): Promise<ProfileStatus> {
  fx = await startSyncFixture({ prepare, ...options });
  const before = await snapshot(fx.backup);
  const status = await fx.waitForStatus(
    (s) => s.targets[0]?.lastError !== null && s.targets[0]?.lastError !== undefined,
  );
  const error = status.targets[0]!.lastError!;
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
  expect(error.hint).toMatch(hint);
  expect(['error', 'retrying']).toContain(status.state);
  expect(status.targets[0]!.retry?.attempt).toBe(1);
  // Nothing on the backup changed, and the secret is in no message.
  expect(await snapshot(fx.backup)).toEqual(before);
  expect(JSON.stringify(fx.events)).not.toContain(fx.daemon.password);
  return status;
}

describe('failures change nothing on the backup and say what to do', () => {
  it('wrong password', async () => {
    process.env.RSYNC_TRAY_TEST_PW = 'not-the-password';
    const status = await expectFailure(
      { target: { auth: { type: 'env', variable: 'RSYNC_TRAY_TEST_PW' } } },
      'AUTH_FAILED',
      /Authentication failed for rsynctray@127\.0\.0\.1:\d+\/backup/,
      /auth users|secrets file/,
    );
    expect(status.state).toBe('error');
    expect(JSON.stringify(fx!.events)).not.toContain('not-the-password');
  });

  it('unknown module', async () => {
    await expectFailure(
      { target: { module: 'no-such-module' } },
      'UNKNOWN_MODULE',
      /Unknown module `no-such-module` on 127\.0\.0\.1:\d+\. The daemon lists `backup`\./,
      /connection test|list/,
    );
  });

  it('unreachable port', async () => {
    const port = await findFreePort();
    const status = await expectFailure(
      { target: { port } },
      'CONNECTION_REFUSED',
      new RegExp(`127\\.0\\.0\\.1:${port}`),
      /daemon running/,
    );
    expect(status.state).toBe('retrying');
  });

  it('a password file others can read is refused before rsync runs', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pwfile-'));
    const pwFile = path.join(dir, 'password');
    await writeFile(pwFile, 'whatever\n');
    await chmod(pwFile, 0o644);
    const status = await expectFailure(
      { target: { auth: { type: 'passwordFile', path: pwFile } } },
      'PASSWORD_FILE_MODE',
      /can be read by other users \(mode 644\)/,
      /chmod 600/,
    );
    expect(status.state).toBe('error');
    expect(fx!.runs()).toHaveLength(0); // refused before any rsync ran
    await rm(dir, { recursive: true, force: true });
  });

  it('a missing source folder deletes nothing and says so', async () => {
    const status = await expectFailure(
      {
        prepare: async (dirs) => {
          await prepare(dirs);
          await rm(dirs.source, { recursive: true });
        },
      },
      'SOURCE_MISSING',
      /source folder .* is missing/,
      /Mount or restore/,
    );
    expect(status.state).toBe('error');
  });
});
