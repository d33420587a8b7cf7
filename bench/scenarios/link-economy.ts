/**
 * Link economy (issue 17): what a change costs on a limited link — the bytes on the wire and the
 * time until the backup has it — for the changes rsync alone handles worst: moves (re-sent whole
 * by a tool that sees a delete and a create), a growing log (re-read and delta-checked whole on
 * every run) and a small write inside a big file. Rsync Tray and lsyncd (delay 0), one after the
 * other, each at the same limit, each with its own daemon module:
 *
 *   rename a folder of 40 × 1 MiB files · rename one 64 MiB file in its folder · move a 16 MiB
 *   file between folders · a 64 MiB log growing by 1 KiB every 20 ms for 20 s · 4 KiB written
 *   inside a 256 MiB file
 *
 * Bytes on the wire are the daemon's own count of every connection to the tool's module (its log
 * line "sent X bytes received Y bytes" per connection: dry runs, basis runs and all), both ways.
 * CPU is the tool's process group (its rsyncs included) and the daemon's (its receivers, reaped).
 * The backup starts as a copy of the source (cp -a), so each tool's initial sync finds it in
 * sync: the rows measure the changes, not the first copy. After each row the touched files are
 * compared by content, and the whole tree by size, mode and mtime.
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { appendFile, open, readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { formatBytes } from '../../electron/shared/presenter.ts';
import type { BenchSettings } from '../context.ts';
import { fmtMs, percentile, sleep } from '../measure.ts';
import { sampleGroup } from '../proc.ts';
import type { Destination, RunningTool, StartOptions, ToolSpec } from '../tools/tool.ts';
import { compareTrees, listTree } from '../trees.ts';

export const linkModule = (toolId: string): string => `links-${toolId}`;

export interface LinkEconomyInput {
  settings: BenchSettings;
  /** The tools compared, in column order (Rsync Tray first, then lsyncd delay 0). */
  tools: ToolSpec[];
  dir: string;
  destination(module: string): Destination;
  /** The daemon's log file and its pid file (for the per-connection counts and its CPU). */
  daemonLog: string;
  daemonPidFile: string;
  /** Starts a tool and waits for its initial sync and watcher (run.ts's). */
  start(spec: ToolSpec, options: StartOptions): Promise<RunningTool>;
  log(message: string): void;
}

const KiB = 1024;
const MiB = 1024 * KiB;

interface Shape {
  growForMs: number;
  bigMiB: number;
}

interface Measured {
  convergeMs: number | null;
  /** Both ways, and the tool's side (what it sent). */
  wire: number;
  sent: number;
  connections: number;
  toolCpu: number;
  daemonCpu: number;
  identical: boolean;
  detail?: string;
}

interface RowSpec {
  label: string;
  /** Files whose content is compared after the row (source paths; absent ones must be absent). */
  touched: string[];
  /** Does the change; answers when the last write happened, and a note. */
  act(source: string, backup: string): Promise<{ endedAt: number; detail?: string; appended?: number }>;
}

/** The seed tree every tool starts from (made once, copied with cp -a). */
function makeSeed(seed: string, shape: Shape): void {
  const file = (rel: string, bytes: number) => {
    mkdirSync(path.dirname(path.join(seed, rel)), { recursive: true });
    const out = Buffer.allocUnsafe(bytes);
    for (let off = 0; off < bytes; off += 16 * MiB) randomBytes(Math.min(16 * MiB, bytes - off)).copy(out, off);
    writeFileSync(path.join(seed, rel), out);
  };
  for (let i = 0; i < 40; i++) file(`photos/2025/p${String(i).padStart(2, '0')}.jpg`, MiB);
  file('video/a.mkv', 64 * MiB);
  file('inbox/report.pdf', 16 * MiB);
  file('archive/readme.txt', 100);
  file('logs/mail.log', 64 * MiB);
  file('data/disk.img', shape.bigMiB * MiB);
}

function rows(shape: Shape): RowSpec[] {
  const photos = Array.from({ length: 40 }, (_, i) => `p${String(i).padStart(2, '0')}.jpg`);
  return [
    {
      label: 'rename a folder of 40 × 1 MiB files',
      touched: [
        'photos/2025',
        'photos/summer-2025',
        ...photos.map((p) => `photos/summer-2025/${p}`),
        ...photos.map((p) => `photos/2025/${p}`),
      ],
      act: async (source) => {
        renameSync(path.join(source, 'photos/2025'), path.join(source, 'photos/summer-2025'));
        return { endedAt: performance.now() };
      },
    },
    {
      label: 'rename one 64 MiB file in its folder',
      touched: ['video/a.mkv', 'video/b.mkv'],
      act: async (source) => {
        renameSync(path.join(source, 'video/a.mkv'), path.join(source, 'video/b.mkv'));
        return { endedAt: performance.now() };
      },
    },
    {
      label: 'move a 16 MiB file to another folder',
      touched: ['inbox/report.pdf', 'archive/report.pdf'],
      act: async (source) => {
        renameSync(path.join(source, 'inbox/report.pdf'), path.join(source, 'archive/report.pdf'));
        return { endedAt: performance.now() };
      },
    },
    {
      label: `a 64 MiB log growing by 1 KiB every 20 ms for ${shape.growForMs / 1000} s`,
      touched: ['logs/mail.log'],
      act: (source, backup) => grow(path.join(source, 'logs/mail.log'), path.join(backup, 'logs/mail.log'), shape),
    },
    {
      label: `4 KiB written inside a ${shape.bigMiB} MiB file`,
      touched: ['data/disk.img'],
      act: async (source) => {
        const fh = await open(path.join(source, 'data/disk.img'), 'r+');
        await fh.write(randomBytes(4 * KiB), 0, 4 * KiB, (shape.bigMiB / 2) * MiB + 123);
        await fh.close();
        return { endedAt: performance.now() };
      },
    },
  ];
}

/**
 * Appends 1 KiB every 20 ms (on a schedule, not after each write) and samples the backup's size
 * every 50 ms meanwhile: the lag of a sample is how long the oldest byte the backup lacks has
 * been written (0 when it has them all). The goal: under 0.5 s while the file grows.
 */
async function grow(
  file: string,
  copy: string,
  shape: Shape,
): Promise<{ endedAt: number; detail: string; appended: number }> {
  const writes: Array<{ at: number; size: number }> = [];
  let size = statSync(file).size;
  const lags: number[] = [];
  let growing = true;
  const sampler = (async () => {
    while (growing) {
      await sleep(50);
      let have = 0;
      try {
        have = statSync(copy).size;
      } catch {
        // replaced meanwhile (a tool's temp file renamed over it)
      }
      const now = performance.now();
      const oldest = writes.find((w) => w.size > have);
      lags.push(oldest ? now - oldest.at : 0);
    }
  })();
  const t0 = performance.now();
  for (let k = 1; performance.now() - t0 < shape.growForMs; k++) {
    const chunk = randomBytes(KiB);
    await appendFile(file, chunk);
    size += chunk.length;
    writes.push({ at: performance.now(), size });
    const wait = t0 + k * 20 - performance.now();
    if (wait > 0) await sleep(wait);
  }
  const endedAt = performance.now();
  growing = false;
  await sampler;
  const appended = writes.length * KiB;
  return {
    endedAt,
    appended,
    detail:
      `${formatBytes(appended)} appended; backup behind by p50 ${fmtMs(percentile(lags, 50))}, ` +
      `max ${fmtMs(Math.max(...lags))} while it grew`,
  };
}

/** Per connection to `module` in the daemon's log past `offset`: bytes both ways, and the client's. */
function daemonCounts(logFile: string, offset: number, module: string): { wire: number; sent: number; n: number } {
  const text = readFileSync(logFile).subarray(offset).toString('utf8');
  const moduleOf = new Map<string, string>();
  let wire = 0;
  let sent = 0;
  let n = 0;
  for (const line of text.split('\n')) {
    const access = /\[(\d+)\] rsync allowed access on module (\S+) /.exec(line);
    if (access) moduleOf.set(access[1]!, access[2]!);
    const totals = /\[(\d+)\] sent ([\d,]+) bytes\s+received ([\d,]+) bytes/.exec(line);
    if (totals && moduleOf.get(totals[1]!) === module) {
      const [out, into] = [Number(totals[2]!.replace(/,/g, '')), Number(totals[3]!.replace(/,/g, ''))];
      wire += out + into;
      sent += into; // what the daemon received is what the tool sent
      n++;
    }
  }
  return { wire, sent, n };
}

/** The daemon's CPU seconds, its reaped children (one per connection) included. */
function cpuOf(pid: number | null): number {
  if (pid === null) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
  } catch {
    return 0;
  }
}

async function sameContent(a: string, b: string): Promise<boolean> {
  const hash = async (f: string) => {
    try {
      return createHash('sha1')
        .update(await readFile(f))
        .digest('hex');
    } catch {
      return null; // absent
    }
  };
  return (await hash(a)) === (await hash(b));
}

async function measureTool(i: LinkEconomyInput, spec: ToolSpec, seed: string, shape: Shape): Promise<Measured[]> {
  const dir = path.join(i.dir, spec.id);
  const source = path.join(dir, 'source');
  const destination = i.destination(linkModule(spec.id));
  mkdirSync(dir, { recursive: true });
  execFileSync('cp', ['-a', `${seed}/.`, source]);
  execFileSync('cp', ['-a', `${seed}/.`, destination.folder]);
  const tool = await i.start(spec, {
    source,
    destination,
    workDir: path.join(dir, 'work'),
    bandwidthLimit: i.settings.bandwidthLimit,
  });
  const pidText = (() => {
    try {
      return Number(readFileSync(i.daemonPidFile, 'utf8').trim());
    } catch {
      return null;
    }
  })();
  const out: Measured[] = [];
  try {
    await tool.settle(500, 30_000);
    for (const row of rows(shape)) {
      i.log(`link economy, ${spec.label}: ${row.label}`);
      tool.mark(`link economy: ${row.label}`);
      await sleep(300); // the last row's closing log lines
      const offset = statSync(i.daemonLog).size;
      const [toolCpu0, daemonCpu0] = [sampleGroup(tool.pid).cpuSeconds, cpuOf(pidText)];
      const { endedAt, detail, appended } = await row.act(source, destination.folder);
      // Converged: every touched path the same on both sides (type, mode, size, mtime to the ns)
      // or absent from both. Only the row's paths: a row that never converged does not spoil the next.
      let convergeMs: number | null = null;
      let differing: string[] = [];
      for (;;) {
        const [a, b] = await Promise.all([listTree(source), listTree(destination.folder)]);
        differing = row.touched.filter((rel) => a.get(rel) !== b.get(rel));
        if (differing.length === 0) {
          convergeMs = performance.now() - endedAt;
          break;
        }
        if (performance.now() - endedAt > 60_000) {
          const rel = differing[0]!;
          differing = [`${rel}: source ${a.get(rel) ?? 'absent'}, backup ${b.get(rel) ?? 'absent'}`];
          break;
        }
        await sleep(50);
      }
      await tool.settle(500, 60_000);
      await sleep(300); // the daemon writes a connection's totals as it closes
      const counts = daemonCounts(i.daemonLog, offset, linkModule(spec.id));
      // The goal is per appended byte: the wire's multiple of it, both ways and the tool's side.
      const perAppended = appended
        ? `; wire ${(counts.wire / appended).toFixed(3)} × appended (sent ${(counts.sent / appended).toFixed(3)} ×)`
        : '';
      let identical = convergeMs !== null;
      for (const rel of row.touched)
        identical &&= await sameContent(path.join(source, rel), path.join(destination.folder, rel));
      out.push({
        convergeMs,
        wire: counts.wire,
        sent: counts.sent,
        connections: counts.n,
        toolCpu: sampleGroup(tool.pid).cpuSeconds - toolCpu0,
        daemonCpu: cpuOf(pidText) - daemonCpu0,
        identical,
        detail:
          [
            detail === undefined ? '' : `${detail}${perAppended}`,
            convergeMs === null ? `after 60 s ${differing[0]}` : '',
          ]
            .filter(Boolean)
            .join('; ') || undefined,
      });
    }
    const whole = await compareTrees(source, destination.folder);
    if (!whole.equal) {
      out.at(-1)!.identical = false;
      out.at(-1)!.detail = `${out.at(-1)!.detail ?? ''} whole tree differs: ${whole.differences.join(', ')}`;
    }
  } finally {
    await tool.stop();
  }
  return out;
}

const ratio = (a: number | null, b: number | null): string =>
  a === null || b === null || b === 0 ? '—' : `${(a / b).toPrecision(2)}×`;

/** The part's section of the report: one row per change, a column per tool, and the ratios. */
export async function linkEconomyScenario(i: LinkEconomyInput): Promise<string[]> {
  const shape: Shape = { growForMs: i.settings.quick ? 5_000 : 20_000, bigMiB: i.settings.quick ? 64 : 256 };
  const seed = path.join(i.dir, 'seed');
  makeSeed(seed, shape);
  const results = new Map<string, Measured[]>();
  for (const spec of i.tools) results.set(spec.id, await measureTool(i, spec, seed, shape));
  const specs = i.tools;
  const cell = (m: Measured) =>
    `${m.convergeMs === null ? 'not converged' : fmtMs(m.convergeMs)}, ${formatBytes(m.wire)} ` +
    `(sent ${formatBytes(m.sent)}, ${m.connections} conn.; CPU ${m.toolCpu.toFixed(2)} s + daemon ` +
    `${m.daemonCpu.toFixed(2)} s)${m.identical ? '' : ' ❌ backup differs'}`;
  const lines = [
    `### Link economy (issue 17): time to converge and bytes on the wire, at ${i.settings.bandwidthLimit}`,
    '',
    `| Change | ${specs.map((s) => s.label).join(' | ')} | ${specs.length > 1 ? `Ratio ${specs[0]!.label} / ${specs[1]!.label} (time, wire)` : ''} |`,
    `|---|${specs.map(() => '---|').join('')}---|`,
  ];
  rows(shape).forEach((row, k) => {
    const ms = specs.map((s) => results.get(s.id)![k]!);
    const r = ms.length > 1 ? `${ratio(ms[0]!.convergeMs, ms[1]!.convergeMs)}, ${ratio(ms[0]!.wire, ms[1]!.wire)}` : '';
    const notes = ms.map((m, j) => (m.detail ? `${specs[j]!.label}: ${m.detail}` : '')).filter(Boolean);
    lines.push(`| ${row.label}${notes.length ? ` (${notes.join('; ')})` : ''} | ${ms.map(cell).join(' | ')} | ${r} |`);
  });
  const all = [...results.values()].flat();
  lines.push(
    '',
    `Time: from the change (the last write) until the backup's tree matches the source's (size, mode, ` +
      `mtime). Wire: the daemon's count of every connection to the tool's module, both ways. ` +
      `${all.every((m) => m.identical) ? 'Every backup was compared with its source after each row: identical.' : 'Some backups differed from their source (❌).'}`,
  );
  return lines;
}
