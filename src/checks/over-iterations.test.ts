import { describe, expect, it } from 'vitest';
import type { SlaRequirement, SlaResult } from '../sla/types.js';
import type { Analysis } from './metrics.js';
import { emptyMetrics } from './empty-metrics.js';
import { judgeOverIterations, statOf } from './over-iterations.js';
import { scenario } from './test-support.js';

const p95: SlaRequirement = { metric: 'unavailability_ms', op: '<=', value: 5000, threshold: '<= 5s', stat: 'p95' };

function iteration(observed: number | null, status: SlaResult['status'] = 'deferred'): Analysis {
  return {
    metrics: emptyMetrics(),
    checks: [],
    verdict: 'pass',
    sla: [{ metric: 'unavailability_ms', threshold: '<= 5s', observed, pass: observed !== null && observed <= 5000, status, stat: 'p95' }],
  };
}

describe('statistics over iterations (issue 11, case 11)', () => {
  it('takes nearest-rank percentiles', () => {
    const v = Array.from({ length: 20 }, (_, i) => i + 1);
    expect([statOf('min', v), statOf('p50', v), statOf('p90', v), statOf('p95', v), statOf('p99', v), statOf('max', v)]).toEqual([1, 10, 18, 19, 20, 20]);
    expect(statOf('p95', [5040])).toBe(5040);
    expect(statOf('p50', [])).toBeNull();
  });

  it('does not flip on one noisy iteration out of twenty, and says how many held', () => {
    const runs = [...Array.from({ length: 19 }, (_, i) => iteration(4000 + i * 10)), iteration(5040)];
    const [line] = judgeOverIterations(scenario([p95]), runs);
    expect(line).toMatchObject({ metric: 'unavailability_ms', stat: 'p95', status: 'pass', observed: 4180, note: '19 of 20 iterations within <= 5s (outside: iteration 20)' });
  });

  it('fails when the statistic is over the threshold (switchover 5.04 s, 5.2 s, 5.3 s, 4.9 s)', () => {
    const [line] = judgeOverIterations(scenario([p95]), [iteration(5040), iteration(5200), iteration(5300), iteration(4900)]);
    expect(line).toMatchObject({ status: 'fail', observed: 5300, note: '1 of 4 iterations within <= 5s (outside: iterations 1, 2, 3)' });
  });

  it('counts an iteration that never recovered (null) on the failing side, not as noise', () => {
    const [line] = judgeOverIterations(scenario([p95]), [iteration(1000), iteration(null, 'fail')]);
    expect(line).toMatchObject({ status: 'fail', observed: null, note: '1 of 2 iterations within <= 5s (outside: iteration 2)' });
  });

  it('counts an unmeasured iteration as failing a != line too', () => {
    const ne: SlaRequirement = { metric: 'unavailability_ms', op: '!=', value: 0, threshold: '!= 0', stat: 'p95' };
    const [line] = judgeOverIterations(scenario([ne]), [iteration(null, 'fail'), iteration(null, 'fail')]);
    expect(line).toMatchObject({ status: 'fail', observed: null });
  });

  it('is unknown when an iteration could not be measured at all', () => {
    const [line] = judgeOverIterations(scenario([p95]), [iteration(1000), iteration(null, 'unknown')]);
    expect(line?.status).toBe('unknown');
  });

  it('judges only the lines that ask for a statistic', () => {
    expect(judgeOverIterations(scenario([{ ...p95, stat: undefined } as SlaRequirement]), [iteration(1000)])).toEqual([]);
  });
});
