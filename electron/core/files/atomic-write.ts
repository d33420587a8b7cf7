/**
 * The one durable file write of the engine and the CLI (config, secrets, journal, pause state):
 * temp file, fsync, rename, fsync of the folder. After a crash or a power cut the file is the old
 * one or the new one, whole, and the rename itself is on disk; a failed write leaves no temp file.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** Default 0o600: every file written this way may hold something private. */
  mode?: number;
  /**
   * A temp name of its own per write, for files more than one process may write at once (the
   * config: the CLI and a running engine). One writer per file (the journal) keeps `FILE.tmp`.
   */
  uniqueTemp?: boolean;
}

export async function writeFileAtomic(file: string, data: string, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = options.uniqueTemp ? `${file}.${randomBytes(4).toString('hex')}.tmp` : `${file}.tmp`;
  try {
    const handle = await open(tmp, options.uniqueTemp ? 'wx' : 'w', options.mode ?? 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  await syncDir(dir);
}

/** Makes a rename in `dir` durable. Windows cannot open a folder for it (and NTFS journals the rename). */
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
