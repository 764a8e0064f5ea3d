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

  it('finds a lost acknowledged write and how far before the fault it was acknowledged', () => {
    const h = cleanFailover();
    // key 48 was written 4700..4710 on pg1, acknowledged 290 ms before the crash
    h.finalRead(11_500, h.okKeys().filter((k) => k !== 48));
    const out = checkSet(scenario(), h.events);
    expect(out.valid).toBe(false);
    expect(out.metrics).toMatchObject({ lost_writes: 1, rpo_ms: 290 });
    expect(out.metrics.samples?.lost).toEqual([48]);
    expect(out.error).toContain('1 acknowledged writes lost');
  });

  it('takes the earliest lost ack for rpo, and clamps at 0 for a loss after the fault', () => {
    const h = new HistoryBuilder().inject(1000);
    const early = h.ok(100, 200);
    const kept = h.ok(300, 400);
    const late = h.ok(1100, 1200);
    h.finalRead(2000, [kept]);
    expect(checkSet(scenario(), h.events).metrics).toMatchObject({ lost_writes: 2, rpo_ms: 800 });
    const after = new HistoryBuilder().inject(1000);
    after.ok(1100, 1200);
    after.finalRead(2000, []);
    expect(checkSet(scenario(), after.events).metrics).toMatchObject({ lost_writes: 1, rpo_ms: 0 });
    expect([early, late]).toEqual([1, 3]);
  });

  it('measures rpo from the crash that lost the writes, not from an earlier replication stall', () => {
    const h = new HistoryBuilder().inject(1000, 'stall', 'pause-replication');
    const kept = h.ok(500, 600);
    h.ok(1100, 1150);
    h.ok(5000, 5050);
    h.inject(9000, 'crash', 'kill');
    h.finalRead(12_000, [kept]);
    expect(checkSet(scenario(), h.events).metrics).toMatchObject({ lost_writes: 2, rpo_ms: 9000 - 1150 });
  });

  it('has a null rpo when writes were lost without any fault', () => {
    const h = new HistoryBuilder();
    h.ok(100, 200);
    h.finalRead(2000, []);
    expect(checkSet(scenario(), h.events).metrics).toMatchObject({ lost_writes: 1, rpo_ms: null });
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
});
