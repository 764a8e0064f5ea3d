import { describe, expect, it } from 'vitest';
import { analyze } from './analyze.js';
import { withInvariants } from './invariants.js';
import { HistoryBuilder, scenario } from './test-support.js';

describe('invariants', () => {
  it('adds the split-brain bound to an SLA that does not state it', () => {
    const got = withInvariants([{ metric: 'lost_writes', op: '==', value: 0, threshold: '== 0' }]);
    expect(got.map((r) => `${r.metric} ${r.threshold}`)).toEqual(['lost_writes == 0', 'max_concurrent_primaries <= 1']);
  });

  it('lets a scenario state its own bound instead', () => {
    const own = { metric: 'max_concurrent_primaries' as const, op: '<=' as const, value: 2, threshold: '<= 2' };
    expect(withInvariants([own])).toEqual([own]);
  });
});

describe('analyze with the split-brain invariant', () => {
  it('fails a run in which two members were writable at once, though its SLA named only lost writes', () => {
    const h = new HistoryBuilder();
    const keys = h.steady(0, 1000, 100, 5);
    for (let t = 0; t <= 1000; t += 100) h.primary(t, 'pg1');
    for (let t = 400; t <= 1000; t += 100) h.primary(t, 'pg2');
    h.finalRead(1100, keys);
    const a = analyze(scenario([{ metric: 'lost_writes', op: '==', value: 0, threshold: '== 0' }]), h.events);
    expect(a.metrics.max_concurrent_primaries).toBe(2);
    expect(a.sla.find((s) => s.metric === 'max_concurrent_primaries')).toMatchObject({ pass: false, observed: 2 });
    expect(a.verdict).toBe('fail');
  });
});
