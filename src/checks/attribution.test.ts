import { describe, expect, it } from 'vitest';
import { attribute, faultEras, unattributed, type Evidence } from './attribution.js';
import { HistoryBuilder, scenario } from './test-support.js';

const at = (t: number, what = `lost key at ${t}`): Evidence => ({ what, from: t, to: t });
const range = (from: number, to: number): number[] => Array.from({ length: Math.ceil((to - from) / 100) }, (_, i) => from + i * 100);

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

/**
 * Patroni's frozen-primary defect inside a nemesis: pg1 leads on timeline 1
 * and is frozen (stop f1, in force at 1010); pg2 is promoted and acknowledges
 * on timeline 2 from 2000; the stop is healed at 4000 and the woken pg1
 * acknowledges on timeline 1 beside pg2 until pg2 is demoted at 4500; pg1
 * leads alone on timeline 1 through a kill of the replica pg3 (f2, at 7000)
 * to the end. Probes see pg1 and pg2 writable together over [4000, 4500).
 */
function frozenPrimaryDefect(): HistoryBuilder {
  const h = new HistoryBuilder();
  for (let t = 0; t < 12_000; t += 100) {
    h.probe(t, 'pg1', t >= 1000 && t < 4000 ? { error: 'timeout' } : { inRecovery: false, walPosition: t * 100 });
    if (t >= 2000 && t < 4500) h.primary(t, 'pg2');
    else h.replica(t, 'pg2');
    h.replica(t, 'pg3');
  }
  h.steady(0, 1000, 100, 10, 'pg1', 1);
  h.inject(1000, 'f1', 'stop', ['pg1'], 1010);
  h.steady(2000, 4000, 100, 10, 'pg2', 2);
  h.heal(4000, 'f1', 'stop');
  for (let t = 4000; t < 4500; t += 100) {
    h.ok(t, t + 10, 'pg1', 1);
    h.ok(t + 50, t + 60, 'pg2', 2);
  }
  h.steady(4500, 12_000, 100, 10, 'pg1', 1);
  h.inject(7000, 'f2', 'kill', ['pg3'], 7020);
  h.heal(8000, 'f2', 'kill');
  return h;
}

/** The final read of every acknowledged key but those acknowledged at these times. */
function losing(h: HistoryBuilder, ...ackedAt: number[]): HistoryBuilder {
  const lost = new Set(h.events.flatMap((e) => (e.kind === 'write' && ackedAt.includes(e.end) ? [e.key] : [])));
  expect(lost.size).toBe(ackedAt.length);
  return h.finalRead(10_500, h.okKeys().filter((k) => !lost.has(k)), 'pg3');
}

describe('fault eras', () => {
  it('run from when each injection was in force to when the next one began, the last without end', () => {
    expect(faultEras(twoFaults().events)).toEqual([
      { id: 'f1', action: 'stop', from: 1010, to: 5000 },
      { id: 'f2', action: 'kill', from: 5020, to: Infinity },
    ]);
  });

  it('end at the first convergence after the fault\'s heal, not at a convergence before it or after a heal that failed', () => {
    const h = twoFaults();
    h.converged(1200); // before the heal: the fault is still in force
    h.heal(1500, 'f1', 'stop');
    h.converged(3000).converged(3500);
    h.converged(9000, true, true);
    expect(faultEras(h.events).map((e) => e.to)).toEqual([3000, Infinity]);
    const failed = twoFaults();
    failed.events.push({ kind: 'fault', t: 1500, phase: 'heal', id: 'f1', action: 'stop', target: 'primary', resolved: [], error: 'no such container' });
    failed.converged(3000);
    expect(faultEras(failed.events).map((e) => e.to)).toEqual([5000, Infinity]);
  });

  it('give an injection that failed no action: it did nothing, nothing is its', () => {
    const eras = faultEras([{ kind: 'fault', t: 100, phase: 'inject', id: 'f1', action: 'stop', target: 'primary', resolved: [], error: 'no such container' }]);
    expect(eras).toEqual([{ id: 'f1', from: 100, to: Infinity }]);
    expect(unattributed([at(200)], eras, 'stop')).toBe('no stop fault was in force in this run');
  });
});

describe('unattributed', () => {
  const eras = faultEras(twoFaults().events);

  it('attributes evidence in a stop era to stop, from the moment the fault was in force to the next injection', () => {
    expect(unattributed([at(1010), at(3000), at(4999)], eras, 'stop')).toBeUndefined();
    expect(unattributed([at(5000, 'lost key 50')], eras, 'stop')).toBe("1 of 1 outside every stop fault's era, e.g. lost key 50 (after the era of fault f1 (stop) ended)");
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

  it('attributes an interval only when it lies inside a stop era: not one that began before it, nor one that runs into the next fault', () => {
    expect(unattributed([{ what: 'two primaries', from: 1100, to: 4900 }], eras, 'stop')).toBeUndefined();
    expect(unattributed([{ what: 'two primaries', from: 900, to: 1100 }], eras, 'stop')).toBe("1 of 1 outside every stop fault's era, e.g. two primaries (from before the first fault was in force to the era of fault f1 (stop))");
    expect(unattributed([{ what: 'two primaries', from: 4900, to: 5100 }], eras, 'stop')).toBe("1 of 1 outside every stop fault's era, e.g. two primaries (from the era of fault f1 (stop) to the era of fault f2 (kill))");
    expect(unattributed([{ what: 'two primaries', from: 5020, to: 6000 }], eras, 'stop')).toContain('1 of 1 outside');
  });
});

describe('attribute, from a history', () => {
  const s = scenario();

  it('lost writes: a key acknowledged and shown lost in a stop era is the stop fault\'s', () => {
    expect(attribute(s, losing(twoFaults(), 2010, 3010).events, 'lost_writes', 'stop')).toBeUndefined();
  });

  it('lost writes: a key acknowledged in a stop era and shown lost only after the next fault is not the stop fault\'s', () => {
    // pg2 acknowledged key 40 at 4910 and was killed at 5000; the first write after it that survived is pg3's, at 6010.
    expect(attribute(s, losing(twoFaults(), 2010, 4910).events, 'lost_writes', 'stop')).toBe("1 of 2 outside every stop fault's era, e.g. lost key 40 (from the era of fault f1 (stop) to the era of fault f2 (kill))");
    expect(attribute(s, losing(twoFaults(), 4910).events, 'lost_writes', 'kill')).toContain('1 of 1 outside every kill fault');
  });

  it('lost writes: a stop healed long before a kill does not take the writes the kill threw away (review of issue 19)', () => {
    const h = new HistoryBuilder();
    for (let t = 0; t < 10_000; t += 100) {
      for (const m of ['pg1', 'pg2']) {
        if ((t < 5000) === (m === 'pg1')) h.primary(t, m);
        else h.replica(t, m);
      }
    }
    h.steady(0, 1000, 100, 10, 'pg1', 1);
    h.inject(1000, 'f1', 'stop', ['pg2'], 1010); // the replica frozen
    h.heal(1500, 'f1', 'stop'); // and thawed
    h.steady(1000, 5000, 100, 10, 'pg1', 1);
    h.inject(5000, 'f2', 'kill', ['pg1'], 5020); // the primary killed: its unreplicated tail is lost
    h.steady(6000, 10_000, 100, 10, 'pg2', 2);
    const lost = new Set(h.events.flatMap((e) => (e.kind === 'write' && (e.end === 4810 || e.end === 4910) ? [e.key] : [])));
    h.finalRead(10_500, h.okKeys().filter((k) => !lost.has(k)), 'pg2');
    expect(attribute(s, h.events, 'lost_writes', 'stop')).toBe("2 of 2 outside every stop fault's era, e.g. lost key 49 (from the era of fault f1 (stop) to the era of fault f2 (kill))");
  });

  it('lost writes: the frozen-primary defect, the promoted replica\'s writes lost when the woken primary retakes the key after the heal, is the stop fault\'s', () => {
    const h = frozenPrimaryDefect();
    const lost = h.events.flatMap((e) => (e.kind === 'write' && e.timeline === 2 ? [e.key] : []));
    expect(lost).toHaveLength(25);
    h.finalRead(12_500, h.okKeys().filter((k) => !lost.includes(k)), 'pg1');
    expect(attribute(s, h.events, 'lost_writes', 'stop')).toBeUndefined();
  });

  it('lost writes: a loss shown after the cluster converged from the stop is not the stop fault\'s', () => {
    const h = twoFaults();
    h.heal(1500, 'f1', 'stop');
    h.converged(3000);
    expect(attribute(s, losing(h, 2010, 3010).events, 'lost_writes', 'stop')).toBe("1 of 2 outside every stop fault's era, e.g. lost key 21 (after the era of fault f1 (stop) ended)");
    expect(attribute(s, losing(twoFaults().heal(1500, 'f1', 'stop').converged(3000), 2010, 2910).events, 'lost_writes', 'stop')).toContain('from the era of fault f1 (stop) to after the era of fault f1 (stop) ended');
  });

  it('lost writes: a key no later write survived is shown lost only by the final read', () => {
    // pg3's last ten writes lost, none after them: the kill's era, never healed, runs to the final read.
    expect(attribute(s, losing(twoFaults(), ...range(9010, 10_000)).events, 'lost_writes', 'kill')).toBeUndefined();
    const healed = twoFaults().heal(8000, 'f2', 'kill').converged(10_200, true, true);
    expect(attribute(s, losing(healed, ...range(9010, 10_000)).events, 'lost_writes', 'kill')).toBe("10 of 10 outside every kill fault's era, e.g. lost key 71 (from the era of fault f2 (kill) to after the era of fault f2 (kill) ended)");
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

  it('two primaries: the woken primary acknowledging beside the promoted one after the heal is the stop fault\'s; its writes once it alone leads are no second primary', () => {
    const events = frozenPrimaryDefect().events;
    expect(attribute(s, events, 'max_concurrent_primaries', 'stop')).toBeUndefined();
  });

  it('two primaries: the same pair acknowledging again in the next fault\'s era counts the line', () => {
    const h = frozenPrimaryDefect();
    h.ok(9000, 9010, 'pg2', 2); // pg2 still acknowledging on timeline 2, beside pg1 on timeline 1, after the kill
    expect(attribute(s, h.events, 'max_concurrent_primaries', 'stop')).toMatch(/^1 of 2 outside every stop fault's era, e\.g\. pg1 acknowledged key \d+ on timeline 1, .* \(from the era of fault f1 \(stop\) to the era of fault f2 \(kill\)\)$/);
  });

  it('two primaries: probes seeing two writable members from the stop era into the kill\'s count the line', () => {
    const events = twoFaults({ writable: [['pg1', 4500, 5500], ['pg2', 5000, 5500]] }).events;
    expect(attribute(s, events, 'max_concurrent_primaries', 'stop')).toContain('from the era of fault f1 (stop) to the era of fault f2 (kill)');
    expect(attribute(s, events, 'split_brain_ms', 'stop')).toContain('from the era of fault f1 (stop) to the era of fault f2 (kill)');
  });

  it('split-brain time: only the probes\' overlaps are its evidence, the stale acknowledgements are the count\'s', () => {
    const h = twoFaults({ writable: [['pg1', 2500, 3000]] });
    h.ok(7000, 7010, 'pg2', 2);
    expect(attribute(s, h.events, 'split_brain_ms', 'stop')).toBeUndefined();
    expect(attribute(s, h.events, 'max_concurrent_primaries', 'stop')).toContain('outside every stop fault\'s era');
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
