import { describe, expect, it } from 'vitest';
import { toSummaryJson, toSummaryMarkdown } from './summary.js';
import { passingRun, run } from './test-fixture.js';

describe('toSummaryJson', () => {
  const runs = [
    { run: passingRun(20_000), dir: 'kill-primary-1' },
    { run: run({ iteration: 2 }), dir: 'kill-primary-2' },
    { run: passingRun(18_000, { iteration: 3 }), dir: 'kill-primary-3' },
    { run: passingRun(9_000, { scenario: { ...run().scenario, name: 'switchover' } }), dir: 'switchover-1' },
  ];
  const summary = toSummaryJson('nightly', runs);

  it('takes the worst verdict of the runs', () => {
    expect(summary.verdict).toBe('fail');
    const errored = run({ iteration: 4, harnessError: { code: 'PORT_IN_USE', message: 'busy' } });
    expect(toSummaryJson('nightly', [...runs, { run: errored, dir: 'x' }]).verdict).toBe('error');
    expect(toSummaryJson('nightly', runs.filter((r) => r.run.analysis.verdict === 'pass')).verdict).toBe('pass');
    expect(toSummaryJson('empty', []).verdict).toBe('error');
  });

  it('lists each run with its key figures and failed SLA lines', () => {
    expect(summary.runs[1]).toEqual({
      scenario: 'kill-primary', iteration: 2, verdict: 'fail', dir: 'kill-primary-2',
      rto_ms: 41_230, lost_writes: 2, max_concurrent_primaries: 1, failed_sla: ['rto_ms', 'lost_writes'], known_sla: [], wall: null,
    });
  });

  it('gives min/median/max of rto_ms per scenario over its iterations', () => {
    expect(summary.stats).toMatchObject({
      'kill-primary': { verdict: 'fail', runs: 3, pass: 2, fail: 1, error: 0, flaky: true, failed_iterations: [2], rto_ms: { min: 18_000, median: 20_000, max: 41_230 }, sla_over_iterations: [] },
      switchover: { verdict: 'pass', runs: 1, pass: 1, fail: 0, error: 0, flaky: false, failed_iterations: [], rto_ms: { min: 9_000, median: 9_000, max: 9_000 }, sla_over_iterations: [] },
    });
    expect(Object.keys(summary.stats['kill-primary'] ?? {})).toEqual(['verdict', 'runs', 'pass', 'fail', 'error', 'flaky', 'failed_iterations', 'rto_ms', 'distributions', 'sla_over_iterations']);
  });

  it('splits each run\'s wall time into start, scenario, convergence and teardown, and totals them with shares', () => {
    const timed = [
      { run: passingRun(20_000, { wall: { start_ms: 15_000, scenario_ms: 40_000, convergence_ms: 5_000, teardown_ms: 3_000 } }), dir: 'a' },
      // A cluster that never started: only its start attempt took time.
      { run: run({ iteration: 2, wall: { start_ms: 17_000 } }), dir: 'b' },
    ];
    const s = toSummaryJson('nightly', timed);
    expect(s.runs.map((r) => r.wall)).toEqual([timed[0]?.run.wall, { start_ms: 17_000 }]);
    const md = toSummaryMarkdown(s);
    expect(md).toContain('## Where the time went');
    expect(md).toContain('| kill-primary | 1 | 15.0 s | 40.0 s | 5.0 s | 3.0 s | 1 min 03 s |');
    expect(md).toContain('| kill-primary | 2 | 17.0 s | - | - | - | 17.0 s |');
    expect(md).toContain('| **all runs** |  | 32.0 s (40%) | 40.0 s (50%) | 5.0 s (6%) | 3.0 s (4%) | 1 min 20 s |');
    expect(toSummaryMarkdown(toSummaryJson('nightly', runs))).not.toContain('Where the time went');
  });

  it('renders one table', () => {
    const md = toSummaryMarkdown(summary);
    expect(md.startsWith('# ❌ FAIL: suite `nightly`')).toBe(true);
    expect(md).toContain('| kill-primary | 2 | ❌ fail | 41.2 s | 2 | 1 | rto_ms, lost_writes |  | [report](kill-primary-2/report.md) |');
    expect(md).toContain('| kill-primary | ❌ fail | 2 of 3 | 18.0 s / 20.0 s / 41.2 s | yes: iteration 2 failed |');
  });

  it('takes a scenario\'s verdict over its iterations, lines judged on a statistic included (issue 11, case 11)', () => {
    const over = { metric: 'rto_ms' as const, threshold: '< 30s', observed: 41_230, pass: false, status: 'fail' as const, stat: 'p95' as const, note: '2 of 3 iterations within < 30s' };
    const passing = runs.filter((r) => r.run.analysis.verdict === 'pass');
    const s = toSummaryJson('nightly', passing, [{ scenario: 'kill-primary', verdict: 'fail', sla_over_iterations: [over] }]);
    expect(s.verdict).toBe('fail');
    expect(s.stats['kill-primary']?.sla_over_iterations).toEqual([over]);
    expect(toSummaryMarkdown(s)).toContain('| kill-primary | rto_ms p95 < 30s | 41.2 s | ❌ fail | 2 of 3 iterations within < 30s |');
  });

  it('lists the lines excused as known findings apart from the failed ones, and does not fail on them', () => {
    const base = passingRun(20_000);
    const known = { metric: 'max_concurrent_primaries' as const, threshold: '<= 1', observed: 2, pass: false, status: 'known' as const, known: { reason: 'r', reference: 'ref', reproduced: true } };
    const excused = { ...base, analysis: { ...base.analysis, sla: [...base.analysis.sla, known] } };
    const s = toSummaryJson('nightly', [{ run: excused, dir: 'kill-primary-1' }]);
    expect(s.runs[0]).toMatchObject({ verdict: 'pass', failed_sla: [], known_sla: ['max_concurrent_primaries'] });
    expect(s.verdict).toBe('pass');
    expect(toSummaryMarkdown(s)).toContain('| kill-primary | 1 | ✅ pass | 20.0 s | 0 | 1 |  | max_concurrent_primaries | [report](kill-primary-1/report.md) |');
  });

  it('lets a scenario verdict over the iterations override its passing runs, and an error outrank a failure', () => {
    const passing = runs.filter((r) => r.run.scenario.name === 'kill-primary' && r.run.analysis.verdict === 'pass');
    expect(toSummaryJson('nightly', passing).verdict).toBe('pass');
    const s = toSummaryJson('nightly', passing, [{ scenario: 'kill-primary', verdict: 'error', sla_over_iterations: [] }]);
    expect(s.stats['kill-primary']).toMatchObject({ verdict: 'error', pass: 2, fail: 0, flaky: false, failed_iterations: [] });
    expect(s.verdict).toBe('error');
  });
});
