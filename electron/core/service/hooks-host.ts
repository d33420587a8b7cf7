/**
 * The profiles' hooks on a host: engine run records become incident observations per target
 * (core/sync/incident.ts), and each fired incident runs the profile's command and pings its URL
 * (hooks.ts). Success pings (healthchecks.io's heartbeat) go at most once a minute per profile,
 * so a busy folder does not hammer the service. Hooks run in the background: a slow one delays
 * nothing, and its failure is logged, never thrown into the engine.
 */
import type { Profile } from '../../shared/profile-schema.ts';
import type { EngineEvent, RunRecord } from '../../shared/status.ts';
import { type Clock, systemClock } from '../sync/clock.ts';
import { type IncidentFire, IncidentTracker, type RunObservation } from '../sync/incident.ts';
import { hookEnv, type HookOutcome, pingHook, runHookCommand } from './hooks.ts';

export const HOOK_HOST_POLICY = { successPingEveryMs: 60_000 } as const;

/** What each run outcome means for the incident (RunRecord.outcome). */
const OBSERVATION: Record<RunRecord['outcome'], (run: RunRecord) => RunObservation[]> = {
  ok: () => [{ kind: 'success' }, { kind: 'released' }],
  vanished: () => [{ kind: 'success' }, { kind: 'released' }],
  held: (run) => [{ kind: 'success' }, { kind: 'held', count: run.deleted }],
  retry: (run) => [failure(run)],
  fatal: (run) => [failure(run)],
  canceled: () => [],
};

function failure(run: RunRecord): RunObservation {
  return {
    kind: 'failure',
    code: run.error?.code ?? 'UNKNOWN',
    message: run.error?.message ?? 'The run failed.',
  };
}

export interface HooksHostOptions {
  subscribe(listener: (event: EngineEvent) => void): () => void;
  /** The profiles as configured now (their hooks may change while the host runs). */
  profiles(): Promise<readonly Profile[]>;
  log(message: string): void;
  clock?: Clock;
  graceMs?: number;
}

export function startHooksHost(o: HooksHostOptions): { dispose(): Promise<void> } {
  const clock = o.clock ?? systemClock;
  const running = new Set<Promise<unknown>>();
  const lastSuccessPing = new Map<string, number>();
  const trackers = new Map<string, IncidentTracker>();

  const track = (p: Promise<HookOutcome>, what: string) => {
    const done = p.then((r) => {
      if (!r.ok) o.log(`${what}: ${r.timedOut ? 'timed out' : (r.error ?? `exit ${r.code}`)}`);
      return r;
    });
    running.add(done);
    void done.finally(() => running.delete(done));
  };

  async function fire(profileName: string, f: IncidentFire): Promise<void> {
    const profile = (await o.profiles()).find((p) => p.name === profileName);
    const hooks = profile?.hooks;
    if (!hooks) return;
    const timeoutMs = hooks.timeoutSeconds * 1000;
    if (hooks.command)
      track(runHookCommand(hooks.command, hookEnv(profileName, f), { timeoutMs, clock }), `hook of ${profileName}`);
    if (hooks.pingUrl) track(pingHook(hooks.pingUrl, f.event, timeoutMs), `ping of ${profileName}`);
  }

  async function successPing(profileName: string): Promise<void> {
    const last = lastSuccessPing.get(profileName);
    if (last !== undefined && clock.now() - last < HOOK_HOST_POLICY.successPingEveryMs) return;
    // Taken before the await: two runs ending together must not both pass the check.
    lastSuccessPing.set(profileName, clock.now());
    const hooks = (await o.profiles()).find((p) => p.name === profileName)?.hooks;
    if (!hooks?.pingUrl) return;
    track(pingHook(hooks.pingUrl, 'success', hooks.timeoutSeconds * 1000), `ping of ${profileName}`);
  }

  const unsubscribe = o.subscribe((event) => {
    if (event.type !== 'run') return;
    const run = event.run;
    let tracker = trackers.get(run.profile);
    if (!tracker) {
      tracker = new IncidentTracker(clock, (f) => void fire(run.profile, f), o.graceMs);
      trackers.set(run.profile, tracker);
    }
    for (const observation of OBSERVATION[run.outcome](run)) tracker.observe(run.target, observation);
    if (run.outcome === 'ok' || run.outcome === 'vanished') void successPing(run.profile);
  });

  return {
    async dispose() {
      unsubscribe();
      for (const t of trackers.values()) t.dispose();
      await Promise.allSettled([...running]);
    },
  };
}
