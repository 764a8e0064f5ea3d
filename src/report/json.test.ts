import { describe, expect, it } from 'vitest';
import { toReportJson } from './json.js';
import { END, FIRST_OK_AFTER, INJECT, run } from './test-fixture.js';

describe('toReportJson', () => {
  it('has exactly the contract keys', () => {
    expect(Object.keys(toReportJson(run())).sort()).toEqual([
      'alert_sla', 'alerts', 'checks', 'cluster', 'duration_ms', 'ended_at', 'error', 'evidence', 'iteration', 'known_findings', 'metrics', 'provider',
      'run_id', 'scenario', 'sla', 'started_at', 'timeline', 'verdict', 'versions',
    ]);
  });

  it('carries the run as the contract describes it', () => {
    const r = run();
    const json = toReportJson(r);
    expect(json.verdict).toBe('fail');
    expect(json.scenario).toEqual({
      name: 'kill-primary', description: 'Crash the primary node; a replica must take over.',
      file: '/work/scenarios/kill-primary.yaml', tags: ['nightly', 'failover'],
    });
    expect(json.provider).toBe('local');
    expect(json.versions).toEqual({ postgres: '15.8', patroni: '3.3.2', etcd: '3.5.16', haproxy: null });
    expect(json.started_at).toBe('2025-01-15T10:00:00.000Z');
    expect(json.ended_at).toBe('2025-01-15T10:01:15.000Z');
    expect(json.duration_ms).toBe(END);
    expect(json.cluster).toEqual({ ttl: 30, loop_wait: 10, retry_timeout: 10, replication: 'synchronous', maximum_lag_on_failover: 1048576 });
    expect(json.metrics).toBe(r.analysis.metrics);
    expect(json.metrics.rto_ms).toBe(FIRST_OK_AFTER - INJECT);
    expect(json.checks).toEqual([{ name: 'set', valid: false }, { name: 'split-brain', valid: true }]);
    expect(json.error).toBeNull();
    expect(json.iteration).toBe(1);
  });

  it('lists SLA lines without undefined fields', () => {
    const sla = toReportJson(run()).sla;
    expect(sla).toEqual([
      { metric: 'rto_ms', threshold: '< 30s', observed: 41_230, pass: false, status: 'fail', source: '002 "RTO < 30 seconds"' },
      { metric: 'lost_writes', threshold: '== 0', observed: 2, pass: false, status: 'fail', source: '002 "RPO: 0 seconds"' },
      { metric: 'max_concurrent_primaries', threshold: '<= 1', observed: 1, pass: true, status: 'pass' },
    ]);
    expect(Object.keys(sla[2] ?? {})).not.toContain('source');
  });

  it('lists the known findings of the run with what became of them', () => {
    const r = run();
    const finding = { scenario: 'kill-primary', metric: 'rto_ms' as const, versions: { patroni: '< 3.0.3' }, reason: 'r', reference: 'ref', up_to: '60s' };
    const json = toReportJson({ ...r, analysis: { ...r.analysis, known: [{ finding, status: 'reproduced' }] } });
    expect(json.known_findings).toEqual([{ ...finding, status: 'reproduced' }]);
    expect(toReportJson(r).known_findings).toEqual([]);
  });

  it('reports a harness error as verdict error, whatever the checks said', () => {
    const json = toReportJson(run({ harnessError: { code: 'PORT_IN_USE', message: 'port 5000 is in use' } }));
    expect(json.verdict).toBe('error');
    expect(json.error).toEqual({ code: 'PORT_IN_USE', message: 'port 5000 is in use' });
  });

  it('survives a JSON round trip unchanged', () => {
    const json = toReportJson(run());
    expect(JSON.parse(JSON.stringify(json))).toStrictEqual(json);
  });
});
