/**
 * The commands that talk to the engine a `run` / `serve` keeps for this config, over its control
 * socket: `status`, `pause`, `resume`, `held`, `confirm-deletions` and `refuse-deletions`. With none
 * running they stop with NOT_RUNNING (exit 3).
 */
import { displayName } from '../../shared/names.ts';
import {
  formatBytes,
  formatCount,
  heldTotalsPhrase,
  plural,
  resumeAfterKeepingPhrase,
  whereDeletionsGo,
} from '../../shared/presenter.ts';
import type { DeletionHold, HeldReview } from '../../shared/status.ts';
import { statusText } from './status-text.ts';
import {
  askRunning,
  badArgument,
  configFile,
  configOption,
  out,
  profileOption,
  type Command,
  type Values,
} from './common.ts';

export const status: Command = {
  usage: 'status [--config FILE] [--json]',
  summary: 'Status of the running engine.',
  options: { ...configOption, json: { type: 'boolean' } },
  async run(v) {
    const statuses = await askRunning(configFile(v), 'status.get', {});
    out(v.json ? JSON.stringify(statuses, null, 2) : statusText(statuses));
    return statuses.some((s) => s.state === 'error' || s.state === 'needs-confirmation') ? 1 : 0;
  },
};

export const pause: Command = {
  usage: 'pause [--config FILE] [--profile NAME] [--minutes N]',
  summary: 'Pause syncing (all profiles, or one; for N minutes).',
  options: { ...configOption, ...profileOption, minutes: { type: 'string' } },
  async run(v) {
    const minutes = v.minutes === undefined ? undefined : Number(v.minutes);
    if (minutes !== undefined && !(minutes > 0 && minutes <= 7 * 24 * 60)) {
      throw badArgument(
        `--minutes must be a number of minutes between 1 and 10080, not "${v.minutes}".`,
        'Leave it out to pause until `rsync-tray resume`.',
      );
    }
    await askRunning(configFile(v), 'sync.pause', { profile: v.profile as string | undefined, minutes });
    out(`Paused${minutes ? ` for ${minutes} min` : ''}.`);
    return 0;
  },
};

export const resume: Command = {
  usage: 'resume [--config FILE] [--profile NAME]',
  summary: 'Resume syncing.',
  options: { ...configOption, ...profileOption },
  async run(v) {
    await askRunning(configFile(v), 'sync.resume', { profile: v.profile as string | undefined });
    out('Resumed.');
    return 0;
  },
};

async function deletionDecision(
  v: Values,
  method: 'deletions.confirm' | 'deletions.refuse',
  done: (holds: DeletionHold[]) => string,
): Promise<number> {
  const profile = v.profile as string | undefined;
  if (!profile)
    throw badArgument(
      'Name the profile with --profile NAME.',
      'See `rsync-tray status` for the profile that needs confirmation.',
    );
  // What is held, and where it goes, is read before answering: the answer clears it.
  const statuses = await askRunning(configFile(v), 'status.get', {});
  const holds = statuses
    .filter((s) => s.name.toLowerCase() === profile.toLowerCase())
    .flatMap((s) => s.targets.flatMap((t) => (t.hold ? [t.hold] : [])));
  await askRunning(configFile(v), method, { profile });
  out(done(holds));
  return 0;
}

export const held: Command = {
  usage: 'held --profile NAME [--search TEXT] [--folder DIR/] [--offset N] [--limit N] [--config FILE]',
  summary: 'Review what a held deletion would remove: folder totals with sizes, then a page of names.',
  options: {
    ...configOption,
    ...profileOption,
    offset: { type: 'string' },
    limit: { type: 'string' },
    search: { type: 'string' },
    folder: { type: 'string' },
  },
  async run(v) {
    const profile = v.profile as string | undefined;
    if (!profile) throw badArgument('Name the profile with --profile NAME.', 'See `rsync-tray status`.');
    const whole = (name: string, fallback: number, max: number): number => {
      const raw = v[name] as string | undefined;
      const n = raw === undefined ? fallback : Number(raw);
      if (!Number.isInteger(n) || n < 0 || n > max)
        throw badArgument(`--${name} must be a whole number from 0 to ${max}.`, `For example --${name} ${fallback}.`);
      return n;
    };
    const offset = whole('offset', 0, Number.MAX_SAFE_INTEGER);
    const limit = Math.max(1, whole('limit', 100, 1_000));
    const query = (v.search as string | undefined) ?? '';
    const folder = (v.folder as string | undefined) ?? '';
    const pages = await askRunning(configFile(v), 'deletions.list', { profile, offset, limit, query, folder });
    if (pages.length === 0) out(`Nothing is held for ${JSON.stringify(profile)}.`);
    for (const p of pages) for (const line of heldLines(p)) out(line);
    return 0;
  },
};

/** One target's review as lines: the count, the folder totals, the page of names with sizes. */
function heldLines(p: HeldReview): string[] {
  const narrowed = [p.query && `matching "${p.query}"`, p.folder && `under ${displayName(p.folder)}`].filter(Boolean);
  const scope = narrowed.length ? `${formatCount(p.matched)} ${narrowed.join(' ')}` : `${formatCount(p.listed)} named`;
  const shown = p.names.length ? `${formatCount(p.offset + 1)}–${formatCount(p.offset + p.names.length)}` : 'none';
  const lines = [`${p.target}: ${formatCount(p.total)} held (${shown} of ${scope})`];
  lines.push(
    `  In all: ${heldTotalsPhrase({ files: p.files, bytes: p.bytes })}${p.sizesNote ? ` (${p.sizesNote})` : ''}`,
  );
  if (p.folders.length) {
    const more =
      p.folderCount > p.folders.length
        ? ` (first ${formatCount(p.folders.length)} of ${formatCount(p.folderCount)})`
        : '';
    lines.push(`  Folders${more}:`);
    // Escaped, so a name with a newline or invalid UTF-8 is one readable line.
    for (const f of p.folders) lines.push(`    ${displayName(f.path)} — ${heldTotalsPhrase(f)}`);
  }
  lines.push('  Names:');
  p.names.forEach((n, i) => {
    const size = p.sizes[i];
    lines.push(`    ${displayName(n)}${size === null || size === undefined ? '' : `  ${formatBytes(size)}`}`);
  });
  return lines;
}

export const confirmDeletions: Command = {
  usage: 'confirm-deletions --profile NAME [--config FILE]',
  summary: 'Carry out a mass deletion the guard held back (see `status`).',
  options: { ...configOption, ...profileOption },
  run: (v) =>
    deletionDecision(v, 'deletions.confirm', (holds) => {
      const n = holds.reduce((sum, h) => sum + h.deletions, 0);
      const where = holds[0] ? `: ${whereDeletionsGo(holds[0].safetyNet)}` : '';
      return `Confirmed: the next full sync deletes the ${plural(n, 'held entry', 'held entries')}${where}.`;
    }),
};

export const refuseDeletions: Command = {
  usage: 'refuse-deletions --profile NAME [--config FILE]',
  summary: 'Keep the backup as it is: drop the held deletion and pause the profile.',
  options: { ...configOption, ...profileOption },
  run: (v) =>
    deletionDecision(
      v,
      'deletions.refuse',
      (holds) =>
        'Refused: none of the held entries was deleted; the profile is paused until `rsync-tray resume`. ' +
        resumeAfterKeepingPhrase(holds[0]?.windowMinutes ?? 10).replace('Resume', 'Resuming'),
    ),
};
