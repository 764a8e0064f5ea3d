import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { statOf } from '../checks/over-iterations.js';
import type { FaultPhases, Metrics } from '../checks/metrics.js';
import { distributionOf, distributionsOf, type IterationFigures } from './distributions.js';
import { metrics } from './test-fixture.js';
import type { Verdict } from './types.js';

function figures(iteration: number, m: Partial<Metrics>, verdict: Verdict = 'pass'): IterationFigures {
  return { iteration, verdict, metrics: metrics(m) };
}

/** A fault after which no write was ever acknowledged: failover.ts leaves its rto_ms and the top-level one null. */
function neverHealed(iteration: number): IterationFigures {
  const m = metrics();
  const fault: FaultPhases = { fault_id: 'f1', action: 'kill', injected_at: 0, detection_ms: m.detection_ms, promotion_ms: null, reroute_ms: null, rto_ms: null, old_leader: 'pg-1', new_leader: null, leader_changes: 0, effect: null };
  return { iteration, verdict: 'fail', metrics: { ...m, rto_ms: null, promotion_ms: null, reroute_ms: null, faults: [fault] } };
}

describe('distributionOf', () => {
  it('is unknown (null), never 0, over zero iterations', () => {
    expect(distributionOf('rto_ms', [])).toEqual({ min: null, p50: null, p95: null, max: null, measured: 0, iterations: 0, missing: [] });
  });

  it('gives the one value for every statistic over one iteration', () => {
    expect(distributionOf('rto_ms', [figures(1, { rto_ms: 21_000 })])).toEqual({ min: 21_000, p50: 21_000, p95: 21_000, max: 21_000, measured: 1, iterations: 1, missing: [] });
  });

  it('takes nearest-rank statistics, the same as the SLA lines judged on a statistic', () => {
    const values = [9, 3, 17, 1, 12, 20, 4, 8, 15, 6, 11, 2, 19, 5, 14, 7, 18, 10, 13, 16].map((s) => s * 1000);
    const d = distributionOf('unavailability_ms', values.map((v, i) => figures(i + 1, { unavailability_ms: v })));
    expect(d).toMatchObject({ min: statOf('min', values), p50: statOf('p50', values), p95: statOf('p95', values), max: statOf('max', values) });
    expect([d.min, d.p50, d.p95, d.max]).toEqual([1000, 10_000, 19_000, 20_000]);
  });

  it('picks a tied value, not a mean of neighbours, and keeps 0 as a measured value', () => {
    const rto = [5000, 9000, 5000, 5000].map((v, i) => figures(i + 1, { rto_ms: v, lost_writes: 0 }));
    expect(distributionOf('rto_ms', rto)).toMatchObject({ min: 5000, p50: 5000, p95: 9000, max: 9000, measured: 4 });
    expect(distributionOf('lost_writes', rto)).toEqual({ min: 0, p50: 0, p95: 0, max: 0, measured: 4, iterations: 4, missing: [] });
    // An even count: the lower middle value (nearest rank), not 15 s.
    const even = [10_000, 20_000, 30_000, 40_000].map((v, i) => figures(i + 1, { rto_ms: v }));
    expect(distributionOf('rto_ms', even).p50).toBe(20_000);
  });

  it('computes over the measured iterations only and names the others', () => {
    const runs = [figures(1, { unavailability_ms: 4000 }), figures(2, { unavailability_ms: null }), figures(3, { unavailability_ms: 6000 })];
    expect(distributionOf('unavailability_ms', runs)).toEqual({
      min: 4000, p50: 4000, p95: 6000, max: 6000, measured: 2, iterations: 3, missing: [{ iteration: 2, reason: 'not_measured' }],
    });
  });

  it('is unknown when no iteration measured the figure, and lists them all', () => {
    const runs = [1, 2, 3].map((i) => figures(i, { split_brain_ms: null }));
    expect(distributionOf('split_brain_ms', runs)).toEqual({
      min: null, p50: null, p95: null, max: null, measured: 0, iterations: 3,
      missing: [1, 2, 3].map((iteration) => ({ iteration, reason: 'not_measured' })),
    });
  });

  it('says an iteration whose cluster never recovered never recovered, rather than that it was not measured', () => {
    const runs = [figures(1, { rto_ms: 20_000 }), neverHealed(2), figures(3, { rto_ms: 25_000 })];
    const all = distributionsOf(runs);
    expect(all.rto_ms).toEqual({ min: 20_000, p50: 20_000, p95: 25_000, max: 25_000, measured: 2, iterations: 3, missing: [{ iteration: 2, reason: 'never_recovered' }] });
    // Detection was seen in that iteration; the phases after it were not.
    expect(all.detection_ms.measured).toBe(3);
    expect(all.promotion_ms.missing).toEqual([{ iteration: 2, reason: 'not_measured' }]);
  });

  it('blames a harness error for the figures its iteration lacks', () => {
    const runs = [figures(1, { rto_ms: 20_000 }), figures(2, { rto_ms: null, faults: [] }, 'error')];
    expect(distributionOf('rto_ms', runs).missing).toEqual([{ iteration: 2, reason: 'harness_error' }]);
  });

  it('leaves out, as not measured, an iteration whose report has no such figure (older reports, nothing to recover from)', () => {
    const run = (iteration: number, recovery?: number) => ({ iteration, verdict: 'pass' as const, metrics: { ...(recovery === undefined ? {} : { recovery_ms: recovery }), faults: [] } as unknown as IterationFigures['metrics'] });
    expect(distributionOf('recovery_ms', [run(1, 4000), run(2)])).toMatchObject({ min: 4000, max: 4000, measured: 1, iterations: 2, missing: [{ iteration: 2, reason: 'not_measured' }] });
  });

  it('names a drill whose cluster never converged as never recovered, not as unmeasured', () => {
    const never = { iteration: 2, verdict: 'fail' as const, metrics: { recovery_ms: null, convergence_ms: null, faults: [] } as unknown as IterationFigures['metrics'] };
    const ok = { iteration: 1, verdict: 'pass' as const, metrics: { recovery_ms: 9000, convergence_ms: 1000, faults: [] } as unknown as IterationFigures['metrics'] };
    expect(distributionOf('recovery_ms', [ok, never]).missing).toEqual([{ iteration: 2, reason: 'never_recovered' }]);
  });

  it('covers every figure the issue names', () => {
    expect(Object.keys(distributionsOf([]))).toEqual(['rto_ms', 'unavailability_ms', 'detection_ms', 'promotion_ms', 'reroute_ms', 'recovery_ms', 'lost_writes', 'split_brain_ms', 'leader_changes']);
  });

  it('is what reports/README.md shows', () => {
    const readme = readFileSync(new URL('../../reports/README.md', import.meta.url), 'utf8');
    const example: unknown = JSON.parse(/```json\n([\s\S]*?)```/.exec(readme)?.[1] ?? 'null');
    const runs = [figures(1, { rto_ms: 20_000 }), neverHealed(2), figures(3, { rto_ms: 18_000 }), figures(4, { rto_ms: 41_230 })];
    expect(example).toEqual(distributionOf('rto_ms', runs));
  });
});
