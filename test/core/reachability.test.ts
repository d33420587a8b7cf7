/** The daemon between runs, in fake time: when it is asked, what a miss and a return change. */
import { describe, expect, it } from 'vitest';
import type { ErrorInfo } from '../../electron/shared/errors.ts';
import { REACHABILITY_POLICY, Reachability } from '../../electron/core/sync/reachability.ts';
import { FakeClock, settle } from '../support/fake-clock.ts';

const REFUSED: ErrorInfo = { code: 'CONNECTION_REFUSED', message: 'refused', hint: 'start it' };

function rig() {
  const clock = new FakeClock(0);
  const answers: Array<ErrorInfo | null> = [];
  const asked: number[] = [];
  const seen = { changes: 0, backs: 0 };
  const reach = new Reachability({
    clock,
    probe: async () => {
      asked.push(clock.now());
      return answers.shift() ?? null;
    },
    onChange: () => seen.changes++,
    onBack: () => seen.backs++,
  });
  return { clock, answers, asked, seen, reach };
}

describe('Reachability', () => {
  it('an idle target asks at the idle interval, and says nothing while the daemon answers', async () => {
    const r = rig();
    r.reach.setMode('idle');
    await r.clock.advance(3 * REACHABILITY_POLICY.idleEveryMs);
    expect(r.asked).toEqual([1, 2, 3].map((n) => n * REACHABILITY_POLICY.idleEveryMs));
    expect(r.seen.changes).toBe(0);
    expect(r.reach.down).toBe(false);
  });

  it('a miss makes it down since then, asked again more often; the return clears it', async () => {
    const r = rig();
    r.answers.push(REFUSED, REFUSED);
    r.reach.setMode('idle');
    await r.clock.advance(REACHABILITY_POLICY.idleEveryMs);
    await settle();
    expect(r.reach).toMatchObject({ down: true, unreachableSince: REACHABILITY_POLICY.idleEveryMs, misses: 1 });
    expect(r.reach.error).toEqual(REFUSED);
    expect(r.reach.nextAt).toBe(REACHABILITY_POLICY.idleEveryMs + REACHABILITY_POLICY.downEveryMs);
    await r.clock.advance(REACHABILITY_POLICY.downEveryMs);
    await settle();
    expect(r.reach.misses).toBe(2);
    expect(r.reach.unreachableSince, 'since the first miss').toBe(REACHABILITY_POLICY.idleEveryMs);
    await r.clock.advance(REACHABILITY_POLICY.downEveryMs);
    await settle();
    expect(r.reach).toMatchObject({ down: false, unreachableSince: null, misses: 0, error: null });
    expect(r.seen.changes, 'each miss, and the return').toBe(3);
  });

  it('during a backoff after a network failure it asks often, and calls the target back at once', async () => {
    const r = rig();
    r.reach.ran(REFUSED);
    expect(r.reach.unreachableSince).toBe(0);
    expect(r.reach.down, 'a run failed: the run says so, not the probe').toBe(false);
    r.answers.push(REFUSED, REFUSED);
    r.reach.setMode('backoff');
    await r.clock.advance(3 * REACHABILITY_POLICY.backoffEveryMs);
    await settle();
    expect(r.asked).toEqual([1, 2, 3].map((n) => n * REACHABILITY_POLICY.backoffEveryMs));
    expect(r.seen.backs).toBe(1);
    expect(r.reach.unreachableSince).toBeNull();
    await r.clock.advance(10 * REACHABILITY_POLICY.backoffEveryMs);
    expect(r.asked, 'back: no more probing until the target says what it does').toHaveLength(3);
  });

  it('off asks nothing; a failure that is not the network (a wrong password) is no outage', async () => {
    const r = rig();
    r.reach.setMode('idle');
    r.reach.setMode('off');
    await r.clock.advance(10 * REACHABILITY_POLICY.idleEveryMs);
    expect(r.asked).toEqual([]);
    r.reach.ran(REFUSED);
    r.reach.ran({ code: 'AUTH_FAILED', message: 'no', hint: 'fix it' });
    expect(r.reach.unreachableSince).toBeNull();
  });

  it('a probe answered after the target moved on changes nothing', async () => {
    const clock = new FakeClock(0);
    let answer: (e: ErrorInfo | null) => void = () => undefined;
    const seen = { changes: 0, backs: 0 };
    const reach = new Reachability({
      clock,
      probe: () => new Promise((resolve) => (answer = resolve)),
      onChange: () => seen.changes++,
      onBack: () => seen.backs++,
    });
    reach.setMode('backoff');
    await clock.advance(REACHABILITY_POLICY.backoffEveryMs);
    reach.setMode('off'); // the retry started meanwhile
    answer(null);
    await settle();
    expect(seen).toEqual({ changes: 0, backs: 0 });
  });
});
