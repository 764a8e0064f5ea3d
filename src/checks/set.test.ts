import { describe, expect, it } from 'vitest';
import { checkSet } from './set.js';
import { cleanFailover, HistoryBuilder, scenario } from './test-support.js';

describe('set checker', () => {
  it('is valid with nothing lost after a clean failover', () => {
    const h = cleanFailover();
    h.finalRead(11_500, h.okKeys());
    const out = checkSet(scenario(), h.events);
    expect(out.valid).toBe(true);
    expect(out.error).toBeUndefined();
    expect(out.metrics).toMatchObject({ lost_writes: 0, rpo_ms: 0, unexpected_writes: 0, recovered_writes: 0, ghost_writes: 0 });
  });

  it('finds a lost acknowledged write; its RPO is the span of that write, never 0', () => {
    const h = cleanFailover();
    // key 48 was written 4700..4710 on pg1, before the crash
    h.finalRead(11_500, h.okKeys().filter((k) => k !== 48));
    const out = checkSet(scenario(), h.events);
    expect(out.valid).toBe(false);
    expect(out.metrics).toMatchObject({ lost_writes: 1, rpo_ms: 10 });
    expect(out.metrics.samples?.lost).toEqual([48]);
    expect(out.error).toContain('1 acknowledged writes lost over 10 ms');
  });

  it('spans the lost writes from the earliest start to the latest acknowledgement, faults or not', () => {
    const h = new HistoryBuilder().inject(1000);
    h.ok(100, 200);
    const kept = h.ok(300, 400);
    h.ok(1100, 1200);
    h.finalRead(2000, [kept]);
    expect(checkSet(scenario(), h.events).metrics).toMatchObject({ lost_writes: 2, rpo_ms: 1100 });
  });

  it('sees writes lost after the fault: a cut-off primary that kept acknowledging (issue 11, case 4)', () => {
    // pg1 is cut off from etcd and its replicas at 1000 but clients still reach it: it acknowledges
    // 402 writes over 8 s that pg2, promoted meanwhile, never had. Measured from the fault this was "rpo 0".
    const h = new HistoryBuilder();
    const before = h.steady(0, 1000, 100, 10, 'pg1', 1);
    h.inject(1000, 'cut', 'partition-majority');
    const cutOff = Array.from({ length: 402 }, (_, i) => h.ok(1000 + i * 20, 1000 + i * 20 + 10, 'pg1', 1));
    const after = h.steady(9100, 10_000, 100, 10, 'pg2', 2);
    h.finalRead(12_000, [...before, ...after]);
    const out = checkSet(scenario(), h.events);
    expect(out.valid).toBe(false);
    expect(out.metrics.lost_writes).toBe(402);
    expect(out.metrics.rpo_ms).toBe(401 * 20 + 10);
    expect(cutOff).toHaveLength(402);
  });

  it('has a positive rpo for writes lost without any fault, even a zero-length one', () => {
    const h = new HistoryBuilder();
    h.ok(100, 100);
    h.finalRead(2000, []);
    expect(checkSet(scenario(), h.events).metrics).toMatchObject({ lost_writes: 1, rpo_ms: 1 });
  });

  it('counts an indeterminate write found present as recovered', () => {
    const h = new HistoryBuilder();
    const a = h.ok(0, 10);
    const maybe = h.write(20, 5020, 'info');
    const gone = h.write(30, 5030, 'info');
    h.finalRead(6000, [a, maybe]);
    const out = checkSet(scenario(), h.events);
    expect(out.valid).toBe(true);
    expect(out.metrics).toMatchObject({ recovered_writes: 1, lost_writes: 0 });
    expect(out.metrics.samples?.recovered).toEqual([maybe]);
    expect(gone).toBe(3);
  });

  it('counts a failed write found present as a ghost, without invalidating the set', () => {
    const h = new HistoryBuilder();
    const a = h.ok(0, 10);
    const ghost = h.write(20, 30, 'fail');
    h.finalRead(100, [a, ghost]);
    const out = checkSet(scenario(), h.events);
    expect(out.valid).toBe(true);
    expect(out.metrics).toMatchObject({ ghost_writes: 1, recovered_writes: 0 });
    expect(out.metrics.samples?.ghost).toEqual([2]);
  });

  it('flags a key that was never attempted', () => {
    const h = new HistoryBuilder();
    const a = h.ok(0, 10);
    h.finalRead(100, [a, 999]);
    const out = checkSet(scenario(), h.events);
    expect(out.valid).toBe(false);
    expect(out.metrics).toMatchObject({ unexpected_writes: 1, lost_writes: 0 });
    expect(out.metrics.samples?.unexpected).toEqual([999]);
  });

  it('judges the last final read only', () => {
    const h = new HistoryBuilder();
    const a = h.ok(0, 10);
    h.finalRead(100, []).finalRead(200, [a]);
    expect(checkSet(scenario(), h.events).metrics.lost_writes).toBe(0);
  });

  it('keeps at most 20 sample keys, the smallest', () => {
    const h = new HistoryBuilder();
    for (let i = 0; i < 30; i++) h.ok(i, i + 1);
    h.finalRead(100, []);
    const out = checkSet(scenario(), h.events);
    expect(out.metrics.lost_writes).toBe(30);
    expect(out.metrics.samples?.lost).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('cannot decide without a final read', () => {
    const h = new HistoryBuilder();
    h.ok(0, 10);
    const out = checkSet(scenario(), h.events);
    expect(out).toMatchObject({ valid: 'unknown', metrics: {} });
    expect(out.error).toContain('final-read');
  });

  it('judges a key written more than once by its strongest outcome: ok over info over fail', () => {
    const h = new HistoryBuilder();
    // 1: fail then ok, present (not a ghost); 2: ok then fail, absent (lost once, not twice);
    // 3: fail then info, present (recovered, not a ghost); 4: fail twice, present (one ghost).
    h.write(0, 1, 'fail', undefined, 1);
    h.write(2, 3, 'ok', { node: 'pg1', timeline: 1 }, 1);
    h.write(4, 5, 'ok', { node: 'pg1', timeline: 1 }, 2);
    h.write(6, 7, 'fail', undefined, 2);
    h.write(8, 9, 'fail', undefined, 3);
    h.write(10, 11, 'info', undefined, 3);
    h.write(12, 13, 'fail', undefined, 4);
    h.write(14, 15, 'fail', undefined, 4);
    h.finalRead(100, [1, 3, 4]);
    expect(checkSet(scenario(), h.events).metrics).toMatchObject({ lost_writes: 1, unexpected_writes: 0, recovered_writes: 1, ghost_writes: 1, samples: { lost: [2], recovered: [3], ghost: [4] } });
  });

  it('counts a key the final read holds twice once', () => {
    const h = new HistoryBuilder();
    h.ok(0, 1);
    h.finalRead(100, [1, 9, 9]);
    expect(checkSet(scenario(), h.events).metrics).toMatchObject({ lost_writes: 0, unexpected_writes: 1, samples: { unexpected: [9] } });
  });
});
