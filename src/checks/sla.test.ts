import { describe, expect, it } from 'vitest';
import { emptyMetrics } from './empty-metrics.js';
import type { Metrics } from './metrics.js';
import { evaluateSla } from './sla.js';
import type { Comparator, SlaRequirement } from '../sla/types.js';

const req = (op: Comparator, value: number, threshold = `${op} ${value}`): SlaRequirement => ({
  metric: 'lost_writes',
  op,
  value,
  threshold,
});

const withMetric = (patch: Partial<Metrics>): Metrics => ({ ...emptyMetrics(), ...patch });

describe('evaluateSla', () => {
  it.each([
    ['<', 3, 4, true],
    ['<', 4, 4, false],
    ['<=', 4, 4, true],
    ['<=', 5, 4, false],
    ['==', 0, 0, true],
    ['==', 1, 0, false],
    ['>=', 4, 4, true],
    ['>=', 3, 4, false],
    ['>', 5, 4, true],
    ['>', 4, 4, false],
    ['!=', 1, 0, true],
    ['!=', 0, 0, false],
  ] as const)('%s: observed %d against %d passes: %s', (op, observed, value, pass) => {
    const [result] = evaluateSla([req(op, value)], withMetric({ lost_writes: observed }));
    expect(result).toEqual({ metric: 'lost_writes', threshold: `${op} ${value}`, observed, pass, status: pass ? 'pass' : 'fail' });
  });

  it('compares durations in ms, keeping the threshold as written and its source', () => {
    const rto: SlaRequirement = { metric: 'rto_ms', op: '<', value: 30_000, threshold: '< 30s', source: '002 "RTO < 30 seconds"' };
    expect(evaluateSla([rto], withMetric({ rto_ms: 29_999 }))).toEqual([
      { metric: 'rto_ms', threshold: '< 30s', observed: 29_999, pass: true, status: 'pass', source: '002 "RTO < 30 seconds"' },
    ]);
    expect(evaluateSla([rto], withMetric({ rto_ms: 30_000 }))[0]?.pass).toBe(false);
  });

  it('fails a metric that was not measured', () => {
    expect(evaluateSla([req('==', 0)], emptyMetrics())).toEqual([
      { metric: 'lost_writes', threshold: '== 0', observed: null, pass: false, status: 'fail', note: 'not measured' },
    ]);
  });

  it('defers a line judged on a statistic when the iterations decide, still showing this iteration\'s figure', () => {
    const line: SlaRequirement = { ...req('<=', 5000), metric: 'unavailability_ms', stat: 'p95' };
    expect(evaluateSla([line], withMetric({ unavailability_ms: 5040 }), { deferStats: true })[0]).toMatchObject({ status: 'deferred', pass: false, observed: 5040, stat: 'p95' });
    expect(evaluateSla([line], withMetric({ unavailability_ms: 5040 }))[0]).toMatchObject({ status: 'fail' });
  });

  it('judges each line on its own, in order', () => {
    const results = evaluateSla([req('==', 0), { ...req('<', 1000), metric: 'rpo_ms' }], withMetric({ lost_writes: 2, rpo_ms: 400 }));
    expect(results.map((r) => [r.metric, r.pass])).toEqual([
      ['lost_writes', false],
      ['rpo_ms', true],
    ]);
  });
});
