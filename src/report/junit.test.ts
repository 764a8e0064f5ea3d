import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../checks/metrics.js';
import { verdictOf } from '../checks/verdict.js';
import type { SlaResult, SlaStatus } from '../sla/types.js';
import { runJunit, suiteJunit } from './junit.js';
import { passingRun, run } from './test-fixture.js';

describe('runJunit', () => {
  const xml = runJunit(run());

  it('has one testsuite with a testcase per SLA line, per check, and harness', () => {
    expect(xml.match(/<testsuite /g)).toHaveLength(1);
    expect(xml).toContain('<testsuite name="kill-primary #1" tests="6" failures="2" errors="0" skipped="1" time="75.000" timestamp="2025-01-15T10:00:00">');
    expect(xml.match(/<testcase /g)).toHaveLength(6);
    expect(xml).toContain('<testcase classname="patroni-chaos.kill-primary#1" name="harness" time="75.000"/>');
  });

  it('fails a violated SLA line with the observed value and the threshold', () => {
    expect(xml).toContain('<failure message="rto_ms observed 41.2 s violates &lt; 30s" type="sla">');
    expect(xml).toContain('<testcase classname="patroni-chaos.kill-primary#1" name="sla max_concurrent_primaries &lt;= 1" time="0.000"/>');
  });

  it('reports an unmeasured metric as a failure that says so', () => {
    const r = run();
    const unmeasured = runJunit({ ...r, analysis: { ...r.analysis, sla: [{ metric: 'rto_ms', threshold: '< 30s', observed: null, pass: false, status: 'fail' }] } });
    expect(unmeasured).toContain('message="rto_ms not measured (required &lt; 30s)"');
  });

  it('makes harness an error when the run errored, escaping <, &, and quotes', () => {
    const errored = runJunit(run({ harnessError: { code: 'PORT_IN_USE', message: `port <5000> & "haproxy" isn't free\u0007` } }));
    expect(errored).toContain('<error message="port &lt;5000&gt; &amp; &quot;haproxy&quot; isn&apos;t free\uFFFD" type="PORT_IN_USE">');
    // A run that could not complete fails nothing: its failed lines are errors too, as its verdict is.
    expect(errored).toMatch(/tests="6" failures="0" errors="3"/);
    // No raw markup characters inside any attribute value.
    for (const [, value] of errored.matchAll(/="([^"]*)"/g)) expect(value).not.toMatch(/[<&](?!(amp|lt|gt|quot|apos);)/);
  });

  it('makes an unknown check an error rather than a failure', () => {
    const r = run();
    const unknown = runJunit({ ...r, analysis: { ...r.analysis, checks: [{ name: 'set', valid: 'unknown', error: 'boom' }] } });
    expect(unknown).toContain('<error message="check set unknown: boom" type="check">boom</error>');
  });
});

describe('junit.xml and the exit code never disagree (issue 11, case 6)', () => {
  const failuresOf = (xml: string) => Number(/<testsuite [^>]*failures="(\d+)"/.exec(xml)?.[1]);

  it('skips a known finding with its reason: no failure, as the verdict passes', () => {
    const r = passingRun(20_000);
    const known = { metric: 'max_concurrent_primaries' as const, threshold: '<= 1', observed: 2, pass: false, status: 'known' as const, known: { reason: 'orphaned primary', reference: 'Patroni 3.1.2', reproduced: true } };
    const xml = runJunit({ ...r, analysis: { ...r.analysis, sla: [...r.analysis.sla, known], verdict: 'pass' } });
    expect(failuresOf(xml)).toBe(0);
    expect(xml).toContain('<skipped message="known finding: max_concurrent_primaries observed 2 violates &lt;= 1; orphaned primary (Patroni 3.1.2)"/>');
  });

  it('fails a run on a failed core line (keys nobody wrote), as the verdict does', () => {
    const r = passingRun(20_000);
    const unexpected = { metric: 'unexpected_writes' as const, threshold: '== 0', observed: 3, pass: false, status: 'fail' as const, core: true };
    expect(failuresOf(runJunit({ ...r, analysis: { ...r.analysis, sla: [...r.analysis.sla, unexpected], verdict: 'fail' } }))).toBe(1);
  });

  it('makes a line that could not be judged an error, not a failure, as the verdict does', () => {
    const r = passingRun(20_000);
    const unknown = { metric: 'convergence_ms' as const, threshold: '< 5m', observed: null, pass: false, status: 'unknown' as const, core: true };
    const xml = runJunit({ ...r, analysis: { ...r.analysis, sla: [...r.analysis.sla, unknown], verdict: verdictOf([...r.analysis.sla, unknown], r.analysis.checks) } });
    expect(failuresOf(xml)).toBe(0);
    expect(xml).toMatch(/<testsuite [^>]*errors="1"/);
    expect(xml).toContain('<error message="convergence_ms not measured (required &lt; 5m)" type="sla-unknown">');
  });

  it('has failures exactly when the verdict is fail, whatever mix of line statuses and checks', () => {
    const r = passingRun(20_000);
    const line = (status: SlaStatus, core = false): SlaResult => ({
      metric: 'unexpected_writes', threshold: '== 0', observed: status === 'pass' ? 0 : status === 'unknown' ? null : 3, pass: status === 'pass', status,
      ...(status === 'deferred' ? { stat: 'p95' as const } : {}), ...(core ? { core } : {}),
      ...(status === 'known' ? { known: { reason: 'r', reference: 'ref', reproduced: true } } : {}),
    });
    const statuses: SlaStatus[] = ['pass', 'fail', 'unknown', 'known', 'deferred'];
    const checkSets: CheckResult[][] = [[{ name: 'set', valid: true }], [{ name: 'set', valid: false, error: 'lost' }], [{ name: 'set', valid: 'unknown', error: 'no read' }]];
    for (const a of statuses) for (const b of statuses) for (const checks of checkSets) {
      const sla = [line(a), line(b, true)];
      const verdict = verdictOf(sla, checks);
      const xml = runJunit({ ...r, analysis: { ...r.analysis, sla, checks, verdict } });
      expect(failuresOf(xml) > 0, `${a}, ${b} (core), check ${String(checks[0]?.valid)}: verdict ${verdict}`).toBe(verdict === 'fail');
      if (verdict === 'error') expect(xml).toMatch(/<testsuite [^>]*errors="[1-9]/);
      if (a === 'known' || b === 'known') expect(Number(/<testsuite [^>]*skipped="(\d+)"/.exec(xml)?.[1])).toBeGreaterThanOrEqual(1);
    }
  });

  it('skips an invalid check that no line failed on (async loss within the RPO) rather than failing it', () => {
    const r = passingRun(20_000);
    const xml = runJunit({ ...r, analysis: { ...r.analysis, checks: [{ name: 'set', valid: false, error: '3 acknowledged writes lost' }] } });
    expect(failuresOf(xml)).toBe(0);
    expect(xml).toContain('check set invalid, judged by the SLA lines: 3 acknowledged writes lost');
  });

  it('shows a line deferred to the iterations as skipped, and the line over the iterations in the suite', () => {
    const r = passingRun(20_000);
    const deferred = { metric: 'unavailability_ms' as const, threshold: '<= 5s', observed: 5040, pass: false, status: 'deferred' as const, stat: 'p95' as const };
    expect(failuresOf(runJunit({ ...r, analysis: { ...r.analysis, sla: [deferred] } }))).toBe(0);
    const over = { ...deferred, observed: 5300, status: 'fail' as const, note: '1 of 4 iterations within <= 5s' };
    const xml = suiteJunit([r], 'nightly', [{ scenario: 'kill-primary', verdict: 'fail', sla_over_iterations: [over] }]);
    expect(xml).toContain('<testsuite name="kill-primary over 1 iterations" tests="1" failures="1"');
  });
});

describe('suiteJunit', () => {
  it('combines the runs under one testsuites with totals', () => {
    const xml = suiteJunit([run(), passingRun(20_000, { iteration: 2 }), run({ iteration: 3, harnessError: { code: 'E', message: 'x' } })], 'nightly');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="nightly" tests="15" failures="2" errors="3" time="225.000">')).toBe(true);
    expect(xml.match(/<testsuite /g)).toHaveLength(3);
    expect(xml).toContain('<testsuite name="kill-primary #2" tests="3" failures="0" errors="0"');
    expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true);
  });
});
