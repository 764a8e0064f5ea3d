import { describe, expect, it } from 'vitest';
import { runJunit, suiteJunit } from './junit.js';
import { passingRun, run } from './test-fixture.js';

describe('runJunit', () => {
  const xml = runJunit(run());

  it('has one testsuite with a testcase per SLA line, per check, and harness', () => {
    expect(xml.match(/<testsuite /g)).toHaveLength(1);
    expect(xml).toContain('<testsuite name="kill-primary #1" tests="6" failures="3" errors="0" skipped="0" time="75.000" timestamp="2025-01-15T10:00:00">');
    expect(xml.match(/<testcase /g)).toHaveLength(6);
    expect(xml).toContain('<testcase classname="patroni-chaos.kill-primary#1" name="harness" time="75.000"/>');
  });

  it('fails a violated SLA line with the observed value and the threshold', () => {
    expect(xml).toContain('<failure message="rto_ms observed 41230 violates &lt; 30s" type="sla">');
    expect(xml).toContain('<testcase classname="patroni-chaos.kill-primary#1" name="sla max_concurrent_primaries &lt;= 1" time="0.000"/>');
  });

  it('reports an unmeasured metric as a failure that says so', () => {
    const r = run();
    const unmeasured = runJunit({ ...r, analysis: { ...r.analysis, sla: [{ metric: 'rto_ms', threshold: '< 30s', observed: null, pass: false }] } });
    expect(unmeasured).toContain('message="rto_ms not measured (required &lt; 30s)"');
  });

  it('makes harness an error when the run errored, escaping <, &, and quotes', () => {
    const errored = runJunit(run({ harnessError: { code: 'PORT_IN_USE', message: `port <5000> & "haproxy" isn't free\u0007` } }));
    expect(errored).toContain('<error message="port &lt;5000&gt; &amp; &quot;haproxy&quot; isn&apos;t free\uFFFD" type="PORT_IN_USE">');
    expect(errored).toMatch(/tests="6" failures="3" errors="1"/);
    // No raw markup characters inside any attribute value.
    for (const [, value] of errored.matchAll(/="([^"]*)"/g)) expect(value).not.toMatch(/[<&](?!(amp|lt|gt|quot|apos);)/);
  });

  it('makes an unknown check an error rather than a failure', () => {
    const r = run();
    const unknown = runJunit({ ...r, analysis: { ...r.analysis, checks: [{ name: 'set', valid: 'unknown', error: 'boom' }] } });
    expect(unknown).toContain('<error message="check set unknown: boom" type="check">boom</error>');
  });
});

describe('suiteJunit', () => {
  it('combines the runs under one testsuites with totals', () => {
    const xml = suiteJunit([run(), passingRun(20_000, { iteration: 2 }), run({ iteration: 3, harnessError: { code: 'E', message: 'x' } })], 'nightly');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="nightly" tests="15" failures="6" errors="1" time="225.000">')).toBe(true);
    expect(xml.match(/<testsuite /g)).toHaveLength(3);
    expect(xml).toContain('<testsuite name="kill-primary #2" tests="3" failures="0" errors="0"');
    expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true);
  });
});
