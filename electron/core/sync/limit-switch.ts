/**
 * A schedule's limit change reaching a running transfer. rsync cannot change --bwlimit while it
 * runs, so a run that is still going when the schedule's limit changes is stopped (SIGTERM, through
 * its cancel signal) and started again with the new limit. Both parts run with a relative
 * --partial-dir: the receiver keeps the file in progress there when the first part is stopped, and
 * the second part uses it as the basis of that file, so what already arrived is not sent again
 * (man rsync, --partial-dir; rsync itself excludes a relative partial-dir from the transfer and
 * from deletions, and removes it once empty).
 *
 * The time comes from an injected Clock; the limit is looked at when the schedule says it changes
 * and at least once a minute besides, so a clock that jumps (suspend, a time zone change) is
 * caught within a minute too. The whole run reports the whole: see limit-switch-merge.ts.
 */
import { limitAt, nextLimitChange, type LimitNow, type ScheduledLimits } from '../../shared/bandwidth-schedule.ts';
import type { RunProgress, RunRequest, RunResult, runRsync } from '../rsync/rsync-runner.ts';
import { SYNC_PARTIAL_DIR_NAME } from '../../shared/profile-schema-constants.ts';
import type { Clock, TimerHandle } from './clock.ts';
import { mergeParts, type RunPart } from './limit-switch-merge.ts';

type Run = typeof runRsync;

export const LIMIT_SWITCH_POLICY = {
  /** Relative to each destination folder on the backup; hidden, and named as our other folders are. */
  partialDir: SYNC_PARTIAL_DIR_NAME,
  /** The longest the limit goes unlooked-at while rsync runs ("within a minute"). */
  recheckMs: 60_000,
} as const;

export interface LimitSwitchOptions {
  profile: ScheduledLimits;
  clock: Clock;
  policy?: { partialDir: string; recheckMs: number };
}

/**
 * A run that writes into the backup's file itself keeps what arrived when it is stopped, and
 * rsync refuses --partial-dir beside it ("--append cannot be used with --partial-dir", exit 1).
 */
const WRITES_IN_PLACE = new Set(['--append', '--append-verify', '--inplace']);

/** The args with the limit of `limit` (every earlier --bwlimit removed) and the partial-dir. */
export function argsWithLimit(args: readonly string[], limit: LimitNow, partialDir: string): string[] {
  const kept = args.filter((a) => !a.startsWith('--bwlimit='));
  const own = [
    ...(limit.rsyncArg ? [`--bwlimit=${limit.rsyncArg}`] : []),
    ...(kept.some((a) => a.startsWith('--partial-dir=') || WRITES_IN_PLACE.has(a))
      ? []
      : [`--partial-dir=${partialDir}`]),
  ];
  // Options first: the last arguments are the source and the destination.
  return [...own, ...kept];
}

/** The source folder of a push (the last-but-one argument), for the sizes of files the first part sent. */
function sourceOf(args: readonly string[]): string | null {
  return args.length >= 2 ? (args[args.length - 2] ?? null) : null;
}

/**
 * `run` with the schedule's limit switched mid-run. A profile without schedule rules, and a dry
 * run (it sends no data), run as they are but for the limit taken at the clock's time.
 */
export function switchingLimit(run: Run, { profile, clock, policy = LIMIT_SWITCH_POLICY }: LimitSwitchOptions): Run {
  if (!profile.bandwidthSchedule?.length) return run;
  return async (req: RunRequest): Promise<RunResult> => {
    const dryRun = req.args.includes('--dry-run') || req.args.includes('-n');
    const parts: RunPart[] = [];
    let progressBase = { bytes: 0, wireBytes: 0 };
    for (;;) {
      const limit = limitAt(profile, new Date(clock.now()));
      const part = await runPart(run, req, limit, { clock, profile, policy, dryRun, progressBase });
      parts.push(part);
      if (!part.switched || !part.result.isCanceled || req.signal?.aborted) break;
      // The next part's progress goes on from where this one stopped (a meter sees no drop to 0).
      progressBase = {
        bytes: progressBase.bytes + (part.lastProgress?.bytes ?? 0),
        wireBytes: progressBase.wireBytes + (part.lastProgress?.wireBytes ?? part.lastProgress?.bytes ?? 0),
      };
    }
    return mergeParts(parts, sourceOf(req.args));
  };
}

interface PartContext {
  clock: Clock;
  profile: ScheduledLimits;
  policy: { partialDir: string; recheckMs: number };
  dryRun: boolean;
  progressBase: { bytes: number; wireBytes: number };
}

async function runPart(run: Run, req: RunRequest, limit: LimitNow, ctx: PartContext): Promise<RunPart> {
  const { clock, profile, policy } = ctx;
  const controller = new AbortController();
  const outer = req.signal;
  const onOuterAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) controller.abort(outer.reason);
  else outer?.addEventListener('abort', onOuterAbort, { once: true });

  let switched = false;
  let timer: TimerHandle | null = null;
  const look = () => {
    const now = new Date(clock.now());
    if (limitAt(profile, now).bytesPerSecond !== limit.bytesPerSecond) {
      switched = true;
      controller.abort();
      return;
    }
    const next = nextLimitChange(profile, now);
    const untilChange = next ? next.at.getTime() - now.getTime() : Number.POSITIVE_INFINITY;
    timer = clock.setTimeout(look, Math.max(1, Math.min(untilChange, policy.recheckMs)));
  };
  // A dry run sends no data: the limit does not matter to it.
  if (!ctx.dryRun) look();

  let lastProgress: RunProgress | null = null;
  const onProgress = req.onProgress;
  const base = ctx.progressBase;
  try {
    const result = await run({
      ...req,
      args: argsWithLimit(req.args, limit, policy.partialDir),
      signal: controller.signal,
      ...(onProgress
        ? {
            onProgress: (p: RunProgress) => {
              lastProgress = p;
              onProgress({
                ...p,
                bytes: p.bytes + base.bytes,
                ...(p.wireBytes !== undefined ? { wireBytes: p.wireBytes + base.wireBytes } : {}),
              });
            },
          }
        : {}),
    });
    return { result, switched, limit, lastProgress };
  } finally {
    clock.clearTimeout(timer);
    outer?.removeEventListener('abort', onOuterAbort);
  }
}
