/**
 * One folder of a backup, one level deep, as rsync lists it (rsync-listing.ts parses the lines).
 * A folder below the top is named on stdin (--files-from, NUL-separated: the same path as a
 * batch sends), against the module's top URL (backup-access.ts listedPath says why), never in argv: a name with a newline, a leading '-' or bytes that are not
 * UTF-8 cannot be carried in argv exactly, and on stdin it is carried as its bytes. With -d a
 * listed "folder/" gives its entries without recursing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RsyncTrayError } from '../../shared/errors.ts';
import { listTarget, parseListing, type ListingEntry } from '../rsync/rsync-listing.ts';
import { diagnose } from '../rsync/rsync-diagnostics.ts';
import { runRsync } from '../rsync/rsync-runner.ts';
import { folderUrl, listedPath, moduleUrl, type BackupAccess } from './backup-access.ts';
import { filesFromInput } from '../rsync/rsync-args.ts';

const timeouts = (b: BackupAccess) => [
  `--contimeout=${b.profile.timeoutSeconds}`,
  `--timeout=${b.profile.timeoutSeconds}`,
];

/** The entries of `folder` ('' = the top), names relative to it; `recursive`: the whole subtree. */
export async function listFolder(
  backup: BackupAccess,
  folder: string,
  options: { version?: string; recursive?: boolean; signal?: AbortSignal } = {},
): Promise<ListingEntry[]> {
  if (folder === '')
    return listTarget({
      rsyncPath: backup.rsyncPath,
      url: folderUrl(backup, '', options.version),
      auth: backup.auth,
      where: backup.where,
      timeoutSeconds: backup.profile.timeoutSeconds,
      recursive: options.recursive,
      signal: options.signal,
      run: backup.run,
    });
  // rsync takes --files-from only with a destination; --list-only writes nothing, and an empty
  // folder of ours is the destination, so even a misreading rsync could only write there.
  const dest = await mkdtemp(path.join(os.tmpdir(), 'rsync-tray-ls-'));
  try {
    const result = await (backup.run ?? runRsync)({
      rsyncPath: backup.rsyncPath,
      args: [
        '--list-only',
        options.recursive ? '-r' : '-d',
        ...timeouts(backup),
        ...backup.auth.args,
        '--files-from=-',
        '--from0',
        moduleUrl(backup),
        `${dest}/`,
      ],
      env: backup.auth.env,
      input: filesFromInput([`${listedPath(backup, folder, options.version)}/`]),
      secrets: backup.auth.secrets,
      signal: options.signal,
      captureStdout: true,
    });
    if (result.exitCode !== 0) {
      // A folder that is not there: rsync says "link_stat ... failed: No such file" (exit 23).
      if (/No such file or directory/.test(result.stderr))
        throw new RsyncTrayError(
          'NOT_ON_BACKUP',
          `The backup has no folder "${folder}".`,
          'List its parent folder with `rsync-tray ls` to see what it holds.',
        );
      const error = diagnose(result.stderr, result.exitCode, backup.where);
      if (error) throw new RsyncTrayError(error.code, error.message, error.hint);
    }
    const prefix = `${folder}/`;
    return parseListing(result.stdout ?? '').flatMap((e) =>
      e.name.startsWith(prefix) ? [{ ...e, name: e.name.slice(prefix.length) }] : [],
    );
  } finally {
    await rm(dest, { recursive: true, force: true });
  }
}
