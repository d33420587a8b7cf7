/**
 * The hold a restore into a watched source keeps on its profile (engine.hold, transient-holds.ts):
 * taken when the first pull starts (a dry run writes nothing, so it syncs on meanwhile), renewed
 * by a heartbeat only while an rsync pull of this restore is alive, released at the end.
 *
 * Why the heartbeat is tied to the rsync child and not to the restore: a restore that dies
 * without reaching its `finally` (a promise that never settles) has no child left, so nothing
 * renews the lease and syncing resumes by itself when it runs out; a pull that stalls is ended
 * by rsync's own --timeout, so no child renews it for ever either.
 */
import type { Clock, TimerHandle } from '../sync/clock.ts';
import type { Hold, HoldOptions } from '../sync/transient-holds.ts';
import type { runRsync } from '../rsync/rsync-runner.ts';

/** Policy: what the hold says, how long it outlives its last renewal, how often a live pull renews it. */
export const RESTORE_HOLD = { reason: 'restoring', leaseMs: 60_000, heartbeatMs: 15_000 } as const;
export type RestoreHoldPolicy = { reason: string; leaseMs: number; heartbeatMs: number };

export interface PullHold {
  /** The runner to give the restore: its pulls take and renew the hold. */
  wrap(run: typeof runRsync): typeof runRsync;
  release(): void;
}

export function holdWhilePulling(
  take: (options: HoldOptions) => Hold,
  clock: Clock,
  policy: RestoreHoldPolicy = RESTORE_HOLD,
): PullHold {
  let hold: Hold | null = null;
  let released = false;
  return {
    wrap: (run) => async (req) => {
      if (released || req.args.includes('--dry-run')) return run(req);
      // A hold that is gone while a pull lives (a lease run out, an engine restarted by a new
      // rsync path) is taken again: the files are still arriving.
      const keep = (): void => {
        if (!released && !hold?.renew()) hold = take({ reason: policy.reason, leaseMs: policy.leaseMs });
      };
      keep();
      let timer: TimerHandle | null = null;
      const beat = (): void => {
        timer = clock.setTimeout(() => {
          keep();
          beat();
        }, policy.heartbeatMs);
      };
      beat();
      try {
        return await run(req);
      } finally {
        clock.clearTimeout(timer);
        keep();
      }
    },
    release: () => {
      released = true;
      hold?.release();
    },
  };
}
