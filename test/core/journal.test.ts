/** The pending-work journal on real files: durable writes, failures reported, bad files set aside. */
import fsp from 'node:fs/promises';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { journalPath, journalWriter, readJournal, type JournalFile } from '../../electron/core/sync/journal.ts';

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'journal-'));
  file = journalPath(dir, 'Documents');
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

const SAMPLE: JournalFile = {
  version: 1,
  profile: 'Documents',
  targets: {
    'nas:873/backup': {
      paths: [
        ['a/b.txt', 1],
        ['gone', 4 | 8],
      ],
      fullSyncWanted: true,
      hold: {
        deletions: 900,
        backupEntries: 1000,
        reason: 'mirroring would delete 900 of 1000 entries',
        since: 1_700_000_000_000,
        alreadyDeleted: 40,
        windowMinutes: 10,
        sample: ['old/'],
        listed: 1,
        safetyNet: { folder: '.rsync-tray-deleted/2026-12-02', days: 7 },
      },
    },
    'other:873/m': { paths: [], fullSyncWanted: false, hold: null },
  },
};

/** Makes every write fail at the rename: the journal's name is taken by a non-empty folder. */
async function blockJournal(): Promise<void> {
  await rm(file, { force: true });
  await mkdir(path.join(file, 'in-the-way'), { recursive: true });
}
const unblockJournal = () => rm(file, { recursive: true, force: true });

describe('journal writer', () => {
  it('writes the latest state durably, and it reads back the same', async () => {
    const writer = journalWriter(file);
    writer.schedule(() => ({ ...SAMPLE, targets: {} }));
    writer.schedule(() => SAMPLE); // coalesced: the latest state is the one written
    await writer.flush();
    expect(await readJournal(file)).toEqual({ journal: SAMPLE, problem: null });
    expect(await readdir(dir)).toEqual([path.basename(file)]);
  });

  it('reports a failed write through onError, once per incident; a write that succeeds again resets it', async () => {
    const errors: Error[] = [];
    const writer = journalWriter(file, { onError: (e) => errors.push(e) });
    await blockJournal();
    writer.schedule(() => SAMPLE);
    await writer.flush(); // flush itself never rejects
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(Error);
    writer.schedule(() => SAMPLE);
    await writer.flush();
    expect(errors).toHaveLength(1); // the same incident
    await unblockJournal();
    writer.schedule(() => SAMPLE);
    await writer.flush();
    expect((await readJournal(file)).journal).toEqual(SAMPLE);
    await blockJournal();
    writer.schedule(() => SAMPLE);
    await writer.flush();
    expect(errors).toHaveLength(2); // a new incident
  });

  it('reports a failure of a write started by its timer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const errors: Error[] = [];
    const writer = journalWriter(file, { delayMs: 100, onError: (e) => errors.push(e) });
    await blockJournal();
    writer.schedule(() => SAMPLE);
    await vi.advanceTimersByTimeAsync(100);
    await writer.flush(); // waits for the write the timer started
    expect(errors).toHaveLength(1);
  });

  it('leaves no temp file behind when a write fails', async () => {
    const writer = journalWriter(file, { onError: () => undefined });
    await blockJournal();
    writer.schedule(() => SAMPLE);
    await writer.flush();
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('fsyncs the folder after the rename, so the rename itself survives a power cut', async () => {
    // fs/promises.open is wrapped to record what is synced, and in which order with the rename.
    const steps: string[] = [];
    const realOpen = fsp.open;
    const realRename = fsp.rename;
    (fsp as Record<string, unknown>).open = async (p: string, ...rest: unknown[]) => {
      const handle = await (realOpen as (...a: unknown[]) => Promise<fsp.FileHandle>)(p, ...rest);
      const sync = handle.sync.bind(handle);
      handle.sync = async () => {
        steps.push(`sync ${path.relative(dir, String(p)) || '.'}`);
        return sync();
      };
      return handle;
    };
    (fsp as Record<string, unknown>).rename = async (from: string, to: string) => {
      steps.push(`rename ${path.relative(dir, from)}`);
      return realRename(from, to);
    };
    syncBuiltinESMExports();
    try {
      const writer = journalWriter(file);
      writer.schedule(() => SAMPLE);
      await writer.flush();
    } finally {
      (fsp as Record<string, unknown>).open = realOpen;
      (fsp as Record<string, unknown>).rename = realRename;
      syncBuiltinESMExports();
    }
    const tmp = `${path.basename(file)}.tmp`;
    expect(steps).toEqual([`sync ${tmp}`, `rename ${tmp}`, 'sync .']);
  });
});

describe('reading the journal', () => {
  it('finds no problem in a journal that is not there', async () => {
    expect(await readJournal(file)).toEqual({ journal: null, problem: null });
  });

  const GARBAGE: Array<[string, string]> = [
    [
      'paths that are not a list',
      '{"version":1,"profile":"Documents","targets":{"k":{"paths":"x","fullSyncWanted":false,"hold":null}}}',
    ],
    ['the example that crashed the replay', '{"version":1,"targets":{"k":{"paths":"x"}}}'],
    [
      'a path that is not a [path, flags] pair',
      '{"version":1,"profile":"p","targets":{"k":{"paths":[["a"]],"fullSyncWanted":false,"hold":null}}}',
    ],
    [
      'flags that are not a number',
      '{"version":1,"profile":"p","targets":{"k":{"paths":[["a","1"]],"fullSyncWanted":false,"hold":null}}}',
    ],
    [
      'a path leaving the source folder',
      '{"version":1,"profile":"p","targets":{"k":{"paths":[["../etc",1]],"fullSyncWanted":false,"hold":null}}}',
    ],
    [
      'fullSyncWanted that is not a boolean',
      '{"version":1,"profile":"p","targets":{"k":{"paths":[],"fullSyncWanted":"yes","hold":null}}}',
    ],
    [
      'a hold without its counts',
      '{"version":1,"profile":"p","targets":{"k":{"paths":[],"fullSyncWanted":false,"hold":{"reason":"r","since":1}}}}',
    ],
    [
      'an unknown field',
      '{"version":1,"profile":"p","targets":{"k":{"paths":[],"fullSyncWanted":false,"hold":null,"extra":1}}}',
    ],
    ['another version', '{"version":2,"profile":"p","targets":{}}'],
    ['targets that are a list', '{"version":1,"profile":"p","targets":[]}'],
    ['null', 'null'],
    ['truncated JSON', '{"version":1,"profile":"p","targ'],
    ['an empty file', ''],
  ];

  it.each(GARBAGE)('sets aside a journal with %s, and says where it went', async (_what, text) => {
    await writeFile(file, text);
    const { journal, problem } = await readJournal(file);
    expect(journal).toBeNull();
    const bad = (await readdir(dir)).filter((n) => n.startsWith(`${path.basename(file)}.bad-`));
    expect(bad).toHaveLength(1);
    const moved = path.join(dir, bad[0]!);
    expect(await readFile(moved, 'utf8')).toBe(text); // kept as it was, for a person to look at
    expect(await readdir(dir)).not.toContain(path.basename(file));
    expect(problem).toContain(file);
    expect(problem).toContain(moved);
    expect(problem).toMatch(/full sync/);
    // Set aside once: the next start finds no journal, and no problem.
    expect(await readJournal(file)).toEqual({ journal: null, problem: null });
  });
});
