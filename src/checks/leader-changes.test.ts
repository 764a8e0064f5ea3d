import { describe, expect, it } from 'vitest';
import { analyze } from './analyze.js';
import { checkFailover } from './failover.js';
import { BLIND_AFTER_MS, changesInWindow, checkLeaderChanges, countOwnerChanges, leaderChangesIn } from './leader-changes.js';
import { cleanFailover, HistoryBuilder, scenario } from './test-support.js';
import { parseThreshold } from '../sla/threshold.js';
import type { SlaRequirement } from '../sla/types.js';
import type { DcsEvent } from '../history/events.js';

const reads = (h: HistoryBuilder): DcsEvent[] => h.events.flatMap((e) => (e.kind === 'dcs' ? [e] : []));
const mustNotMove = parseThreshold('leader_changes', '== 0') as SlaRequirement;

describe('leader-key owner changes', () => {
  it('counts a failover once', () => {
    const h = cleanFailover();
    expect(checkLeaderChanges(scenario(), h.events)).toEqual({ metrics: { leader_changes: 1 }, valid: true });
    expect(checkFailover(scenario(), h.events).metrics.faults?.[0]?.leader_changes).toBe(1);
  });

  it('does not count a key lost and retaken by the same member (A, none, A): no other member ever led', () => {
    const h = new HistoryBuilder().reads(0, 1000, 100, 'pg1', 3).inject(1000).reads(1000, 2000, 100, null, 0).reads(2000, 3000, 100, 'pg1', 9);
    expect(checkLeaderChanges(scenario(), h.events).metrics.leader_changes).toBe(0);
    expect(leaderChangesIn(h.events, 1000)).toBe(0);
  });

  it('counts A, none, B as one and A, none, B, A as two', () => {
    const once = new HistoryBuilder().read(0, 'pg1', 3).read(100, null, 0).read(200, 'pg2', 5);
    expect(countOwnerChanges(reads(once))).toBe(1);
    const back = new HistoryBuilder().read(0, 'pg1', 3).read(100, null, 0).read(200, 'pg2', 5).read(300, 'pg1', 8);
    expect(countOwnerChanges(reads(back))).toBe(2);
  });

  it('counts a fault that moved the leader twice, and a direct A to B without a read in between', () => {
    const h = new HistoryBuilder().reads(0, 1000, 100, 'pg1', 3).inject(1000, 'f1', 'partition-dcs');
    h.reads(1000, 2000, 100, 'pg2', 6).reads(2000, 3000, 100, 'pg1', 9);
    expect(checkLeaderChanges(scenario(), h.events).metrics.leader_changes).toBe(2);
    expect(checkFailover(scenario(), h.events).metrics.faults?.[0]?.leader_changes).toBe(2);
  });

  it('does not count the first owner ever read: a cluster electing its first leader is no failover', () => {
    const h = new HistoryBuilder().reads(0, 500, 100, null, 0).reads(500, 2000, 100, 'pg1', 3).inject(1000);
    expect(checkLeaderChanges(scenario(), h.events).metrics.leader_changes).toBe(0);
    expect(leaderChangesIn(h.events, 1000)).toBe(0);
  });

  it('gives each of two faults its own changes, and the run their sum with any change outside them', () => {
    const h = new HistoryBuilder().read(0, 'pg3', 1).read(50, 'pg1', 3); // a change before any fault: the run's, no fault's
    h.reads(100, 1000, 100, 'pg1', 3).inject(1000, 'a', 'kill', ['pg3']).reads(1000, 5000, 100, 'pg1', 3);
    h.inject(5000, 'b', 'kill', ['pg1']).reads(5000, 6000, 100, null, 0).reads(6000, 8000, 100, 'pg2', 7);
    expect(checkFailover(scenario(), h.events).metrics.faults?.map((f) => [f.fault_id, f.leader_changes])).toEqual([['a', 0], ['b', 1]]);
    expect(checkLeaderChanges(scenario(), h.events).metrics.leader_changes).toBe(2);
  });

  it('gives a change to the fault whose window holds the first read of the new owner, as detection does', () => {
    // The last read before b shows pg1, the first after it pg2: b's, as its detection_ms says.
    const h = new HistoryBuilder().reads(0, 1000, 100, 'pg1', 3).inject(1000, 'a').reads(1000, 2000, 100, 'pg1', 3);
    h.inject(2050, 'b').reads(2100, 3000, 100, 'pg2', 7);
    const faults = checkFailover(scenario(), h.events).metrics.faults ?? [];
    expect(faults.map((f) => [f.fault_id, f.leader_changes, f.detection_ms])).toEqual([['a', 0, null], ['b', 1, 50]]);
  });

  it('is unknown, never 0, without any read of the leader key', () => {
    const h = new HistoryBuilder().inject(1000);
    h.ok(1100, 1200);
    expect(checkLeaderChanges(scenario([mustNotMove]), h.events)).toMatchObject({ metrics: {}, valid: 'unknown' });
    expect(leaderChangesIn(h.events, 1000)).toBeNull();
    const a = analyze(scenario([mustNotMove]), h.events);
    expect(a.sla.find((s) => s.metric === 'leader_changes')).toMatchObject({ observed: null, status: 'unknown' });
    expect(a.verdict).not.toBe('pass');
  });

  it('is unknown for a fault when no read before it shows who held the key (the observer started late)', () => {
    const h = new HistoryBuilder().inject(1000).reads(1500, 3000, 100, 'pg2', 7);
    expect(leaderChangesIn(h.events, 1000)).toBeNull();
    expect(checkLeaderChanges(scenario([mustNotMove]), h.events).valid).toBe('unknown');
  });

  it('leaves the count null without making the run an error when the scenario does not judge it', () => {
    const h = new HistoryBuilder().inject(1000).reads(1500, 3000, 100, 'pg2', 7);
    expect(checkLeaderChanges(scenario(), h.events)).toMatchObject({ metrics: {}, valid: true });
    expect(analyze(scenario(), h.events).checks.find((c) => c.name === 'leader-changes')?.valid).toBe(true);
  });

  it('is unknown for a fault whose window no read landed in, and for the run, when the owners on either side might hide an A, B, A', () => {
    // etcd unreadable from a's injection to b's: pg1 before and after, but the revision moved.
    const h = new HistoryBuilder().reads(0, 1000, 100, 'pg1', 3).inject(1000, 'a', 'kill', ['etcd1']);
    h.inject(5000, 'b', 'kill', ['pg3']).reads(5100, 8000, 100, 'pg1', 12);
    // b too: the 4 s stretch spans its injection, so pg1 could have been handed back in its first moments.
    expect(checkFailover(scenario(), h.events).metrics.faults?.map((f) => [f.fault_id, f.leader_changes])).toEqual([['a', null], ['b', null]]);
    const out = checkLeaderChanges(scenario([mustNotMove]), h.events);
    expect(out).toMatchObject({ metrics: {}, valid: 'unknown' });
    expect(out.error).toContain('fault a');
    const a = analyze(scenario([mustNotMove]), h.events);
    expect(a.sla.find((s) => s.metric === 'leader_changes')?.status).toBe('unknown');
    expect(a.verdict).toBe('error');
  });

  it('counts a window without reads as 0 when the reads on either side show the same revision: the key was never written', () => {
    const h = new HistoryBuilder().reads(0, 1000, 100, 'pg1', 3).inject(1000, 'a').inject(5000, 'b').reads(5100, 8000, 100, 'pg1', 3);
    expect(leaderChangesIn(h.events, 1000, 5000)).toBe(0);
    expect(checkLeaderChanges(scenario(), h.events).metrics.leader_changes).toBe(0);
  });

  it('does not take an absent key read twice (revision 0) for proof of an unwritten window', () => {
    const r = reads(new HistoryBuilder().read(0, 'pg1', 3).read(900, null, 0).read(5100, null, 0));
    expect(changesInWindow(r, 1000, 5000)).toBeNull();
  });

  it('is unknown, never 0, across a stretch without a successful read long enough to hide an A, B, A, the key written meanwhile (review: 30 s blind)', () => {
    const h = new HistoryBuilder().read(0, 'pg1', 3).read(500, 'pg1', 4).inject(1000, 'f1', 'slow-dcs', ['etcd1'], 1005);
    h.read(1100, 'pg1', 5);
    h.read(31_000, 'pg1', 40).read(31_500, 'pg1', 41); // etcd unreadable for the observer from 1.1 s to 31 s
    h.heal(32_000, 'f1', 'slow-dcs');
    expect(leaderChangesIn(h.events, 1000)).toBeNull();
    const out = checkLeaderChanges(scenario([mustNotMove]), h.events);
    expect(out).toMatchObject({ metrics: {}, valid: 'unknown' });
    expect(out.error).toContain('fault f1: no read of the leader key answered for 29.9 s from 100 ms after the injection');
    expect(analyze(scenario([mustNotMove]), h.events).sla.find((s) => s.metric === 'leader_changes')).toMatchObject({ observed: null, status: 'unknown' });
  });

  it('counts across a stretch of at most BLIND_AFTER_MS, too short for an owner change and back, and is unknown just past it', () => {
    const at = (gap: number) => reads(new HistoryBuilder().read(0, 'pg1', 3).read(1000, 'pg1', 4).read(1000 + gap - 5, 'pg1', 9));
    expect(changesInWindow(at(BLIND_AFTER_MS), 500)).toBe(0); // answered exactly BLIND_AFTER_MS after the previous read was sent
    expect(changesInWindow(at(BLIND_AFTER_MS + 1), 500)).toBeNull();
  });

  it('counts 0 across a long stretch when the reads on both sides show the same revision: the key was never written', () => {
    const h = new HistoryBuilder().reads(0, 1000, 100, 'pg1', 3).inject(1000).read(1000, 'pg1', 3).read(11_000, 'pg1', 3).reads(11_100, 12_000, 100, 'pg1', 4);
    expect(leaderChangesIn(h.events, 1000)).toBe(0);
  });

  it('is unknown for every window a blind stretch overlaps, however little: a change and back may straddle the injection between them', () => {
    const h = new HistoryBuilder().reads(0, 5000, 100, 'pg1', 3).inject(1000, 'a').inject(4950, 'b').read(20_000, 'pg1', 9);
    expect(leaderChangesIn(h.events, 1000, 4950)).toBeNull(); // 50 ms of a's window are in the stretch from 4900 to 20 005
    expect(leaderChangesIn(h.events, 4950)).toBeNull();
    expect(leaderChangesIn(h.events, 1000, 4800)).toBe(0); // ends before it: reads every 100 ms throughout
  });

  it('does not take a gap between reads of a history that recorded only changes of owner (no revision) for blindness', () => {
    const h = new HistoryBuilder().dcs(0, 'pg1').inject(1000).dcs(1200, 'pg1').dcs(30_000, 'pg2');
    expect(leaderChangesIn(h.events, 1000)).toBe(1);
  });

  it('fails a scenario that requires no failover when the fault moved the leader', () => {
    const a = analyze(scenario([mustNotMove]), cleanFailover().events);
    expect(a.sla.find((s) => s.metric === 'leader_changes')).toMatchObject({ observed: 1, status: 'fail' });
    expect(a.verdict).toBe('fail');
  });

  it('passes it when the leader stayed through the fault (a replica killed)', () => {
    const h = new HistoryBuilder().reads(0, 5000, 100, 'pg1', 3).inject(1000, 'f1', 'kill', ['pg3']);
    h.steady(0, 5000, 100, 10, 'pg1');
    const a = analyze(scenario([mustNotMove]), h.events);
    expect(a.sla.find((s) => s.metric === 'leader_changes')).toMatchObject({ observed: 0, status: 'pass' });
    expect(a.checks.find((c) => c.name === 'leader-changes')).toEqual({ name: 'leader-changes', valid: true });
  });
});
