/**
 * The pending-work journal: for each target, every change seen but not yet confirmed on the
 * backup (pending and in flight), whether a full sync is owed, and a mass deletion awaiting
 * confirmation. Written atomically (temp file, fsync, rename, fsync of the folder) shortly after
 * each change and on shutdown, so a crash, a SIGKILL or a power cut loses no work: on start it is
 * replayed. One that fails validation is set aside, never replayed (see readJournal).
 */
import { createHash } from 'node:crypto';
import { readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

import type { DeletionHold } from '../../shared/status.ts';
import { issueSentence } from '../../shared/validation-messages.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';

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

/** A path as the pending-paths stage keeps it: relative to the source root, '/'-separated. */
const RelPath = z
  .string()
  .refine(
    (rel) => rel !== '' && !rel.includes('\0') && rel.split('/').every((s) => s !== '' && s !== '.' && s !== '..'),
    {
      message: 'is not a path inside the source folder',
    },
  );
const Count = z.number().int().nonnegative();

/**
 * What a journal must look like to be replayed. Strict at every level (an unknown field fails):
 * a file that is not exactly what this version writes is not trusted with the backup's contents.
 */
const JournalSchema = z.strictObject({
  version: z.literal(1),
  profile: z.string(),
  targets: z.record(
    z.string(),
    z.strictObject({
      // [path, pending-paths flags]
      paths: z.array(z.tuple([RelPath, Count])),
      fullSyncWanted: z.boolean(),
      // A journal from before the deletion budget holds the first four; the rest read as unknown.
      hold: z
        .strictObject({
          deletions: Count,
          backupEntries: Count,
          reason: z.string(),
          since: z.number().nonnegative(),
          alreadyDeleted: Count.default(0),
          windowMinutes: Count.default(0),
          sample: z.array(z.string()).default([]),
          listed: Count.default(0),
          safetyNet: z.strictObject({ folder: z.string(), days: Count }).nullable().default(null),
        })
        .nullable(),
    }),
  ),
}) satisfies z.ZodType<JournalFile>;

/** What reading the journal found: the journal to replay (if any), and what went wrong (if anything). */
export interface JournalRead {
  journal: JournalFile | null;
  /** A sentence for the log: which file was bad or unreadable, where it went, and that a full sync catches up. */
  problem: string | null;
}

export function journalPath(stateDir: string, profileName: string): string {
  const id = createHash('sha256').update(profileName).digest('hex').slice(0, 16);
  return path.join(stateDir, `journal-${id}.json`);
}

/** `<file>.bad-2025-01-31T12-00-00-000Z`: sorts by time, and is a valid file name everywhere. */
const badName = (file: string, now: Date): string => `${file}.bad-${now.toISOString().replace(/[:.]/g, '-')}`;

/**
 * Reads the journal an earlier run left. A missing file is no problem (nothing was pending). A
 * file that does not parse or does not match the schema is set aside under a `.bad-<time>`
 * name, for a person to look at, and never replayed: the initial full sync covers everything a
 * journal could hold, so nothing is lost but the knowledge of what was pending.
 */
export async function readJournal(file: string): Promise<JournalRead> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { journal: null, problem: null };
    return {
      journal: null,
      problem:
        `The pending-work journal ${file} could not be read (${(error as Error).message}); ` +
        `a full sync will catch up on whatever it held.`,
    };
  }
  let why: string;
  try {
    const parsed = JournalSchema.safeParse(JSON.parse(text));
    if (parsed.success) return { journal: parsed.data, problem: null };
    const issue = parsed.error.issues[0]!;
    why = `it is not in the journal's format (${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issueSentence(issue)})`;
  } catch (error) {
    why = `it is not valid JSON (${(error as Error).message})`;
  }
  const bad = badName(file, new Date());
  try {
    await rename(file, bad);
  } catch (error) {
    return {
      journal: null,
      problem:
        `The pending-work journal ${file} was not used: ${why}, and it could not be moved aside ` +
        `(${(error as Error).message}). A full sync will catch up on whatever it held.`,
    };
  }
  return {
    journal: null,
    problem:
      `The pending-work journal ${file} was not used: ${why}. It was moved to ${bad}; ` +
      `a full sync will catch up on whatever it held.`,
  };
}

export interface JournalWriterOptions {
  /** How long a change waits for others before the journal is written (ms). */
  delayMs?: number;
  /**
   * A write failed. Called once per incident: not again while writes keep failing, and again
   * only after one has succeeded in between. The state stays in memory and the next change
   * writes it again; flush() never rejects.
   */
  onError?: (error: Error) => void;
}

/**
 * Coalesces writes: at most one in flight, the latest state always written last. The state is
 * read when it is written, not when a change is scheduled: under a burst, changes come a
 * thousand times a second and a copy of every pending path each time would cost more than the
 * sync itself.
 */
export function journalWriter(file: string, options: JournalWriterOptions = {}) {
  const { delayMs = 100, onError } = options;
  let latest: (() => JournalFile) | null = null;
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();
  let failing = false;
  const write = async (state: () => JournalFile): Promise<void> => {
    try {
      await writeFileAtomic(file, JSON.stringify(state()));
      failing = false;
    } catch (error) {
      if (failing) return;
      failing = true;
      try {
        onError?.(error instanceof Error ? error : new Error(String(error)));
      } catch {
        // A failing reporter must not stop the writes.
      }
    }
  };
  const flush = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    const state = latest;
    latest = null;
    if (state) writing = writing.then(() => write(state));
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
