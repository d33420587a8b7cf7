/**
 * `node bench/restore-browse.ts [--files N]`: the restore stage against a plain rsync, on one
 * loopback daemon, a folder of N files (default 10,000) on the backup, half of them also local.
 *   browse   one `restore.list` of the folder (the listing, the local readdir, an lstat per
 *            entry on both sides, the sort and a page) against a bare `rsync --list-only`
 *   restore  the folder restored into an empty one (dry run + pull) against a bare `rsync -a` pull
 * Prints the medians and the ratios.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openBackup } from '../electron/core/restore/backup-access.ts';
import { browseFolder } from '../electron/core/restore/browse.ts';
import { makeSpec } from '../electron/core/restore/restore-plan.ts';
import { executeRestore } from '../electron/core/restore/restore-run.ts';
import { startLocalDaemon } from '../electron/core/service/local-rsync-daemon.ts';
import { formatCount } from '../electron/shared/presenter.ts';
import { ProfileSchema } from '../electron/shared/profile-schema.ts';

const { values } = parseArgs({ options: { files: { type: 'string' } } });
const files = Number(values.files ?? 10_000);
const work = mkdtempSync(path.join(existsShm() ? '/dev/shm' : os.tmpdir(), 'rsync-tray-restore-bench-'));
const daemon = await startLocalDaemon({ rootDir: path.join(work, 'daemon') });
const backup = Object.values(daemon.modules)[0]!;
const source = path.join(work, 'source');
mkdirSync(path.join(backup, 'big'), { recursive: true });
mkdirSync(path.join(source, 'big'), { recursive: true });
const when = new Date(Date.now() - 3_600_000);
for (let i = 0; i < files; i++) {
  const name = `big/file-${String(i).padStart(6, '0')}.txt`;
  writeFileSync(path.join(backup, name), `content ${i}`);
  utimesSync(path.join(backup, name), when, when);
  if (i % 2 === 0) {
    writeFileSync(path.join(source, name), `content ${i}`);
    utimesSync(path.join(source, name), when, when);
  }
}
const profile = ProfileSchema.parse({
  name: 'bench',
  source,
  keepDeletedDays: 0,
  targets: [
    {
      host: daemon.host,
      port: daemon.port,
      module: 'backup',
      user: daemon.user,
      auth: { type: 'passwordFile', path: daemon.passwordFile },
    },
  ],
});
const access = await openBackup(profile, 0, 'rsync', undefined);
const url = `rsync://${daemon.user}@127.0.0.1:${daemon.port}/backup/big/`;
const rsync = (args: string[]) =>
  execFileSync('rsync', [`--password-file=${daemon.passwordFile}`, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 30,
  });

async function median(runs: number, fn: () => Promise<unknown> | unknown, before?: () => void): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    before?.();
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

const browse = await median(7, () => browseFolder(access, 'big', { offset: 0, limit: 200 }));
const list = await median(7, () => rsync(['--list-only', url]));
const to = path.join(work, 'restored');
const fresh = () => rmSync(to, { recursive: true, force: true });
const restore = await median(3, () => executeRestore(makeSpec(access, { paths: ['big'], all: false, to })), fresh);
const pull = await median(3, () => rsync(['-a', url, `${to}/`]), fresh);

const ms = (n: number) => `${formatCount(Math.round(n))} ms`;
console.log(`Restore stage, a folder of ${formatCount(files)} files (loopback daemon):`);
console.log(`| | Rsync Tray | plain rsync | ratio |\n|---|---|---|---|`);
console.log(
  `| browse (list + compare + page) | ${ms(browse)} | ${ms(list)} (--list-only) | ${(browse / list).toFixed(2)} |`,
);
console.log(
  `| restore into an empty folder | ${ms(restore)} | ${ms(pull)} (-a pull) | ${(restore / pull).toFixed(2)} |`,
);
await daemon.dispose();
rmSync(work, { recursive: true, force: true });

function existsShm(): boolean {
  try {
    execFileSync('test', ['-w', '/dev/shm']);
    return true;
  } catch {
    return false;
  }
}
