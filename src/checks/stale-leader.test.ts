import { describe, expect, it } from 'vitest';
import { checkStaleLeaderWrites } from './stale-leader.js';
import { HistoryBuilder, scenario } from './test-support.js';

describe('checkStaleLeaderWrites', () => {
  it('counts writes a member acknowledged after another took the leader key', () => {
    const h = new HistoryBuilder().dcs(0, 'pg1');
    h.ok(100, 110, 'pg1');
    h.dcs(1000, 'pg2');
    h.ok(1100, 1150, 'pg1'); // the old primary, still answering
    h.ok(1200, 1210, 'pg2');
    h.probe(1300, 'pg1', { writable: true });
    h.probe(1300, 'pg2', { writable: true });
    const out = checkStaleLeaderWrites(scenario(), h.events);
    expect(out.metrics.stale_leader_writes).toBe(2);
    expect(out.valid).toBe(false);
    expect(out.error).toBe('writes acknowledged without the leader key: 1 by pg1 (workload), 1 by pg1 (probe)');
  });

  it('counts a write acknowledged while nobody held the key', () => {
    const h = new HistoryBuilder().dcs(0, 'pg1').dcs(500, null);
    h.ok(600, 700, 'pg1');
    expect(checkStaleLeaderWrites(scenario(), h.events).metrics.stale_leader_writes).toBe(1);
  });

  it('ignores writes before the key was first seen and refused probes', () => {
    const h = new HistoryBuilder();
    h.ok(0, 10, 'pg1');
    h.dcs(100, 'pg1');
    h.probe(200, 'pg2', { writable: false });
    expect(checkStaleLeaderWrites(scenario(), h.events)).toMatchObject({ metrics: { stale_leader_writes: 0 }, valid: true });
  });

  it('cannot decide without leader key observations', () => {
    expect(checkStaleLeaderWrites(scenario(), new HistoryBuilder().events).valid).toBe('unknown');
  });
});
