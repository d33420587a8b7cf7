/**
 * The pending-work journal: for each target, every change seen but not yet confirmed on the
 * backup (pending and in flight), whether a full sync is owed, and a mass deletion awaiting
 * confirmation. Written atomically (temp file, fsync, rename) shortly after each change and on
 * shutdown, so a crash, a SIGKILL or a power cut loses no work: on start it is replayed.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';

import type { DeletionHold } from '../../shared/status.ts';

export interface TargetJournal {
  paths: Array<[string, number]>;
  fullSyncWanted: boolean;
  hold: DeletionHold | null;
}

export interface JournalFile {
  version: 1;
  profile: string;
  targets: Record<string, TargetJournal>;
}

export function journalPath(stateDir: string, profileName: string): string {
  const id = createHash('sha256').update(profileName).digest('hex').slice(0, 16);
  return path.join(stateDir, `journal-${id}.json`);
}

export async function readJournal(file: string): Promise<JournalFile | null> {
  try {
    const data = JSON.parse(await readFile(file, 'utf8')) as JournalFile;
    return data?.version === 1 && typeof data.targets === 'object' ? data : null;
  } catch {
    // Missing, or unreadable: the initial full sync covers everything a journal could hold.
    return null;
  }
}

async function writeDurably(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}

/**
 * Coalesces writes: at most one in flight, the latest state always written last. The state is
 * read when it is written, not when a change is scheduled: under a burst, changes come a
 * thousand times a second and a copy of every pending path each time would cost more than the
 * sync itself.
 */
export function journalWriter(file: string, delayMs = 100) {
  let latest: (() => JournalFile) | null = null;
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();
  const flush = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    const state = latest;
    latest = null;
    if (state) writing = writing.then(() => writeDurably(file, JSON.stringify(state()))).catch(() => undefined);
    await writing;
  };
  return {
    schedule(state: () => JournalFile): void {
      latest = state;
      timer ??= setTimeout(() => void flush(), delayMs);
    },
    flush,
  };
}
