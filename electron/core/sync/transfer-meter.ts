/**
 * A target's transfer as a person reads it: rsync's raw progress (rsync-runner.ts) with the rate
 * smoothed and capped (rate-meter.ts), the time left from the bytes left, the rate of the last
 * minutes, and what the last run could not send. One per target, kept across runs (the graph
 * spans them); the executor feeds it, TargetSync shows it. A full sync's totals, which rsync does
 * not give while it is followed from outside, come from a count before it (full-sync-count.ts).
 */
import { limitAt, type ScheduledLimits } from '../../shared/bandwidth-schedule.ts';
import type { FailedItems, TargetStatus, TransferProgress } from '../../shared/status.ts';
import { parseFailures } from '../rsync/rsync-failures.ts';
import type { RunProgress, RunResult } from '../rsync/rsync-runner.ts';
import { FullSyncCounter, type RunTotal } from './full-sync-count.ts';
import { RateHistory, RateMeter } from './rate-meter.ts';

/** Failed names a status carries: enough to recognise the problem, small enough for every event. */
export const FAILED_NAMES_SHOWN = 10;

/** What the meter needs of a profile: its limits (a schedule's by the hour) and whether rsync compresses. */
export type MeteredProfile = ScheduledLimits & { compress?: boolean };

/** A run about to start, as the meter is told of it. */
export interface RunStart {
  kind: TransferProgress['kind'];
  /** A listing, which completes nothing. */
  dryRun: boolean;
  /** What the run will send, counted before it (full syncs); null when not counted. */
  total?: RunTotal | null;
}

export class TransferMeter {
  readonly history = new RateHistory();
  /** When to count a full sync's totals before it (full-sync-count.ts). */
  readonly counter = new FullSyncCounter();
  readonly #profile: MeteredProfile;
  #meter = new RateMeter();
  /** How far the running rsync is through its file list (0-1); 0 for a dry run, which sends nothing. */
  #share = 0;
  #run: RunStart = { kind: 'batch', dryRun: false };
  failed: FailedItems | null = null;

  /**
   * No average is shown above the limit in force when it is measured: the profile's
   * bandwidthLimit, or its schedule's rule of that hour (a change of rule restarts rsync with the
   * new limit, limit-switch.ts). Not with `compress`: the limit is of the bytes on the wire, and
   * the file data rsync counts may pass it honestly when it compresses well.
   */
  constructor(profile: MeteredProfile) {
    this.#profile = profile;
  }

  /** A new rsync run: its bytes count from 0 again. Answers how to give it its total later. */
  begin(run: RunStart = { kind: 'batch', dryRun: false }): (total: RunTotal) => void {
    this.#meter = new RateMeter();
    this.#share = 0;
    const started = { ...run };
    this.#run = started;
    // Counted beside the run: a total that comes after the run ended belongs to no other run.
    return (total) => {
      if (this.#run === started) started.total = total;
    };
  }

  /** The limit in force at `now`, in bytes/s (0: none, or not comparable under compression). */
  limitNow(now: number): number {
    return this.#profile.compress ? 0 : limitAt(this.#profile, new Date(now)).bytesPerSecond;
  }

  shape(kind: TransferProgress['kind'], p: RunProgress, now: number): TransferProgress {
    this.#meter.add(now, p.wireBytes ?? p.bytes);
    const measured = this.#meter.rate(now);
    const limit = this.limitNow(now);
    const rate = measured !== null && limit > 0 ? Math.min(measured, limit) : measured;
    if (rate !== null) this.history.add(now, rate);
    // rsync's own totals where it gives them (progress lines); else the count before the run.
    const total = this.#run.total ?? null;
    const ownFiles = p.filesTotal !== undefined && p.filesTotal !== null;
    const filesTotal = ownFiles ? p.filesTotal! : (total?.files ?? null);
    const bytesTotal = p.bytesTotal ?? (ownFiles ? null : (total?.bytes ?? null));
    const filesDone = p.filesDone ?? (filesTotal !== null ? 0 : null);
    if (!this.#run.dryRun && filesDone !== null && filesTotal) this.#share = Math.min(1, filesDone / filesTotal);
    const left = bytesTotal === null ? null : Math.max(0, bytesTotal - p.bytes);
    return {
      kind,
      bytes: p.bytes,
      percent: p.percent ?? (bytesTotal ? Math.min(100, Math.floor((p.bytes * 100) / bytesTotal)) : null),
      bytesPerSecond: rate ?? 0,
      etaSeconds: left !== null && rate ? Math.ceil(left / rate) : null,
      filesDone: filesTotal !== null && filesDone !== null ? Math.min(filesDone, filesTotal) : filesDone,
      filesTotal,
      bytesTotal,
    };
  }

  /** A run ended with an exit code: what it could not send replaces the last run's. */
  ended(result: RunResult, source: string, now: number): void {
    this.counter.ended(this.#run.kind, this.#run.dryRun, result, now);
    if (result.isCanceled || result.exitCode === undefined) return;
    const f = parseFailures(result.stderr, source, FAILED_NAMES_SHOWN);
    this.failed = f.count > 0 ? { count: f.count, names: f.names, at: now } : null;
  }

  /**
   * The status with the meter's parts. `pending`: the paths waiting; `inFlight`: the paths the running cycle took; as its
   * rsync goes through its file list they are shown as done, so the pending count moves down
   * during a long batch instead of when it ends.
   */
  shown(s: TargetStatus, pending: number, inFlight: number, now: number): TargetStatus {
    return {
      ...s,
      pending: pending + Math.round(inFlight * (1 - (inFlight > 0 ? this.#share : 0))),
      failed: this.failed,
      rateHistory: this.history.snapshot(now),
    };
  }
}
