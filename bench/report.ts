/**
 * The one table: a row per scenario, a column per tool, absolute figures with the ratio to lsyncd
 * (delay 0), and the goal of issue 6 checked for Rsync Tray. Markdown, so it pastes into the
 * README as it is.
 */
import type { Baselines } from './baseline.ts';
import type { Cell, MetricKey, ToolResult } from './context.ts';
import { fmtMs } from './measure.ts';

export interface ReportInput {
  header: string[];
  results: ToolResult[];
  baselines: Baselines | null;
  smallLabel: string;
  largeLabel: string;
  latencySamples: number;
  largeLatencySamples: number;
  bandwidthLabel: string;
  bandwidthBytesPerSecond: number;
  /** The restore part's section (scenarios/restore.ts), when it ran. */
  restore?: string[];
  /** The link-economy part's section (scenarios/link-economy.ts), when it ran. */
  linkEconomy?: string[];
}

interface Row {
  key: MetricKey;
  label: string;
  goal: string;
  /** Whether Rsync Tray's cell meets the goal; null: no goal or not measurable. */
  met?: (cell: Cell, b: Baselines | null) => boolean | null;
  ratio?: boolean;
}

const REFERENCE = 'lsyncd';

function rows(i: ReportInput): Row[] {
  return [
    {
      key: 'latencySmall',
      label: `one 4 KiB file rewritten in the ${i.smallLabel} tree → on the backup, p50 / max of ${i.latencySamples}`,
      goal: 'p50 < 30 ms, max < 100 ms',
      met: (c) => c.value !== null && c.value < 30 && (c.max ?? Infinity) < 100,
      ratio: true,
    },
    {
      key: 'burst',
      label:
        '10,000 files in 100 new dirs written at once → backup converged after the burst ends; rsync runs; ' +
        'runs after convergence',
      goal: '≤ 0.5 s, ≤ 10 runs, quiet afterwards',
      met: (c) =>
        c.value !== null &&
        c.value <= 500 &&
        (c.runs ?? Infinity) <= 10 &&
        (c.followUps ?? Infinity) <= 1 &&
        !c.stillBusy,
      ratio: true,
    },
    {
      key: 'latencyLarge',
      label: `one file rewritten in the ${i.largeLabel} tree → on the backup, p50 / max of ${i.largeLatencySamples}`,
      goal: '< 30 ms, no tree walk',
      met: (c) => c.value !== null && c.value < 30,
      ratio: true,
    },
    {
      key: 'deleteDir',
      label: 'delete a 1,000-file directory → gone from the backup (p50 / max)',
      goal: '< 0.1 s',
      met: (c) => c.value !== null && c.value < 100,
      ratio: true,
    },
    {
      key: 'renameDir',
      label: 'rename a 1,000-file directory → renamed on the backup (p50 / max)',
      goal: '< 0.1 s',
      met: (c) => c.value !== null && c.value < 100,
      ratio: true,
    },
    {
      key: 'startEmpty',
      label: `start on the ${i.largeLabel} tree, empty backup → initial sync done`,
      goal: '≤ 1.1 × plain rsync',
      met: (c, b) => {
        const ref = c.ref ?? b?.plainCopyMs;
        return ref && c.value !== null ? c.value <= ref * 1.1 : null;
      },
      ratio: true,
    },
    {
      key: 'startInSync',
      label: `start on the ${i.largeLabel} tree, backup in sync → initial sync done`,
      goal: '≤ no-op rsync + 1 s',
      met: (c, b) => {
        const ref = c.ref ?? b?.noopMs;
        return ref && c.value !== null ? c.value <= ref + 1000 : null;
      },
      ratio: true,
    },
    {
      key: 'ready',
      label: `watching the ${i.largeLabel} tree: ready after (from process start)`,
      goal: '< 1 s',
      met: (c) => c.value !== null && c.value < 1000,
      ratio: true,
    },
    {
      key: 'idleRss',
      label: 'idle RSS of the tool (all its processes), watching the large tree',
      goal: '< 120 MiB',
      met: (c) => c.value !== null && c.value < 120,
      ratio: true,
    },
    {
      key: 'idleCpu',
      label: 'idle CPU, watching the large tree (% of one core)',
      goal: '~0',
      met: (c) => c.value !== null && c.value <= 0.5,
    },
    {
      key: 'bandwidth',
      label: `bandwidth limit ${i.bandwidthLabel}: ${'rate of one big file'}`,
      goal: `${i.bandwidthLabel} ± 10 %`,
      met: (c) =>
        c.value !== null && i.bandwidthBytesPerSecond
          ? Math.abs((c.value * 1024 * 1024) / i.bandwidthBytesPerSecond - 1) <= 0.1
          : null,
    },
    { key: 'converged', label: 'backup identical to the source (tree comparison after each part)', goal: 'identical' },
  ];
}

function ratioText(cell: Cell, reference: Cell | undefined): string {
  if (!reference || reference.value === null || cell.value === null || reference.value === 0) return '';
  return ` (${(cell.value / reference.value).toFixed(2)}×)`;
}

const escapeCell = (s: string) => s.replace(/\|/g, '\\|');

export function renderTable(i: ReportInput): string {
  const tools = i.results.filter((r) => !r.skipped);
  const reference = tools.find((r) => r.spec.id === REFERENCE);
  const lines: string[] = [];
  lines.push(`| scenario | goal (Rsync Tray) | ${tools.map((t) => t.spec.label).join(' | ')} |`);
  lines.push(`|---|---|${tools.map(() => '---').join('|')}|`);
  for (const row of rows(i)) {
    const cells = tools.map((t) => {
      const cell = t.cells[row.key];
      if (!cell) return '—';
      let text = cell.text;
      if (row.ratio && t !== reference) text += ratioText(cell, reference?.cells[row.key]);
      if (cell.detail) text += `; ${cell.detail}`;
      if (t.spec.id === 'rsync-tray' && row.met) {
        const met = row.met(cell, i.baselines);
        if (met !== null) text += met ? ' ✅' : ' ❌';
      }
      return escapeCell(text);
    });
    lines.push(`| ${escapeCell(row.label)} | ${escapeCell(row.goal)} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

export function renderReport(i: ReportInput): string {
  const out: string[] = [...i.header, '', renderTable(i), ''];
  if (i.restore) out.push(...i.restore, '');
  if (i.linkEconomy) out.push(...i.linkEconomy, '');
  if (reference(i) === undefined) out.push(`(lsyncd was not measured: no ratios.)`, '');
  else out.push('Ratios in parentheses are to lsyncd with delay 0 (below 1 = faster / smaller).', '');
  if (i.baselines) {
    const b = i.baselines;
    out.push('Physical limits, same run, same daemon:');
    const runs = (v: number[]) => (v.length > 1 ? ` (best of ${v.map(fmtMs).join(', ')})` : '');
    out.push(
      `- one plain \`rsync -a\` of the ${i.largeLabel} tree into the empty module: ` +
        `${fmtMs(b.plainCopyMs)}${runs(b.plainCopyRuns)}; ` +
        `a no-op one right after: ${fmtMs(b.noopMs)}${runs(b.noopRuns)}`,
    );
    if (b.watchedCopyRuns.length) {
      const ratios = b.watchedCopyRuns.map((w, k) => w / b.plainCopyRuns[k]!);
      out.push(
        `- the same plain copy while another process watches every directory of the source ` +
          `(as a real-time tool must during its initial sync): ${b.watchedCopyRuns.map(fmtMs).join(', ')} — ` +
          `${ratios.map((r) => `${r.toFixed(3)}×`).join(', ')} the unwatched copy before it`,
      );
    }
    for (const s of b.singleFile)
      out.push(`- one 4 KiB file pushed to the daemon, ${s.label}: p50 ${fmtMs(s.p50)}, max ${fmtMs(s.max)}`);
    out.push('');
  }
  if (i.results.some((r) => r.cells.startEmpty?.ref))
    out.push(
      'The start goals are checked against the plain rsync timed right before each tool started ' +
        '(the "right before" figures); the limits above are the best of the run.',
      '',
    );
  out.push('Tools:');
  for (const r of i.results)
    out.push(`- ${r.spec.label}: ${r.skipped ? `SKIPPED — ${r.skipped}` : r.spec.configuration}`);
  const notes = i.results.flatMap((r) => r.notes.map((n) => `- ${r.spec.label}: ${n}`));
  if (notes.length) out.push('', 'Notes:', ...notes);
  const evidence = i.results.flatMap((r) =>
    r.evidence.length ? [`${r.spec.label}:`, ...r.evidence.map((e) => `- ${e}`)] : [],
  );
  if (evidence.length) out.push('', 'Where the time goes:', ...evidence);
  return out.join('\n');
}

const reference = (i: ReportInput) => i.results.find((r) => r.spec.id === REFERENCE && !r.skipped);
