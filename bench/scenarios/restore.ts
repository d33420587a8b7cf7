/**
 * Getting files back, against a plain `rsync` pull of the same data from the same daemon, in
 * the same run (issue 16):
 *   whole tree   the 10k tree restored into an empty folder
 *   one file     one file of the large tree (200k) restored into an empty folder: it must not
 *                cost a listing of the whole tree
 *   browse       one page of a folder of 10,000 entries, compared with the local folder (half of
 *                the entries also local), against a bare `rsync --list-only` of the folder
 * Rounds alternate the two tools so a busy moment of a shared machine hits both; each figure is
 * the median, the ratio is of the medians. Every restored copy (both tools') is compared with the
 * backup, and the backup itself before and after.
 *
 * The trees are written straight into the daemon's module folders: what a restore reads is the
 * backup, however it got there.
 */
import { mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openBackup, type BackupAccess } from '../../electron/core/restore/backup-access.ts';
import { browseFolder } from '../../electron/core/restore/browse.ts';
import { makeSpec } from '../../electron/core/restore/restore-plan.ts';
import { executeRestore } from '../../electron/core/restore/restore-run.ts';
import { formatCount } from '../../electron/shared/presenter.ts';
import { ProfileSchema } from '../../electron/shared/profile-schema.ts';
import { timeRsync } from '../baseline.ts';
import type { BenchSettings } from '../context.ts';
import { fmtMs, median } from '../measure.ts';
import { rsyncUrl, type Destination } from '../tools/tool.ts';
import { compareTrees, countFiles, generateTree, listTree, SMALL_TREE } from '../trees.ts';

export type RestoreModule = 'restore-small' | 'restore-large' | 'restore-browse';
export const RESTORE_MODULES: RestoreModule[] = ['restore-small', 'restore-large', 'restore-browse'];

export interface RestoreBenchInput {
  settings: BenchSettings;
  /** Scratch folder on tmpfs (local sides, restored copies). */
  dir: string;
  destination(module: RestoreModule): Destination;
  log(message: string): void;
}

/** Entries in the browsed folder. */
const BROWSE_ENTRIES = 10_000;

interface Pair {
  tray: number[];
  rsync: number[];
  /** Copies that were not equal to the backup, described. */
  wrong: string[];
}

/** A profile whose only target is the module; its source a local folder of the bench. */
async function access(d: Destination, source: string): Promise<BackupAccess> {
  mkdirSync(source, { recursive: true });
  const profile = ProfileSchema.parse({
    name: d.module,
    source,
    keepDeletedDays: 0,
    targets: [
      {
        host: d.host,
        port: d.port,
        module: d.module,
        user: d.user,
        auth: { type: 'passwordFile', path: d.passwordFile },
      },
    ],
  });
  return openBackup(profile, 0, 'rsync', undefined);
}

/** `rounds` alternating rounds; `fresh` before every run, `check` after (a difference or null). */
async function alternate(
  rounds: number,
  tray: () => Promise<unknown>,
  rsync: () => Promise<unknown>,
  fresh: () => void,
  check: (who: string) => Promise<string | null>,
): Promise<Pair> {
  const pair: Pair = { tray: [], rsync: [], wrong: [] };
  const timed = async (fn: () => Promise<unknown>, into: number[], who: string) => {
    fresh();
    const t = performance.now();
    await fn();
    into.push(performance.now() - t);
    const wrong = await check(who);
    if (wrong) pair.wrong.push(wrong);
  };
  for (let n = 0; n < rounds; n++) {
    // Who goes first alternates too: the second run of a round finds warmer caches.
    if (n % 2 === 0) {
      await timed(tray, pair.tray, 'Rsync Tray');
      await timed(rsync, pair.rsync, 'plain rsync');
    } else {
      await timed(rsync, pair.rsync, 'plain rsync');
      await timed(tray, pair.tray, 'Rsync Tray');
    }
  }
  return pair;
}

function row(label: string, pair: Pair, rsyncWhat: string): string {
  const a = median(pair.tray);
  const b = median(pair.rsync);
  const runs = `median of ${pair.tray.length} (${pair.tray.map(fmtMs).join(', ')} vs ${pair.rsync.map(fmtMs).join(', ')})`;
  const checked = pair.wrong.length ? `❌ ${pair.wrong.slice(0, 2).join('; ')}` : 'identical';
  return `| ${label} | ${fmtMs(a)} | ${fmtMs(b)} (${rsyncWhat}) | ${(a / b).toFixed(2)}× | ${checked}; ${runs} |`;
}

/** Runs the three measures; returns the report's section (Markdown lines). */
export async function restoreScenario(o: RestoreBenchInput): Promise<string[]> {
  const { settings } = o;
  const rounds = settings.quick ? 3 : 7;
  const fast = settings.quick ? 5 : 15;
  const to = path.join(o.dir, 'restored');
  const fresh = () => rmSync(to, { recursive: true, force: true });
  const lines: string[] = [];

  // (a) The whole 10k tree into an empty folder.
  const small = o.destination('restore-small');
  o.log(`restore: writing the ${formatCount(countFiles(SMALL_TREE))}-file tree onto the backup`);
  await generateTree(small.folder, SMALL_TREE);
  const smallBefore = await listTree(small.folder);
  const smallAccess = await access(small, path.join(o.dir, 'local-small'));
  const sameTree = async (who: string) => {
    const c = await compareTrees(small.folder, to);
    return c.equal ? null : `${who}: ${c.differenceCount} differences, e.g. ${c.differences.join('; ')}`;
  };
  o.log(`restore: the whole tree into an empty folder ×${rounds}`);
  const whole = await alternate(
    rounds,
    () => executeRestore(makeSpec(smallAccess, { paths: [], all: true, to })),
    () => timeRsync(['-a', `--password-file=${small.passwordFile}`, rsyncUrl(small), `${to}/`]),
    fresh,
    sameTree,
  );
  const smallAfter = await listTree(small.folder);
  if (smallAfter.size !== smallBefore.size || [...smallBefore].some(([k, v]) => smallAfter.get(k) !== v))
    whole.wrong.push('the backup changed during the restores');

  // (b) One file of the large tree.
  const large = o.destination('restore-large');
  const shape = settings.largeTree;
  o.log(`restore: writing the ${formatCount(countFiles(shape))}-file tree onto the backup`);
  await generateTree(large.folder, shape);
  const largeAccess = await access(large, path.join(o.dir, 'local-large'));
  const one = `d${String(Math.floor(shape.dirs[0]! / 2)).padStart(4, '0')}/d0042/f0003`;
  const sameFile = async (who: string) => {
    const a = path.join(large.folder, one);
    const b = path.join(to, path.basename(one));
    try {
      const same = readFileSync(a).equals(readFileSync(b)) && statSync(a).mtimeMs === statSync(b).mtimeMs;
      return same ? null : `${who}: ${one} differs from the backup's`;
    } catch {
      return `${who}: ${one} did not arrive`;
    }
  };
  o.log(`restore: one file of the large tree ×${fast}`);
  const single = await alternate(
    fast,
    () => executeRestore(makeSpec(largeAccess, { paths: [one], all: false, to })),
    () => timeRsync(['-a', `--password-file=${large.passwordFile}`, `${rsyncUrl(large)}${one}`, `${to}/`]),
    fresh,
    sameFile,
  );
  rmSync(large.folder, { recursive: true, force: true });
  mkdirSync(large.folder);

  // (c) Browsing a folder of 10,000 entries, half of them also local.
  const browse = o.destination('restore-browse');
  const local = path.join(o.dir, 'local-browse');
  mkdirSync(path.join(browse.folder, 'big'), { recursive: true });
  mkdirSync(path.join(local, 'big'), { recursive: true });
  const when = new Date(Date.now() - 3_600_000);
  for (let i = 0; i < BROWSE_ENTRIES; i++) {
    const name = `big/file-${String(i).padStart(6, '0')}.txt`;
    for (const root of i % 2 === 0 ? [browse.folder, local] : [browse.folder]) {
      writeFileSync(path.join(root, name), `content ${i}`);
      utimesSync(path.join(root, name), when, when);
    }
  }
  const browseAccess = await access(browse, local);
  let listed = 0;
  o.log(`restore: browsing a folder of ${formatCount(BROWSE_ENTRIES)} entries ×${fast}`);
  const browsing = await alternate(
    fast,
    async () => {
      const page = await browseFolder(browseAccess, 'big', { offset: 0, limit: 200 });
      listed = page.total;
    },
    () => timeRsync(['--list-only', `--password-file=${browse.passwordFile}`, `${rsyncUrl(browse)}big/`]),
    () => {},
    async (who) =>
      who === 'Rsync Tray' && listed !== BROWSE_ENTRIES
        ? `Rsync Tray listed ${formatCount(listed)} entries of ${formatCount(BROWSE_ENTRIES)}`
        : null,
  );
  fresh();

  lines.push(
    'Restore, Rsync Tray against a plain `rsync` pull of the same data from the same daemon (same run):',
    '',
    '| restore | Rsync Tray | plain rsync | ratio | copies compared with the backup; runs |',
    '|---|---|---|---|---|',
    row(
      `the ${formatCount(countFiles(SMALL_TREE))}-file tree into an empty folder (one pull: nothing there can conflict)`,
      whole,
      '`-a` pull',
    ),
    row(`one file of the ${formatCount(countFiles(shape))}-file tree into an empty folder`, single, '`-a` of the file'),
    row(
      `browse a folder of ${formatCount(BROWSE_ENTRIES)} entries (listing, local compare, sort, a page)`,
      browsing,
      '`--list-only`',
    ),
  );
  return lines;
}
