import { describe, expect, it } from 'vitest';
import { checkLatency, summarize } from './latency.js';
import { cleanFailover, HistoryBuilder, scenario } from './test-support.js';

describe('latency', () => {
  // HDR reports the highest value equivalent to a bucket: with 3 significant
  // digits, 10 ms (10000 µs) falls in an 8 µs bucket reported as 10007 µs,
  // and 50 ms in a 32 µs bucket reported as 50015 µs.
  it('summarizes the ok writes before, during and after the fault', () => {
    const { latency } = checkLatency(scenario(), cleanFailover().events).metrics;
    expect(latency).toEqual({
      before: { count: 50, p50_ms: 10.01, p95_ms: 10.01, p99_ms: 10.01, max_ms: 10 },
      during: { count: 17, p50_ms: 50.02, p95_ms: 50.02, p99_ms: 50.02, max_ms: 50 },
      after: { count: 10, p50_ms: 50.02, p95_ms: 50.02, p99_ms: 50.02, max_ms: 50 },
    });
  });

  it('computes percentiles over a spread of durations', () => {
    const durations = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100 ms
    expect(summarize(durations)).toEqual({ count: 100, p50_ms: 50.02, p95_ms: 95.04, p99_ms: 99.01, max_ms: 100 });
  });

  it('keeps sub-millisecond precision and caps beyond 60 s', () => {
    expect(summarize([0.25])).toMatchObject({ p50_ms: 0.25, max_ms: 0.25 });
    // recorded as 60 s, whose bucket at that magnitude is 32768 µs wide
    expect(summarize([90_000])).toMatchObject({ p99_ms: 60_030.98, max_ms: 90_000 });
  });

  it('has null percentiles for an empty window', () => {
    expect(summarize([])).toEqual({ count: 0, p50_ms: null, p95_ms: null, p99_ms: null, max_ms: null });
  });

  it('keeps the fault window open while a fault is unhealed, and puts everything before without faults', () => {
    const h = new HistoryBuilder().inject(1000, 'f1').inject(2000, 'f2').heal(3000, 'f1');
    h.ok(500, 510);
    h.ok(4000, 4020);
    const { latency } = checkLatency(scenario(), h.events).metrics;
    expect([latency?.before.count, latency?.during.count, latency?.after.count]).toEqual([1, 1, 0]);
    const none = new HistoryBuilder();
    none.ok(500, 510);
    expect(checkLatency(scenario(), none.events).metrics.latency?.before.count).toBe(1);
  });
});
