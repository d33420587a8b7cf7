/**
 * A real rsync daemon whose module is a backup laid out by the test, a local source folder, and
 * a profile pointing one at the other (password in the environment, so a leak would show), with
 * every rsync argv recorded: no test may find the password there.
 */
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openBackup, type BackupAccess } from '../../electron/core/restore/backup-access.ts';
import { startLocalDaemon, type LocalDaemon } from '../../electron/core/service/local-rsync-daemon.ts';
import { runRsync } from '../../electron/core/rsync/rsync-runner.ts';
import { ProfileSchema, type Profile, type ProfileInput } from '../../electron/shared/profile-schema.ts';
import { at, writeAt } from './byte-trees.ts';

export interface RestoreFixture {
  daemon: LocalDaemon;
  source: string;
  backup: string;
  work: string;
  profile: Profile;
  /** Every argv rsync was started with. */
  argvs: string[][];
  open(profile?: Profile): Promise<BackupAccess>;
  dispose(): Promise<void>;
}

export const PASSWORD_VAR = 'RSYNC_TRAY_RESTORE_TEST_PW';

/** Writes a file on both sides with the same content and the same mtime (a synced file). */
export async function synced(
  fx: Pick<RestoreFixture, 'source' | 'backup'>,
  rel: string,
  data: string | Buffer,
): Promise<void> {
  await writeAt(fx.source, rel, data);
  await writeAt(fx.backup, rel, data);
  const when = new Date(Date.now() - 3_600_000);
  await utimes(at(fx.source, rel), when, when);
  await utimes(at(fx.backup, rel), when, when);
}

export async function startRestoreFixture(
  profile: Partial<ProfileInput> = {},
  targetPath = '',
): Promise<RestoreFixture> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-restore-'));
  const daemon = await startLocalDaemon({ rootDir: path.join(work, 'daemon') });
  process.env[PASSWORD_VAR] = daemon.password;
  const source = path.join(work, 'source');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(source, { recursive: true });
  const parsed = ProfileSchema.parse({
    name: 'test',
    source,
    keepDeletedDays: 0,
    targets: [
      {
        host: daemon.host,
        port: daemon.port,
        module: Object.keys(daemon.modules)[0]!,
        user: daemon.user,
        path: targetPath,
        auth: { type: 'env', variable: PASSWORD_VAR },
      },
    ],
    ...profile,
  });
  const argvs: string[][] = [];
  const fx: RestoreFixture = {
    daemon,
    source,
    backup: path.join(Object.values(daemon.modules)[0]!, targetPath),
    work,
    profile: parsed,
    argvs,
    async open(p = parsed) {
      const b = await openBackup(p, 0, 'rsync', undefined);
      return {
        ...b,
        run: (req) => {
          argvs.push([...req.args]);
          return runRsync(req);
        },
      };
    },
    async dispose() {
      delete process.env[PASSWORD_VAR];
      await daemon.dispose();
      await rm(work, { recursive: true, force: true });
    },
  };
  return fx;
}
