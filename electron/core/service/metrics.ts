/**
 * The engine's numbers in the Prometheus text format (version 0.0.4), for `GET /metrics` on
 * `rsync-tray serve`. Everything comes from what the engine reports — the statuses and the run
 * records of the activity log — never from counters kept beside it that could drift from it.
 */
import type { ProfileStatus, RunRecord, SyncState } from '../../shared/status.ts';
import { SYNC_STATES } from '../../shared/status.ts';

type MetricType = 'gauge' | 'counter';

interface Family {
  name: string;
  type: MetricType;
  help: string;
}

/** Names, types and help per the Prometheus conventions: one table, so the README matches it. */
export const METRIC_FAMILIES = {
  lastSuccess: {
    name: 'rsync_tray_last_success_timestamp_seconds',
    type: 'gauge',
    help: 'When the target last synced everything it had, Unix time; 0 before any.',
  },
  pending: {
    name: 'rsync_tray_pending_paths',
    type: 'gauge',
    help: 'Changed paths seen but not yet confirmed on the target.',
  },
  state: {
    name: 'rsync_tray_target_state',
    type: 'gauge',
    help: 'The target state: 1 for the state it is in, 0 for the others.',
  },
  runs: {
    name: 'rsync_tray_runs_total',
    type: 'counter',
    help: 'rsync runs against the target since the engine started.',
  },
  files: {
    name: 'rsync_tray_files_sent_total',
    type: 'counter',
    help: 'Regular files rsync transferred to the target.',
  },
  bytes: { name: 'rsync_tray_sent_bytes_total', type: 'counter', help: 'Bytes rsync sent to the target.' },
  failures: { name: 'rsync_tray_failed_runs_total', type: 'counter', help: 'Runs that did not send everything.' },
  deletions: {
    name: 'rsync_tray_deletions_total',
    type: 'counter',
    help: 'Entries runs deleted on the target (seen in the activity log).',
  },
  errors: {
    name: 'rsync_tray_errors_total',
    type: 'counter',
    help: 'Failed runs by error kind (seen in the activity log).',
  },
  held: { name: 'rsync_tray_held_deletions', type: 'gauge', help: 'Deletions held back for confirmation now.' },
  watched: {
    name: 'rsync_tray_watched_folders',
    type: 'gauge',
    help: 'Profiles whose folder is being watched (or polled).',
  },
  rescans: { name: 'rsync_tray_rescanning_folders', type: 'gauge', help: 'Profiles rescanning their folder now.' },
  rss: { name: 'rsync_tray_resident_memory_bytes', type: 'gauge', help: 'Resident memory of the engine process.' },
} as const satisfies Record<string, Family>;

type Labels = Record<string, string>;
interface Sample {
  family: keyof typeof METRIC_FAMILIES;
  labels: Labels;
  value: number;
}

/** Label values escaped as the text format wants: backslash, quote, newline. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

/**
 * Deletions and errors are counted from run records, which the activity log keeps only so many
 * of; tallying each record once by its id keeps these counters monotonic as old runs fall off.
 */
export class RunTally {
  readonly #seen = new Set<number>();
  readonly deletions = new Map<string, number>();
  readonly errors = new Map<string, number>();

  add(runs: readonly RunRecord[]): void {
    for (const run of runs) {
      if (run.id === undefined || this.#seen.has(run.id)) continue;
      this.#seen.add(run.id);
      const key = JSON.stringify([run.profile, run.target]);
      this.deletions.set(key, (this.deletions.get(key) ?? 0) + run.deleted);
      if (run.error) {
        const errKey = JSON.stringify([run.profile, run.target, run.error.code]);
        this.errors.set(errKey, (this.errors.get(errKey) ?? 0) + 1);
      }
    }
  }
}

export interface MetricsInput {
  profiles: readonly ProfileStatus[];
  tally: RunTally;
  rssBytes: number;
}

function collect(input: MetricsInput): Sample[] {
  const out: Sample[] = [];
  for (const p of input.profiles) {
    for (const t of p.targets) {
      const labels = { profile: p.name, target: t.key };
      out.push({ family: 'lastSuccess', labels, value: t.lastSuccessAt === null ? 0 : t.lastSuccessAt / 1000 });
      out.push({ family: 'pending', labels, value: t.pending });
      for (const s of SYNC_STATES as readonly SyncState[])
        out.push({ family: 'state', labels: { ...labels, state: s }, value: t.state === s ? 1 : 0 });
      out.push({ family: 'runs', labels, value: t.totals.runs });
      out.push({ family: 'files', labels, value: t.totals.files });
      out.push({ family: 'bytes', labels, value: t.totals.bytes });
      out.push({ family: 'failures', labels, value: t.totals.failures });
      const key = JSON.stringify([p.name, t.key]);
      out.push({ family: 'deletions', labels, value: input.tally.deletions.get(key) ?? 0 });
      out.push({ family: 'held', labels, value: t.hold?.deletions ?? 0 });
    }
  }
  for (const [key, n] of input.tally.errors) {
    const [profile, target, kind] = JSON.parse(key) as [string, string, string];
    out.push({ family: 'errors', labels: { profile, target, kind }, value: n });
  }
  const watching = input.profiles.filter((p) => p.watch.mode !== 'stopped' && p.watch.mode !== 'starting');
  out.push({ family: 'watched', labels: {}, value: watching.length });
  out.push({
    family: 'rescans',
    labels: {},
    value: input.profiles.filter((p) => p.watch.mode === 'rescanning').length,
  });
  out.push({ family: 'rss', labels: {}, value: input.rssBytes });
  return out;
}

/** The exposition text: each family's HELP and TYPE once, then its samples. */
export function renderMetrics(input: MetricsInput): string {
  const samples = collect(input);
  const lines: string[] = [];
  for (const [id, family] of Object.entries(METRIC_FAMILIES) as [keyof typeof METRIC_FAMILIES, Family][]) {
    lines.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`);
    for (const s of samples) if (s.family === id) lines.push(`${family.name}${labelText(s.labels)} ${s.value}`);
  }
  return `${lines.join('\n')}\n`;
}
