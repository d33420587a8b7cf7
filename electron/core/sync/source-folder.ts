/**
 * The source must be a folder before anything runs: a missing or unmounted source is said as
 * such, with nothing sent and nothing changed on the backup.
 */
import { stat } from 'node:fs/promises';
import { RsyncTrayError } from '../../shared/errors.ts';

/** The source must be a folder before anything runs: an rsync of a missing root deletes nothing, but says little. */
export async function assertSourceFolder(source: string): Promise<void> {
  let ok = false;
  try {
    ok = (await stat(source)).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new RsyncTrayError(
      'SOURCE_MISSING',
      `The source folder ${source} is missing or not a folder; nothing was sent and nothing on the backup was changed.`,
      'Mount or restore the folder, or fix the path in the profile. ' +
        'A running engine (the tray, `rsync-tray run`) tries again by itself; a one-shot `rsync-tray sync` does not.',
    );
  }
}

/**
 * Which folder the source is: its device and inode ("missing" when there is none). Compared at an
 * interval by the profile runner: a mount that comes or goes, or a folder renamed away and
 * replaced, changes it while the path stays the same.
 */
export async function folderIdentity(folder: string): Promise<string> {
  try {
    const s = await stat(folder);
    return `${s.dev}:${s.ino}`;
  } catch {
    return 'missing';
  }
}
