import { describe, expect, it } from 'vitest';
import { conflictingAcks } from './ops-evidence.js';
import { checkPrimaries } from './primaries.js';
import { isWritable, sweep } from './split-brain.js';
import { cleanFailover, HistoryBuilder, scenario } from './test-support.js';

/** pg1 probed as primary every 100 ms over [0, 2000], pg3 a replica throughout. */
function steadyPrimary(): HistoryBuilder {
  const h = new HistoryBuilder();
  for (let t = 0; t <= 2000; t += 100) h.primary(t, 'pg1').replica(t, 'pg3');
  return h;
}

describe('split brain from probes', () => {
  it('sees one primary at a time in a clean failover', () => {
    const out = checkPrimaries(scenario(), cleanFailover().events);
    expect(out).toMatchObject({ valid: true, metrics: { max_concurrent_primaries: 1, split_brain_ms: 0 } });
  });

  it('measures two overlapping primaries', () => {
    const h = steadyPrimary();
    h.primary(600, 'pg2').primary(700, 'pg2').primary(800, 'pg2').replica(900, 'pg2');
    const out = checkPrimaries(scenario(), h.events);
    expect(out.metrics).toEqual({ max_concurrent_primaries: 2, split_brain_ms: 300 });
    expect(out.valid).toBe(false);
    expect(out.error).toContain('members pg1, pg2 writable at once for 300 ms');
  });

  it('holds a silent member writable for at most 5 probe intervals', () => {
    const h = steadyPrimary().primary(600, 'pg2');
    expect(checkPrimaries(scenario([], 100), h.events).metrics.split_brain_ms).toBe(500);
    expect(checkPrimaries(scenario([], 40), h.events).metrics.split_brain_ms).toBe(200);
  });

  it('does not stretch a sample past its SQL answer by a slow REST half (no invented split brain)', () => {
    // pg1 answered "not in recovery" at 1010; its probe waited on REST until 1450 and the next started at 1500.
    // pg2 was promoted at 1200. Held until 1500, pg1's sample would overlap pg2's by 300 ms.
    const h = new HistoryBuilder();
    for (let t = 0; t <= 900; t += 100) h.primary(t, 'pg1').replica(t, 'pg2');
    h.events.push({ kind: 'probe', t: 1000, end: 1010, member: 'pg1', inRecovery: false });
    h.events.push({ kind: 'probe', t: 1500, end: 1510, member: 'pg1', error: 'connection refused' });
    for (let t = 1000; t <= 2000; t += 100) h.probe(t, 'pg2', t < 1200 ? { inRecovery: true, end: t + 5 } : { inRecovery: false, end: t + 5 });
    expect(checkPrimaries(scenario(), h.events)).toMatchObject({ valid: true, metrics: { max_concurrent_primaries: 1, split_brain_ms: 0 } });
  });

  it('stops a sample at the end of the history', () => {
    const h = steadyPrimary().primary(1900, 'pg2');
    // pg2 from 1900 to the last event at 2000
    expect(checkPrimaries(scenario(), h.events).metrics.split_brain_ms).toBe(100);
  });

  it('counts three primaries at once', () => {
    const h = steadyPrimary().primary(1000, 'pg2').primary(1000, 'pg4').primary(1100, 'pg2').primary(1100, 'pg4');
    h.replica(1200, 'pg2').replica(1200, 'pg4');
    expect(checkPrimaries(scenario(), h.events).metrics).toEqual({ max_concurrent_primaries: 3, split_brain_ms: 200 });
  });

  it('does not count a hand-over at the same instant as two', () => {
    expect(sweep([{ member: 'a', from: 0, to: 100 }, { member: 'b', from: 100, to: 200 }])).toEqual({
      max: 1,
      splitBrainMs: 0,
      members: [],
      intervals: [],
    });
  });

  it('gives the intervals with two or more writable, merged where they touch', () => {
    const spans = [{ member: 'a', from: 0, to: 300 }, { member: 'b', from: 100, to: 200 }, { member: 'c', from: 150, to: 250 }, { member: 'b', from: 280, to: 400 }];
    expect(sweep(spans)).toMatchObject({ max: 3, splitBrainMs: 170, intervals: [{ from: 100, to: 250 }, { from: 280, to: 300 }] });
  });

  it('trusts a write probe over recovery status, and unknown views never count', () => {
    expect(isWritable({ kind: 'probe', t: 0, member: 'a', inRecovery: false, writable: false })).toBe(false);
    expect(isWritable({ kind: 'probe', t: 0, member: 'a', inRecovery: true, writable: true })).toBe(true);
    expect(isWritable({ kind: 'probe', t: 0, member: 'a', inRecovery: false })).toBe(true);
    expect(isWritable({ kind: 'probe', t: 0, member: 'a', patroniRole: 'primary' })).toBe(false);
    expect(isWritable({ kind: 'probe', t: 0, member: 'a', error: 'timeout' })).toBe(false);
  });
});

describe('split brain from acknowledged writes, by real-time order', () => {
  it('finds an old-timeline ack for a write started after a newer timeline had acknowledged one, without probes', () => {
    const h = new HistoryBuilder();
    h.ok(1000, 1050, 'pg2', 2);
    h.ok(1100, 1200, 'pg1', 1); // started 50 ms after pg2 had committed on timeline 2
    const out = checkPrimaries(scenario(), h.events);
    expect(out.metrics).toEqual({ max_concurrent_primaries: 2, split_brain_ms: null });
    expect(out.valid).toBe(false);
    expect(out.error).toContain('pg1 acknowledged key 2 on timeline 1, a write started 50 ms after pg2 had acknowledged key 1 on timeline 2');
  });

  it('is missed no more: the stale ack overlaps nothing, yet proves a second primary (issue 11, case 9)', () => {
    const h = steadyPrimary();
    h.ok(1000, 1010, 'pg2', 2);
    h.ok(1500, 1510, 'pg1', 1); // long after, no overlap at all
    expect(checkPrimaries(scenario(), h.events).metrics.max_concurrent_primaries).toBe(2);
  });

  it('does not count a slow old-primary ack overlapping a fast new-primary ack after a clean switchover (issue 11, case 9)', () => {
    // Both writes were sent before either answered: pg1's commit may well precede pg2's promotion.
    const h = steadyPrimary();
    h.ok(1000, 1300, 'pg1', 1);
    h.ok(1100, 1150, 'pg2', 2);
    expect(conflictingAcks(h.events)).toEqual([]);
    expect(checkPrimaries(scenario(), h.events)).toMatchObject({ valid: true, metrics: { max_concurrent_primaries: 1 } });
  });

  it.each([
    ['the same timeline', ['pg2', 1, 1000, 1050], ['pg1', 1, 1100, 1200]],
    ['an older timeline acknowledged first', ['pg1', 1, 1000, 1050], ['pg2', 2, 1100, 1200]],
    ['an old write started before the newer ack', ['pg2', 2, 1000, 1100], ['pg1', 1, 1099, 1200]],
    ['an unknown timeline (0)', ['pg2', 2, 1000, 1050], ['pg1', 0, 1100, 1200]],
  ] as const)('sees no conflict with %s', (_case, [n1, tl1, s1, e1], [n2, tl2, s2, e2]) => {
    const h = new HistoryBuilder();
    h.ok(s1, e1, n1, tl1);
    h.ok(s2, e2, n2, tl2);
    expect(conflictingAcks(h.events)).toEqual([]);
  });

  it('skips writes it cannot attribute to a node', () => {
    const h = steadyPrimary();
    h.ok(1000, 1100, 'pg1', 1);
    h.write(1000, 1300, 'info');
    expect(checkPrimaries(scenario(), h.events)).toMatchObject({ valid: true, metrics: { max_concurrent_primaries: 1 } });
  });

  it('cannot decide with neither probes nor evidence of two primaries', () => {
    const h = new HistoryBuilder();
    h.ok(0, 10);
    expect(checkPrimaries(scenario(), h.events)).toMatchObject({ valid: 'unknown', metrics: {} });
  });
});

describe('no observation is no pass (issue 11, case 5)', () => {
  it('is unknown when every probe of one member errored: it could have been writable unseen', () => {
    const h = steadyPrimary();
    for (let t = 0; t <= 2000; t += 100) h.probe(t, 'pg2', { error: 'connection refused' });
    const out = checkPrimaries(scenario(), h.events);
    expect(out).toMatchObject({ valid: 'unknown', metrics: {} });
    expect(out.error).toContain('no probe of pg2 ever answered');
  });

  it('is unknown when every probe of every member errored (the old check said 0 primaries, pass)', () => {
    const h = new HistoryBuilder();
    for (let t = 0; t <= 2000; t += 100) h.probe(t, 'pg1', { error: 'timeout' }).probe(t, 'pg2', { error: 'timeout' });
    expect(checkPrimaries(scenario(), h.events).valid).toBe('unknown');
  });

  it('still reports proven split brain when a member was never seen', () => {
    const h = steadyPrimary();
    for (let t = 0; t <= 2000; t += 100) h.probe(t, 'pg2', { error: 'timeout' });
    h.ok(1000, 1010, 'pg2', 2);
    h.ok(1500, 1510, 'pg1', 1);
    expect(checkPrimaries(scenario(), h.events)).toMatchObject({ valid: false, metrics: { max_concurrent_primaries: 2, split_brain_ms: null } });
  });

  it('is unknown for a member of the cluster that no observer ever probed', () => {
    const h = steadyPrimary();
    h.events.push({ kind: 'members', t: 0, members: ['pg1', 'pg2', 'pg3'] });
    const out = checkPrimaries(scenario(), h.events);
    expect(out.valid).toBe('unknown');
    expect(out.error).toContain('no probe of pg2 ever answered');
  });

  it('accepts a member seen only part of the time (a killed node stops answering)', () => {
    const h = steadyPrimary();
    h.replica(0, 'pg2');
    for (let t = 100; t <= 2000; t += 100) h.probe(t, 'pg2', { error: 'connection refused' });
    expect(checkPrimaries(scenario(), h.events)).toMatchObject({ valid: true, metrics: { max_concurrent_primaries: 1 } });
  });
});
