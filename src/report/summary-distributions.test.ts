import { describe, expect, it } from 'vitest';
import type { FaultPhases, Metrics } from '../checks/metrics.js';
import type { SlaResult } from '../sla/types.js';
import { judgeOverIterations } from '../checks/over-iterations.js';
import type { SlaRequirement } from '../sla/types.js';
import { type SuiteRun, toSummaryJson, toSummaryMarkdown } from './summary.js';
import { metrics, run, scenario } from './test-fixture.js';
import type { Verdict } from './types.js';

/** One iteration of kill-primary with the given figures; the rest are the fixture's. */
function iteration(n: number, m: Partial<Metrics>, verdict: Verdict = 'pass'): SuiteRun {
  const base = run();
  return { run: run({ iteration: n, analysis: { ...base.analysis, metrics: metrics(m), verdict } }), dir: `kill-primary-${n}` };
}

/** No write was acknowledged after the fault: RTO and the phases after detection are null (failover.ts). */
function neverHealed(n: number): SuiteRun {
  const fault: FaultPhases = { fault_id: 'f1', action: 'kill', injected_at: 0, detection_ms: 28_000, promotion_ms: null, reroute_ms: null, rto_ms: null, old_leader: 'pg-1', new_leader: null, leader_changes: 0, effect: null };
  return iteration(n, { rto_ms: null, promotion_ms: null, reroute_ms: null, faults: [fault] }, 'fail');
}

const row = (md: string, label: string): string | undefined => md.split('\n').find((l) => l.startsWith(`| ${label}`));

describe('summary distributions over the iterations (issue 8)', () => {
  it('gives min / p50 / p95 / max and the covered iterations of every figure in summary.json', () => {
    const runs = [1, 2, 3, 4].map((n) => iteration(n, { rto_ms: 10_000 * n, lost_writes: n === 4 ? 3 : 0, split_brain_ms: 0 }));
    const st = toSummaryJson('drill', runs).stats['kill-primary'];
    expect(st?.distributions.rto_ms).toEqual({ min: 10_000, p50: 20_000, p95: 40_000, max: 40_000, measured: 4, iterations: 4, missing: [] });
    expect(st?.distributions.lost_writes).toMatchObject({ min: 0, p50: 0, p95: 3, max: 3 });
    // The compatibility spread agrees with the distribution (nearest rank, not the 25 s mean of the middle two).
    expect(st?.rto_ms).toEqual({ min: 10_000, median: 20_000, max: 40_000 });
  });

  it('renders a table per scenario in summary.md, in the units of each figure', () => {
    const runs = [1, 2, 3, 4].map((n) => iteration(n, { rto_ms: 10_000 * n, lost_writes: n === 4 ? 3 : 0, split_brain_ms: 0 }));
    const md = toSummaryMarkdown(toSummaryJson('drill', runs));
    expect(md).toContain('## Distributions over the iterations');
    expect(md).toContain('### `kill-primary`');
    expect(md).toContain('| figure | iterations | min | p50 | p95 | max | without a value |');
    expect(row(md, 'RTO')).toBe('| RTO (the write outage the fault caused) | 4 of 4 | 10.0 s | 20.0 s | 40.0 s | 40.0 s |  |');
    expect(row(md, 'detection')).toBe('| detection (leader key gone or changed) | 4 of 4 | 28.0 s | 28.0 s | 28.0 s | 28.0 s |  |');
    expect(row(md, 'promotion')).toContain('| 4 of 4 | 4.0 s |');
    expect(row(md, 're-route')).toContain('| 4 of 4 | 9.2 s |');
    expect(row(md, 'unavailability')).toContain('| 4 of 4 | 41.3 s |');
    expect(row(md, 'lost writes')).toBe('| lost writes | 4 of 4 | 0 | 0 | 3 | 3 |  |');
    expect(row(md, 'split-brain window')).toBe('| split-brain window (two or more writable) | 4 of 4 | 0 ms | 0 ms | 0 ms | 0 ms |  |');
  });

  it('counts leader changes over the iterations, an unknown count left out and named, never taken for 0', () => {
    const runs = [iteration(1, { leader_changes: 0 }), iteration(2, { leader_changes: null }), iteration(3, { leader_changes: 2 })];
    const s = toSummaryJson('drill', runs);
    expect(s.stats['kill-primary']?.distributions.leader_changes).toEqual({ min: 0, p50: 0, p95: 2, max: 2, measured: 2, iterations: 3, missing: [{ iteration: 2, reason: 'not_measured' }] });
    expect(row(toSummaryMarkdown(s), 'leader changes')).toBe('| leader changes (leader-key owner) | 2 of 3 | 0 | 0 | 2 | 2 | iteration 2 not measured |');
  });

  it('keeps one iteration in summary.json, and leaves summary.md to the runs table', () => {
    const s = toSummaryJson('nightly', [iteration(1, { rto_ms: 21_000 })]);
    expect(s.stats['kill-primary']?.distributions.rto_ms).toMatchObject({ min: 21_000, p50: 21_000, p95: 21_000, max: 21_000, measured: 1, iterations: 1 });
    expect(toSummaryMarkdown(s)).not.toContain('Distributions');
  });

  it('has no scenario, and no section, over zero iterations', () => {
    const s = toSummaryJson('empty', []);
    expect(s.stats).toEqual({});
    expect(toSummaryMarkdown(s)).not.toContain('Distributions');
  });

  it('says how many iterations a figure covers and names the others, in both files', () => {
    const runs = [iteration(1, { unavailability_ms: 4000 }), iteration(2, { unavailability_ms: null }), iteration(3, { unavailability_ms: 6000 }), iteration(4, { unavailability_ms: null })];
    const s = toSummaryJson('drill', runs);
    expect(s.stats['kill-primary']?.distributions.unavailability_ms).toMatchObject({ min: 4000, p95: 6000, measured: 2, iterations: 4, missing: [{ iteration: 2, reason: 'not_measured' }, { iteration: 4, reason: 'not_measured' }] });
    expect(row(toSummaryMarkdown(s), 'unavailability')).toBe('| unavailability (longest gap between acks) | 2 of 4 | 4.0 s | 4.0 s | 6.0 s | 6.0 s | iterations 2, 4 not measured |');
  });

  it('writes unknown, never 0 or a dash, when no iteration measured a figure', () => {
    const s = toSummaryJson('drill', [1, 2].map((n) => iteration(n, { split_brain_ms: null })));
    expect(s.stats['kill-primary']?.distributions.split_brain_ms).toMatchObject({ min: null, p50: null, p95: null, max: null, measured: 0, iterations: 2 });
    expect(JSON.parse(JSON.stringify(s)).stats['kill-primary'].distributions.split_brain_ms.p95).toBeNull();
    expect(row(toSummaryMarkdown(s), 'split-brain window')).toBe('| split-brain window (two or more writable) | 0 of 2 | unknown | unknown | unknown | unknown | iterations 1, 2 not measured |');
  });

  it('names an iteration whose cluster never recovered, next to a p95 over the others', () => {
    const s = toSummaryJson('drill', [iteration(1, { rto_ms: 20_000 }), neverHealed(2), iteration(3, { rto_ms: 25_000 })]);
    const st = s.stats['kill-primary'];
    expect(st?.distributions.rto_ms).toMatchObject({ p95: 25_000, measured: 2, iterations: 3, missing: [{ iteration: 2, reason: 'never_recovered' }] });
    expect(st).toMatchObject({ flaky: true, failed_iterations: [2], pass: 2, runs: 3 });
    const md = toSummaryMarkdown(s);
    expect(row(md, 'RTO')).toBe('| RTO (the write outage the fault caused) | 2 of 3 | 20.0 s | 20.0 s | 25.0 s | 25.0 s | iteration 2 never recovered |');
    expect(row(md, 're-route')).toContain('| iteration 2 not measured |');
  });

  it('reports a flaky scenario with its failing iterations named, and its p95 line, in summary.md', () => {
    const runs = [iteration(1, { rto_ms: 20_000 }), iteration(2, { rto_ms: 41_230 }, 'fail'), iteration(3, { rto_ms: 18_000 }), iteration(4, { rto_ms: 45_000 }, 'fail')];
    const line: SlaResult = { metric: 'rto_ms', threshold: '< 30s', stat: 'p95', observed: 45_000, pass: false, status: 'fail', note: '2 of 4 iterations within < 30s (outside: iterations 2, 4)' };
    const s = toSummaryJson('drill', runs, [{ scenario: 'kill-primary', verdict: 'fail', sla_over_iterations: [line] }]);
    expect(s.stats['kill-primary']).toMatchObject({ verdict: 'fail', pass: 2, fail: 2, flaky: true, failed_iterations: [2, 4] });
    const md = toSummaryMarkdown(s);
    expect(md).toContain('| kill-primary | ❌ fail | 2 of 4 | 18.0 s / 20.0 s / 45.0 s | yes: iterations 2, 4 failed |');
    expect(md).toContain('| kill-primary | rto_ms p95 < 30s | 45.0 s | ❌ fail | 2 of 4 iterations within < 30s (outside: iterations 2, 4) |');
    expect(row(md, 'RTO')).toBe('| RTO (the write outage the fault caused) | 4 of 4 | 18.0 s | 20.0 s | 45.0 s | 45.0 s |  |');
  });

  it('blames a harness error for what its iteration lacks', () => {
    const errored = iteration(2, { rto_ms: null, split_brain_ms: null, faults: [] });
    const s = toSummaryJson('drill', [iteration(1, {}), { ...errored, run: { ...errored.run, harnessError: { code: 'PORT_IN_USE', message: 'busy' } } }]);
    expect(s.stats['kill-primary']?.distributions.rto_ms.missing).toEqual([{ iteration: 2, reason: 'harness_error' }]);
    expect(row(toSummaryMarkdown(s), 'RTO')).toContain('| 1 of 2 | 41.2 s | 41.2 s | 41.2 s | 41.2 s | iteration 2 harness error |');
  });

  it('names the iterations outside a p95 line that passes, though no iteration failed', () => {
    const req: SlaRequirement = { metric: 'rto_ms', op: '<', value: 30_000, threshold: '< 30s', stat: 'p95' };
    const deferred = (n: number, rto: number): SuiteRun => {
      const r = iteration(n, { rto_ms: rto });
      return { ...r, run: { ...r.run, analysis: { ...r.run.analysis, sla: [{ metric: 'rto_ms', threshold: '< 30s', stat: 'p95', observed: rto, pass: rto < 30_000, status: 'deferred' }] } } };
    };
    const runs = [...Array.from({ length: 19 }, (_, i) => deferred(i + 1, 20_000 + i * 100)), deferred(20, 41_000)];
    const lines = judgeOverIterations(scenario({ sla: [req] }), runs.map((r) => r.run.analysis));
    const s = toSummaryJson('drill', runs, [{ scenario: 'kill-primary', verdict: 'pass', sla_over_iterations: lines }]);
    expect(s.stats['kill-primary']).toMatchObject({ verdict: 'pass', flaky: false, pass: 20 });
    const md = toSummaryMarkdown(s);
    expect(md).toContain('| kill-primary | rto_ms p95 < 30s | 21.8 s | ✅ pass | 19 of 20 iterations within < 30s (outside: iteration 20) |');
    expect(row(md, 'RTO')).toBe('| RTO (the write outage the fault caused) | 20 of 20 | 20.0 s | 20.9 s | 21.8 s | 41.0 s |  |');
  });

  it('shows a line judged on a statistic as a known finding or as not measured, as a run report does', () => {
    const known: SlaResult = { metric: 'split_brain_ms', threshold: '== 0', stat: 'max', observed: 800, pass: false, status: 'known', known: { reason: 'r', reference: 'ref', reproduced: true } };
    const unknown: SlaResult = { metric: 'rto_ms', threshold: '< 30s', stat: 'p95', observed: null, pass: false, status: 'unknown', note: '1 of 2 iterations within < 30s (outside: iteration 2); not every iteration could be measured' };
    const s = toSummaryJson('drill', [iteration(1, {}), iteration(2, {})], [{ scenario: 'kill-primary', verdict: 'error', sla_over_iterations: [known, unknown] }]);
    const md = toSummaryMarkdown(s);
    expect(md).toContain('| kill-primary | split_brain_ms max == 0 | 800 ms | 🟡 known finding |  |');
    expect(md).toContain('| kill-primary | rto_ms p95 < 30s | not measured | ⚠️ unknown | 1 of 2 iterations within < 30s (outside: iteration 2); not every iteration could be measured |');
  });
});
