/**
 * A target's transfer as a person reads it: rsync's raw progress (rsync-runner.ts) with the rate
 * smoothed and capped (rate-meter.ts), the time left from the bytes left, the rate of the last
 * minutes, and what the last run could not send. One per target, kept across runs (the graph
 * spans them); the executor feeds it, TargetSync shows it.
 */
import { parseBandwidth } from '../../shared/bandwidth.ts';
import type { FailedItems, TargetStatus, TransferProgress } from '../../shared/status.ts';
import { parseFailures } from '../rsync/rsync-failures.ts';
import type { RunProgress, RunResult } from '../rsync/rsync-runner.ts';
import { RateHistory, RateMeter } from './rate-meter.ts';

/** Failed names a status carries: enough to recognise the problem, small enough for every event. */
export const FAILED_NAMES_SHOWN = 10;

export class TransferMeter {
  readonly history = new RateHistory();
  readonly #limit: number;
  #meter: RateMeter;
  /** How far the running rsync is through its file list (0-1); 0 for a dry run, which sends nothing. */
  #share = 0;
  #counts = true;
  failed: FailedItems | null = null;

  /**
   * `bandwidthLimit`: the profile's, as written ("20M"); no average is shown above it. Not with
   * `compress`: the limit is of the bytes on the wire, and the file data rsync counts may pass
   * it honestly when it compresses well.
   */
  constructor(bandwidthLimit: string, compress = false) {
    const bw = parseBandwidth(bandwidthLimit);
    this.#limit = bw.ok && !compress ? bw.value.bytesPerSecond : 0;
    this.#meter = new RateMeter(this.#limit);
  }

  /** A new rsync run: its bytes count from 0 again. `dryRun`: a listing, which completes nothing. */
  begin(dryRun = false): void {
    this.#meter = new RateMeter(this.#limit);
    this.#share = 0;
    this.#counts = !dryRun;
  }

  shape(kind: TransferProgress['kind'], p: RunProgress, now: number): TransferProgress {
    this.#meter.add(now, p.wireBytes ?? p.bytes);
    const rate = this.#meter.rate(now);
    if (rate !== null) this.history.add(now, rate);
    const bytesTotal = p.bytesTotal ?? null;
    if (this.#counts && p.filesDone !== undefined && p.filesTotal)
      this.#share = Math.min(1, p.filesDone / p.filesTotal);
    const left = bytesTotal === null ? null : Math.max(0, bytesTotal - p.bytes);
    return {
      kind,
      bytes: p.bytes,
      percent: p.percent,
      bytesPerSecond: rate ?? 0,
      etaSeconds: left !== null && rate ? Math.ceil(left / rate) : null,
      filesDone: p.filesDone ?? null,
      filesTotal: p.filesTotal ?? null,
      bytesTotal,
    };
  }

  /** A run ended with an exit code: what it could not send replaces the last run's. */
  ended(result: RunResult, source: string, now: number): void {
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
