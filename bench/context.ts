/** What scenarios get to work with, and what they hand back: cells of the final table. */
import type { Destination, RunningTool, StartOptions, ToolSpec } from './tools/tool.ts';
import type { TreeShape } from './trees.ts';

export interface BenchSettings {
  quick: boolean;
  /** Single changes in the 10k tree and in the large one. */
  latencySamples: number;
  largeLatencySamples: number;
  largeTree: TreeShape;
  /** Bandwidth test file, MiB. */
  bandwidthMiB: number;
  bandwidthLimit: string;
  /** How long a tool must stay quiet after the burst ("no storm of follow-up runs"). */
  quietWindowMs: number;
  /** Idle measurement window. */
  idleWindowMs: number;
  /** A tool still busy this long after a scenario converged is restarted before the next one. */
  settleTimeoutMs: number;
  /**
   * Time a plain rsync (copy, no-op) of the large tree right before each tool's start, so the
   * start is compared with the machine as it is then (a shared machine drifts by ±30 %).
   */
  pairedBaselines: boolean;
  /** Starts of each kind (empty backup, in sync) per tool; the cell shows the median round. */
  startRounds: number;
}

/** One cell of the table. `value` is what the ratio to lsyncd and the goal check use. */
export interface Cell {
  value: number | null;
  text: string;
  /** Extra figures shown after the main one (runs, max, …). */
  detail?: string;
  /** For the goal checks: the worst sample, the runs a scenario took, runs after it converged. */
  max?: number | null;
  runs?: number;
  followUps?: number;
  stillBusy?: boolean;
  /** The physical limit measured right before (paired baselines), for the goal check. */
  ref?: number | null;
}

export type MetricKey =
  | 'latencySmall'
  | 'burst'
  | 'latencyLarge'
  | 'deleteDir'
  | 'renameDir'
  | 'startEmpty'
  | 'startInSync'
  | 'ready'
  | 'idleRss'
  | 'idleCpu'
  | 'bandwidth'
  | 'converged';

export interface ToolResult {
  spec: ToolSpec;
  skipped: string | null;
  cells: Partial<Record<MetricKey, Cell>>;
  /** Convergence failures, restarts, anything the table's cells cannot say. */
  notes: string[];
  /** Tool-specific evidence (Rsync Tray's breakdown). */
  evidence: string[];
}

export interface ToolContext {
  spec: ToolSpec;
  settings: BenchSettings;
  /** The tool's own scratch folder on tmpfs. */
  dir: string;
  destination(kind: 'small' | 'large' | 'bw'): Destination;
  /** The module the physical baselines are measured on. */
  baseline: Destination;
  result: ToolResult;
  log(message: string): void;
  /** Starts the tool and waits for its initial sync and its watcher. */
  start(options: StartOptions): Promise<RunningTool>;
  /** Adds the tool's own account of a window (if it gives one) to the evidence. */
  explain(tool: RunningTool, label: string, from: number, to?: number): void;
  /** Called with the large source before the tool first sees it (the physical baselines use it). */
  largeTreeReady(source: string): Promise<void>;
}
