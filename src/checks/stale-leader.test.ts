import { describe, expect, it } from 'vitest';
import { certainHolders, checkStaleLeaderWrites } from './stale-leader.js';
import { HistoryBuilder, scenario } from './test-support.js';

describe('checkStaleLeaderWrites', () => {
  it('counts writes a member acknowledged while another certainly held the key', () => {
    // pg2's key (revision 7) is read unchanged from 1000 to 2000: the key stayed with pg2 over [1005, 2000].
    const h = new HistoryBuilder().reads(0, 1000, 100, 'pg1', 3).reads(1000, 2100, 100, 'pg2', 7);
    h.ok(100, 110, 'pg1');
    h.ok(1100, 1150, 'pg1'); // the old primary, still answering
    h.ok(1200, 1210, 'pg2');
    h.events.push({ kind: 'probe', t: 1300, end: 1320, member: 'pg1', writable: true });
    h.events.push({ kind: 'probe', t: 1300, end: 1320, member: 'pg2', writable: true });
    const out = checkStaleLeaderWrites(scenario(), h.events);
    expect(out.metrics.stale_leader_writes).toBe(2);
    expect(out.valid).toBe(false);
    expect(out.error).toBe('writes acknowledged while another member certainly held the leader key: 1 by pg1 (workload), 1 by pg1 (probe)');
  });

  it('does not invent a stale write from an acknowledgement that arrived after the key moved (issue 11, case 10)', () => {
    // pg1's write started at 950, before any read showed pg2; its ack at 1100 came after the first read of pg2.
    // Judged by the ack time against the observer's view, it was "stale"; it may well have committed first.
    const h = new HistoryBuilder().reads(0, 1000, 100, 'pg1', 3).reads(1000, 2000, 100, 'pg2', 7);
    h.ok(950, 1100, 'pg1');
    expect(checkStaleLeaderWrites(scenario(), h.events)).toMatchObject({ metrics: { stale_leader_writes: 0 }, valid: true });
  });

  it('does not count a write that started before the answer of the read that showed the new owner', () => {
    const h = new HistoryBuilder().reads(0, 1000, 100, 'pg1', 3).reads(1000, 2000, 100, 'pg2', 7);
    h.ok(1002, 1010, 'pg1'); // the read sent at 1000 answered at 1005
    expect(checkStaleLeaderWrites(scenario(), h.events).metrics.stale_leader_writes).toBe(0);
  });

  it('does not count a write acknowledged after the last read that confirmed the holder', () => {
    // The key may have come back to pg1 after 1900 (the last read of revision 7): pg1's write at 1950..1960 proves nothing.
    const h = new HistoryBuilder().reads(0, 1000, 100, 'pg1', 3).reads(1000, 2000, 100, 'pg2', 7).read(2000, 'pg1', 9);
    h.ok(1950, 1960, 'pg1');
    expect(checkStaleLeaderWrites(scenario(), h.events).metrics.stale_leader_writes).toBe(0);
  });

  it('gives no span to a revision read once, or to reads without revisions (old histories)', () => {
    expect(certainHolders([{ kind: 'dcs', t: 0, end: 5, leader: 'pg1', revision: 3 }])).toEqual([]);
    expect(certainHolders([{ kind: 'dcs', t: 0, leader: 'pg1' }, { kind: 'dcs', t: 100, leader: 'pg1' }])).toEqual([]);
    expect(certainHolders([{ kind: 'dcs', t: 0, end: 5, leader: null, revision: 0 }, { kind: 'dcs', t: 100, end: 105, leader: null, revision: 0 }])).toEqual([]);
  });

  it('does not count writes while nobody holds the key: nothing certifies who could have taken it', () => {
    const h = new HistoryBuilder().reads(0, 500, 100, 'pg1', 3).reads(500, 1000, 100, null, 0);
    h.ok(600, 700, 'pg1');
    expect(checkStaleLeaderWrites(scenario(), h.events).metrics.stale_leader_writes).toBe(0);
  });

  it('ignores writes by the holder and refused probes', () => {
    const h = new HistoryBuilder().reads(0, 1000, 100, 'pg1', 3);
    h.ok(200, 210, 'pg1');
    h.events.push({ kind: 'probe', t: 300, end: 310, member: 'pg2', writable: false });
    expect(checkStaleLeaderWrites(scenario(), h.events)).toMatchObject({ metrics: { stale_leader_writes: 0 }, valid: true });
  });

  it('cannot decide without leader key observations, or without any that certify a holder over time', () => {
    expect(checkStaleLeaderWrites(scenario(), new HistoryBuilder().events).valid).toBe('unknown');
    expect(checkStaleLeaderWrites(scenario(), new HistoryBuilder().dcs(0, 'pg1').dcs(100, 'pg2').events).valid).toBe('unknown');
  });
});
