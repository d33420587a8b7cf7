import { describe, expect, it } from 'vitest';
import { RATE_POLICY, RateHistory, RateMeter } from '../../electron/core/sync/rate-meter.ts';
import { FakeClock } from '../support/fake-clock.ts';

const MiB = 1024 ** 2;

/** Feeds a meter a sample every `everyMs` for `forMs`, bytes from `bytesAt(elapsed)`. */
function feed(meter: RateMeter, clock: FakeClock, forMs: number, bytesAt: (ms: number) => number, everyMs = 100) {
  const start = clock.now();
  for (let t = 0; t <= forMs; t += everyMs) {
    meter.add(start + t, bytesAt(t));
  }
  return clock.advance(forMs);
}

describe('RateMeter', async () => {
  it('shows no rate on the first tick, however much rsync wrote into the socket buffer', async () => {
    const clock = new FakeClock();
    const meter = new RateMeter();
    meter.add(clock.now(), 200 * MiB); // 200 MiB "in" 100 ms would read 2.0 GiB/s
    expect(meter.rate(clock.now())).toBeNull();
    meter.add(clock.now() + 500, 201 * MiB);
    expect(meter.rate(clock.now() + 500)).toBeNull();
  });

  it('counts from the first sample, so an initial burst does not inflate the rate', async () => {
    const clock = new FakeClock();
    const meter = new RateMeter();
    // 64 MiB at once, then a steady 4 MiB/s
    await feed(meter, clock, 3_000, (t) => 64 * MiB + (4 * MiB * t) / 1000);
    const rate = meter.rate(clock.now())!;
    expect(rate).toBeGreaterThan(3.9 * MiB);
    expect(rate).toBeLessThan(4.1 * MiB);
  });

  it('is never above the bandwidth limit, even when bursts are', async () => {
    const clock = new FakeClock();
    const limit = 20 * MiB;
    const meter = new RateMeter(limit);
    const rates: number[] = [];
    // rsync under --bwlimit: a 12 MiB burst each 500 ms (24 MiB/s on average: bursts above the limit)
    for (let t = 0; t <= 10_000; t += 100) {
      meter.add(clock.now(), Math.floor(t / 500) * 12 * MiB);
      const r = meter.rate(clock.now());
      if (r !== null) rates.push(r);
      await clock.advance(100);
    }
    expect(rates.length).toBeGreaterThan(50);
    expect(Math.max(...rates)).toBeLessThanOrEqual(limit);
  });

  it('smooths bursts into their average', async () => {
    const clock = new FakeClock();
    const meter = new RateMeter();
    for (let t = 0; t <= 10_000; t += 100) {
      meter.add(clock.now(), Math.floor(t / 1000) * 5 * MiB); // 5 MiB each second, in one go
      await clock.advance(100);
    }
    const rate = meter.rate(clock.now())!;
    expect(rate).toBeGreaterThan(4 * MiB);
    expect(rate).toBeLessThan(6 * MiB);
  });

  it('falls to 0 when the transfer stalls', async () => {
    const clock = new FakeClock();
    const meter = new RateMeter();
    await feed(meter, clock, 3_000, (t) => (2 * MiB * t) / 1000);
    expect(meter.rate(clock.now())).toBeGreaterThan(MiB);
    await clock.advance(RATE_POLICY.windowMs / 2);
    const half = meter.rate(clock.now())!;
    expect(half).toBeLessThan(1.5 * MiB);
    await clock.advance(RATE_POLICY.windowMs);
    expect(meter.rate(clock.now())).toBe(0);
  });

  it('starts over when the bytes go back (a new run through the same meter)', async () => {
    const clock = new FakeClock();
    const meter = new RateMeter();
    await feed(meter, clock, 2_000, (t) => 10 * MiB + t * 1000);
    meter.add(clock.now(), 0);
    expect(meter.rate(clock.now())).toBeNull();
  });
});

describe('RateHistory', async () => {
  it('keeps one point per step for the last minutes, 0 where nothing ran', async () => {
    const clock = new FakeClock(0);
    const history = new RateHistory();
    expect(history.snapshot(clock.now())).toBeNull();
    history.add(1_000, 100);
    history.add(2_000, 300);
    await clock.advance(RATE_POLICY.historyStepMs * 3);
    history.add(clock.now(), 50);
    const snap = history.snapshot(clock.now())!;
    expect(snap.samples).toHaveLength(RATE_POLICY.historyPoints);
    expect(snap.samples.slice(-4)).toEqual([200, 0, 0, 50]);
    expect(snap.endAt).toBeGreaterThan(clock.now());
    await clock.advance(RATE_POLICY.historyStepMs * RATE_POLICY.historyPoints);
    expect(history.snapshot(clock.now())).toBeNull();
  });
});
