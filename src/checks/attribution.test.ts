import { describe, expect, it } from 'vitest';
import { attribute, faultEras, unattributed, type Evidence } from './attribution.js';
import { injects } from './timeline.js';
import { HistoryBuilder, scenario } from './test-support.js';

const at = (t: number, what = `lost key at ${t}`): Evidence => ({ what, from: t, to: t });

/**
 * pg1 leads on timeline 1 until a stop fault (f1, in force at 1010), pg2
 * on timeline 2 from 2000 until a kill fault (f2, in force at 5020), pg3 on
 * timeline 3 from 6000. Writes every 100 ms, acknowledged 10 ms after
 * they start; `writable` adds a member seen writable over a span.
 */
function twoFaults(o: { writable?: Array<[string, number, number]>; unseen?: string } = {}): HistoryBuilder {
  const h = new HistoryBuilder();
  const leader = (t: number) => (t < 1000 ? 'pg1' : t < 5000 ? 'pg2' : 'pg3');
  for (let t = 0; t < 10_000; t += 100) {
    for (const m of ['pg1', 'pg2', 'pg3']) {
      if (m === o.unseen) h.probe(t, m, { error: 'timeout' });
      else if ((leader(t) === m && t >= (m === 'pg1' ? 0 : m === 'pg2' ? 2000 : 6000)) || (o.writable ?? []).some(([w, from, to]) => w === m && t >= from && t < to)) h.primary(t, m);
      else h.replica(t, m);
    }
  }
  h.steady(0, 1000, 100, 10, 'pg1', 1);
  h.inject(1000, 'f1', 'stop', ['pg1'], 1010);
  h.steady(2000, 5000, 100, 10, 'pg2', 2);
  h.inject(5000, 'f2', 'kill', ['pg2'], 5020);
  h.steady(6000, 10_000, 100, 10, 'pg3', 3);
  return h;
}

/** The final read of every acknowledged key but those acknowledged at these times. */
function losing(h: HistoryBuilder, ...ackedAt: number[]): HistoryBuilder {
  const lost = new Set(h.events.flatMap((e) => (e.kind === 'write' && ackedAt.includes(e.end) ? [e.key] : [])));
  expect(lost.size).toBe(ackedAt.length);
  return h.finalRead(10_500, h.okKeys().filter((k) => !lost.has(k)), 'pg3');
}

describe('fault eras', () => {
  it('run from when each injection was in force to when the next one was, the last without end', () => {
    expect(faultEras(injects(twoFaults().events))).toEqual([
      { id: 'f1', action: 'stop', from: 1010, to: 5020 },
      { id: 'f2', action: 'kill', from: 5020, to: Infinity },
    ]);
  });

  it('give an injection that failed no action: it did nothing, nothing is its', () => {
    const eras = faultEras([{ kind: 'fault', t: 100, phase: 'inject', id: 'f1', action: 'stop', target: 'primary', resolved: [], error: 'no such container' }]);
    expect(eras).toEqual([{ id: 'f1', from: 100, to: Infinity }]);
    expect(unattributed([at(200)], eras, 'stop')).toBe('no stop fault was in force in this run');
  });
});

describe('unattributed', () => {
  const eras = faultEras(injects(twoFaults().events));

  it('attributes evidence in a stop era to stop, from the moment the fault was in force', () => {
    expect(unattributed([at(1010), at(3000), at(5019)], eras, 'stop')).toBeUndefined();
  });

  it('does not attribute a loss in the other fault\'s era, and names that era', () => {
    expect(unattributed([at(3000), at(6000, 'lost key 61')], eras, 'stop')).toBe("1 of 2 outside every stop fault's era, e.g. lost key 61 (in the era of fault f2 (kill))");
  });

  it('does not attribute a loss before any fault, nor one acknowledged while the stop was still being injected', () => {
    expect(unattributed([at(500, 'lost key 6')], eras, 'stop')).toBe("1 of 1 outside every stop fault's era, e.g. lost key 6 (510 ms before the first fault was in force)");
    expect(unattributed([at(1005)], eras, 'stop')).toContain('1 of 1 outside');
  });

  it('attributes nothing without faults, or without evidence', () => {
    expect(unattributed([at(3000)], [], 'stop')).toBe('no stop fault was in force in this run');
    expect(unattributed([], eras, 'stop')).toBe('no evidence of the failure to attribute to a fault');
  });

  it('attributes an interval that overlaps a stop era, even one that began before it', () => {
    expect(unattributed([{ what: 'two primaries', from: 900, to: 1100 }], eras, 'stop')).toBeUndefined();
    expect(unattributed([{ what: 'two primaries', from: 5020, to: 6000 }], eras, 'stop')).toContain('1 of 1 outside');
  });
});

describe('attribute, from a history', () => {
  const s = scenario();

  it('lost writes: every lost key acknowledged in a stop era is the stop fault\'s', () => {
    expect(attribute(s, losing(twoFaults(), 2010, 4910).events, 'lost_writes', 'stop')).toBeUndefined();
  });

  it('lost writes: one lost key of the kill fault\'s era is enough to count the line', () => {
    expect(attribute(s, losing(twoFaults(), 2010, 6110).events, 'lost_writes', 'stop')).toMatch(/^1 of 2 outside every stop fault's era, e\.g\. lost key \d+ \(in the era of fault f2 \(kill\)\)$/);
    expect(attribute(s, losing(twoFaults(), 2010, 6110).events, 'lost_writes', 'kill')).toContain('1 of 2 outside every kill fault');
  });

  it('lost writes: a key lost from before any fault is nobody\'s', () => {
    expect(attribute(s, losing(twoFaults(), 510, 2010).events, 'lost_writes', 'stop')).toContain('before the first fault was in force');
  });

  it('lost writes: without a final read nothing is known, nothing is attributed', () => {
    expect(attribute(s, twoFaults().events, 'lost_writes', 'stop')).toBe('no final read: which writes were lost is not known');
  });

  it('lost writes: a history without faults attributes nothing', () => {
    const h = new HistoryBuilder();
    h.steady(0, 1000, 100, 10);
    h.finalRead(2000, h.okKeys().slice(1));
    expect(attribute(s, h.events, 'lost_writes', 'stop')).toBe('no stop fault was in force in this run');
  });

  it('two primaries: probes seeing pg1 writable beside pg2 in the stop era are the stop fault\'s', () => {
    const events = twoFaults({ writable: [['pg1', 2500, 3000]] }).events;
    expect(attribute(s, events, 'max_concurrent_primaries', 'stop')).toBeUndefined();
    expect(attribute(s, events, 'split_brain_ms', 'stop')).toBeUndefined();
  });

  it('two primaries: a second overlap in the kill fault\'s era counts the line', () => {
    const events = twoFaults({ writable: [['pg1', 2500, 3000], ['pg2', 7000, 7500]] }).events;
    expect(attribute(s, events, 'max_concurrent_primaries', 'stop')).toMatch(/^1 of 2 outside every stop fault's era, e\.g\. two writable members for 500 ms \(probes\) \(in the era of fault f2 \(kill\)\)$/);
  });

  it('two primaries: stale acknowledgements are evidence too, attributed by when they happened', () => {
    const h = twoFaults();
    h.ok(7000, 7010, 'pg2', 2); // pg2 acknowledges on timeline 2 after pg3 had on timeline 3
    expect(attribute(s, h.events, 'max_concurrent_primaries', 'stop')).toMatch(/outside every stop fault's era, e\.g\. pg2 acknowledged key \d+ on timeline 2/);
    const ok = twoFaults();
    ok.ok(3000, 3010, 'pg1', 1); // pg1 acknowledges on timeline 1 after pg2 had on timeline 2, in the stop era
    expect(attribute(s, ok.events, 'max_concurrent_primaries', 'stop')).toBeUndefined();
  });

  it('two primaries: a member never observed could have been writable at any time: nothing is attributed', () => {
    const events = twoFaults({ writable: [['pg1', 2500, 3000]], unseen: 'pg3' }).events;
    expect(attribute(s, events, 'max_concurrent_primaries', 'stop')).toContain('no probe of pg3 ever answered');
  });

  it('two primaries: a failed line with no overlap to show attributes nothing', () => {
    expect(attribute(s, twoFaults().events, 'max_concurrent_primaries', 'stop')).toBe('no evidence of the failure to attribute to a fault');
  });

  it('refuses a metric whose evidence it cannot place', () => {
    expect(attribute(s, twoFaults().events, 'rto_ms', 'stop')).toBe('rto_ms cannot be attributed to a fault');
  });
});
