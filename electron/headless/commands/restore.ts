/**
 * Getting files back: `ls`, `restore` and `versions`.
 *
 * Each asks the engine a `run` / `serve` keeps for this config when one runs (over its control
 * socket, like `sync`), and otherwise does the work here from the config file. Why the engine
 * first: a restore into a watched source must hold that profile's syncs while files arrive
 * ("paused: restoring", a leased hold that is never saved: core/service/restore-hold.ts), and
 * only the engine watching it can. With none running
 * nothing watches the folder, and the same service runs here without that guard.
 */
import { loadConfig } from '../../core/config/config-file.ts';
import { restoreService } from '../../core/service/restore-service.ts';
import { METHOD_INPUTS, type MethodInput, type MethodOutputs } from '../../shared/contract.ts';
import { RsyncTrayError } from '../../shared/errors.ts';
import { decodeName, displayName, mayBeLossy } from '../../shared/names.ts';
import { formatBytes, formatCount, formatRate, plural } from '../../shared/presenter.ts';
import {
  CONFLICT_CHOICES,
  type BrowsePage,
  type RestoreReport,
  type VersionsPage,
} from '../../shared/restore-contract.ts';
import { fileSecretStore } from '../file-stores.ts';
import { secretsFileFor } from '../paths.ts';
import {
  askRunningIfAny,
  badArgument,
  configFile,
  configOption,
  out,
  profileOption,
  type Command,
  type Values,
} from './common.ts';

type RestoreMethod = 'restore.list' | 'restore.preview' | 'restore.run' | 'restore.versions';

/** The running engine's answer, or the same method done here. */
async function call<M extends RestoreMethod>(v: Values, method: M, input: MethodInput<M>): Promise<MethodOutputs[M]> {
  const file = configFile(v);
  const running = await askRunningIfAny(file, method, input);
  if (running) return running.value;
  const config = await loadConfig(file);
  const service = restoreService({
    profile: (name) => {
      const p = config.profiles.find((x) => x.name === name);
      if (!p)
        throw new RsyncTrayError(
          'UNKNOWN_PROFILE',
          `There is no profile named "${name}" in ${file}.`,
          `Known profiles: ${config.profiles.map((x) => x.name).join(', ') || 'none'}.`,
        );
      return p;
    },
    rsyncPath: () => config.settings.rsyncPath,
    secrets: fileSecretStore(secretsFileFor(file)),
    onProgress: process.stderr.isTTY
      ? (_p, pr) => process.stderr.write(`\r${formatBytes(pr.bytes)}  ${formatRate(pr.bytesPerSecond)}   `)
      : undefined,
  });
  const parsed = METHOD_INPUTS[method].parse(input) as never;
  const handlers = {
    'restore.list': service.list,
    'restore.preview': service.preview,
    'restore.run': service.run,
    'restore.versions': service.versions,
  } as Record<RestoreMethod, (i: never) => Promise<unknown>>;
  return (await handlers[method](parsed)) as MethodOutputs[M];
}

function common(v: Values): { profile: string; target: number } {
  const profile = v.profile as string | undefined;
  if (!profile)
    throw badArgument(
      'Name the profile with --profile NAME.',
      'See `rsync-tray validate` for the profiles of the config.',
    );
  const target = v.target === undefined ? 1 : Number(v.target);
  if (!Number.isInteger(target) || target < 1)
    throw badArgument(
      `--target must be a target's number (1, 2, …), not "${v.target}".`,
      'Leave it out for the first target.',
    );
  return { profile, target: target - 1 };
}

const when = (ms: number | null): string =>
  ms === null ? '' : new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const STATE_WORD = { same: 'same', differs: 'DIFFERS', 'backup-only': 'backup only', 'local-only': 'local only' };

function lsText(page: BrowsePage): string {
  const lines = page.items.map((e) => {
    const size = e.size === null ? '-' : formatCount(e.size);
    const name = displayName(e.name) + (e.kind === 'folder' ? '/' : '');
    return `${STATE_WORD[e.state].padEnd(11)} ${size.padStart(15)} ${when(e.mtime).padEnd(19)} ${name}`;
  });
  const c = page.counts;
  lines.push(
    `${plural(page.total, 'entry', 'entries')} in ${page.folder ? displayName(page.folder) : 'the top folder'}: ` +
      `${formatCount(c.same)} same, ${formatCount(c.differs)} differ, ${formatCount(c['backup-only'])} only on the backup, ${formatCount(c['local-only'])} only local` +
      (page.total > page.offset + page.items.length
        ? ` (showing ${formatCount(page.offset + 1)}–${formatCount(page.offset + page.items.length)})`
        : ''),
  );
  return lines.join('\n');
}

export const ls: Command = {
  usage: 'ls --profile NAME [PATH] [--target N] [--offset N] [--limit N] [--json] [--config FILE]',
  summary: "List a folder of a profile's backup, each entry beside its local state.",
  options: {
    ...configOption,
    ...profileOption,
    target: { type: 'string' },
    offset: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(v, positionals) {
    const page = await call(v, 'restore.list', {
      ...common(v),
      folder: positionals[0] ?? '',
      offset: v.offset === undefined ? 0 : Number(v.offset),
      limit: v.limit === undefined ? 1_000 : Number(v.limit),
    });
    out(v.json ? JSON.stringify(page, null, 2) : lsText(page));
    return 0;
  },
};

function reportText(r: RestoreReport, dryRun: boolean): string {
  const lines = [
    dryRun
      ? `Would restore into ${r.destination}: ${plural(r.creates.count, 'new entry', 'new entries')}, ${formatBytes(r.bytes)}; ` +
        `${plural(r.conflicts.count, 'local file differs', 'local files differ')}.`
      : `Restored into ${r.destination}: ${plural(r.restored, 'entry', 'entries')}, ${formatBytes(r.bytesReceived)} received.`,
  ];
  for (const n of r.conflicts.names) lines.push(`  differs: ${displayName(n)}`);
  for (const k of r.keptBoth)
    lines.push(`  kept both: ${displayName(k.path)} — restored copy: ${displayName(k.restoredAs)}`);
  for (const s of r.skipped) lines.push(`  skipped: ${displayName(s)}`);
  if (dryRun && r.conflicts.count) lines.push('To restore, choose --on-conflict keep-both, overwrite or skip.');
  for (const s of r.nextSteps) lines.push(`Next: ${s}`);
  return lines.join('\n');
}

const SHORT_UNESCAPES: Record<string, number> = { n: 0x0a, r: 0x0d, t: 0x09, '\\': 0x5c };

/**
 * A path written as `ls` shows it (displayName) → the lossless name: `\xE9` is the byte E9 (a
 * name that is not UTF-8), `\n` `\r` `\t`, `\u{202E}`, `\\` a backslash. Node hands argv over
 * decoded, an undecodable byte already U+FFFD, so this is how such a name reaches the CLI.
 */
export function unescapePath(shown: string): string {
  const bytes: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < shown.length; i++) {
    const ch = shown[i]!;
    if (ch !== '\\') {
      const cp = shown.codePointAt(i)!;
      if (cp > 0xffff) i++;
      bytes.push(...enc.encode(String.fromCodePoint(cp)));
      continue;
    }
    const rest = shown.slice(i + 1);
    const hex = /^x([0-9A-Fa-f]{2})/.exec(rest);
    const uni = /^u\{([0-9A-Fa-f]{1,6})\}/.exec(rest);
    if (hex) {
      bytes.push(Number.parseInt(hex[1]!, 16));
      i += 3;
    } else if (uni && Number.parseInt(uni[1]!, 16) <= 0x10ffff) {
      bytes.push(...enc.encode(String.fromCodePoint(Number.parseInt(uni[1]!, 16))));
      i += uni[0].length;
    } else if (rest[0] !== undefined && Object.hasOwn(SHORT_UNESCAPES, rest[0])) {
      bytes.push(SHORT_UNESCAPES[rest[0]]!);
      i += 1;
    } else
      throw badArgument(
        `"${shown}" has a backslash that is not an escape ls writes (\\xNN, \\n, \\t, \\r, \\u{…}, \\\\).`,
        'With --escaped write a backslash in a name as \\\\.',
      );
  }
  return decodeName(Uint8Array.from(bytes));
}

/** The paths of the command line: as given, or as `ls` shows them (--escaped). */
function argvPaths(positionals: string[], escaped: boolean): string[] {
  if (escaped) return positionals.map(unescapePath);
  const lossy = positionals.find(mayBeLossy);
  if (lossy !== undefined)
    throw badArgument(
      `"${displayName(lossy)}" holds bytes that are not UTF-8, and the command line cannot pass them on exactly.`,
      "Give the path as `rsync-tray ls` shows it, with --escaped (e.g. --escaped 'caf\\xE9.txt').",
    );
  return positionals;
}

export const restore: Command = {
  usage:
    'restore --profile NAME PATH... [--escaped] [--to DIR] [--version YYYY-MM-DD] [--dry-run] ' +
    '[--on-conflict keep-both|overwrite|skip] [--all [--force]] [--target N] [--json] [--config FILE]',
  summary: 'Bring files back from the backup: to their place or into DIR (--all: the whole profile into an empty DIR).',
  options: {
    ...configOption,
    ...profileOption,
    target: { type: 'string' },
    to: { type: 'string' },
    version: { type: 'string' },
    'dry-run': { type: 'boolean' },
    'on-conflict': { type: 'string' },
    all: { type: 'boolean' },
    force: { type: 'boolean' },
    json: { type: 'boolean' },
    escaped: { type: 'boolean' },
  },
  async run(v, positionals) {
    const choice = v['on-conflict'] as string | undefined;
    if (choice !== undefined && !(CONFLICT_CHOICES as readonly string[]).includes(choice))
      throw badArgument(
        `--on-conflict must be one of ${CONFLICT_CHOICES.join(', ')}, not "${choice}".`,
        'keep-both keeps your file and puts the restored copy beside it.',
      );
    if (v.all && positionals.length)
      throw badArgument('Give paths or --all, not both.', '--all restores the whole backup into --to DIR.');
    if (v.version !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(v.version as string))
      throw badArgument(
        `--version must be a day as YYYY-MM-DD, not "${v.version}".`,
        'See the days with `rsync-tray versions --profile NAME`.',
      );
    const input = {
      ...common(v),
      paths: argvPaths(positionals, Boolean(v.escaped)),
      all: Boolean(v.all),
      force: Boolean(v.force),
      to: v.to as string | undefined,
      version: v.version as string | undefined,
    };
    const r = v['dry-run']
      ? {
          ...(await call(v, 'restore.preview', input)),
          restored: 0,
          skipped: [],
          keptBoth: [],
          bytesReceived: 0,
          nextSteps: [],
        }
      : await call(v, 'restore.run', { ...input, onConflict: choice as (typeof CONFLICT_CHOICES)[number] | undefined });
    if (process.stderr.isTTY) process.stderr.write('\n');
    out(v.json ? JSON.stringify(r, null, 2) : reportText(r, Boolean(v['dry-run'])));
    return 0;
  },
};

function versionsText(p: VersionsPage, path: string | undefined): string {
  const lines: string[] = [];
  if (path)
    lines.push(
      `${displayName(path)} now: ${p.current ? `${formatBytes(p.current.size)}, ${when(p.current.mtime)}` : 'not on the backup (deleted)'}`,
    );
  for (const e of p.items)
    lines.push(`${e.date}  ${formatCount(e.size).padStart(15)}  ${when(e.mtime)}  ${displayName(e.path)}`);
  lines.push(
    `${plural(p.total, 'kept version')}${p.dates.length ? ` over ${plural(p.dates.length, 'day')} (${p.dates.at(-1)} to ${p.dates[0]})` : ''}.`,
  );
  if (p.total) lines.push('Restore one with: rsync-tray restore --profile NAME PATH --version YYYY-MM-DD [--to DIR]');
  return lines.join('\n');
}

export const versions: Command = {
  usage: 'versions --profile NAME [PATH] [--search TEXT] [--target N] [--json] [--config FILE]',
  summary: "Versions the safety net keeps (deleted and overwritten files) by day; with PATH, that file's history.",
  options: {
    ...configOption,
    ...profileOption,
    target: { type: 'string' },
    search: { type: 'string' },
    json: { type: 'boolean' },
    limit: { type: 'string' },
  },
  async run(v, positionals) {
    const path = positionals[0];
    const page = await call(v, 'restore.versions', {
      ...common(v),
      path,
      search: v.search as string | undefined,
      limit: v.limit === undefined ? 1_000 : Number(v.limit),
    });
    out(v.json ? JSON.stringify(page, null, 2) : versionsText(page, path));
    return 0;
  },
};
