import { describe, expect, it } from 'vitest';
import { allEvents } from '../history/history.js';
import { toMarkdown } from './markdown.js';
import { passingRun, run } from './test-fixture.js';

const md = toMarkdown(run());
const section = (title: string): string => md.split(`## ${title}\n`)[1]?.split('\n## ')[0] ?? '';

describe('toMarkdown', () => {
  it('titles the report with the verdict and names the violated lines', () => {
    expect(md.startsWith('# ❌ FAIL: kill-primary\n')).toBe(true);
    expect(md).toContain('**2 of 3 SLA lines violated: rto_ms, lost_writes.**');
    expect(toMarkdown(passingRun(18_000)).startsWith('# ✅ PASS: kill-primary\n')).toBe(true);
  });

  it('puts lost writes in the headline even when the run passed (async within its RPO) (issue 11, case 4)', () => {
    const base = passingRun(18_000);
    const lossy = { ...base, analysis: { ...base.analysis, metrics: { ...base.analysis.metrics, lost_writes: 402, rpo_ms: 4_300 } } };
    const text = toMarkdown(lossy);
    expect(text.startsWith('# ✅ PASS')).toBe(true);
    expect(text).toContain('**402 acknowledged writes lost (RPO 4.3 s).**');
  });

  it('names the steps that did not happen in the headline (issue 11, case 2)', () => {
    const base = run();
    const text = toMarkdown({ ...base, analysis: { ...base.analysis, checks: [...base.analysis.checks, { name: 'steps', valid: false, error: 'steps[3] wait_for new-leader (timeout 90 s): timed out after 90 s' }] } });
    expect(text).toContain('**Steps that did not happen: steps[3] wait_for new-leader (timeout 90 s): timed out after 90 s.**');
  });

  it('rounds figures for people, wherever they come from (issue 11, case 11)', () => {
    const base = passingRun(438.908935546875);
    const m = { ...base.analysis.metrics, unavailability_ms: 5_040.123456789, split_brain_ms: 438.908935546875, convergence_ms: 7_811.5263671875 };
    const text = toMarkdown({ ...base, analysis: { ...base.analysis, metrics: m, sla: [{ metric: 'rto_ms', threshold: '< 30s', observed: 438.908935546875, pass: true, status: 'pass' }] } });
    expect(text).not.toMatch(/\d\.\d{4,}/);
  });

  it('rounds the fault phases, latencies, timeline offsets and step durations too', () => {
    const x = 438.908935546875;
    const base = run();
    const m = base.analysis.metrics;
    const metrics = {
      ...m, rto_ms: x, detection_ms: x, promotion_ms: x, reroute_ms: x, unavailability_ms: x, no_leader_ms: x, rpo_ms: x, split_brain_ms: x, convergence_ms: x,
      faults: m.faults.map((f) => ({ ...f, injected_at: f.injected_at + x, detection_ms: x, promotion_ms: x, reroute_ms: x, rto_ms: x })),
      latency: { ...m.latency, before: { count: 69, p50_ms: x / 100, p95_ms: x / 10, p99_ms: x, max_ms: x * 10 } },
    };
    const events = allEvents(base.events).map((e) => (e.kind === 'write' ? { ...e, start: e.start + x, end: e.end + x } : { ...e, t: e.t + x }));
    const sla = base.analysis.sla.map((s) => (s.metric === 'rto_ms' ? { ...s, observed: x } : s));
    const text = toMarkdown({ ...base, startedAt: base.startedAt + x, endedAt: base.endedAt + x, events, analysis: { ...base.analysis, metrics, sla } });
    expect(text).toContain('| rto_ms | < 30s | 439 ms |');
    expect(text).toContain('**2 acknowledged writes lost (RPO 439 ms).**');
    expect(text).not.toMatch(/\d\.\d{4,}/);
    expect(text).not.toContain('438.9');
  });

  it('says when a known finding did not reproduce in this run (they are timing-dependent), without asking to remove it', () => {
    const base = passingRun(18_000);
    const held = { metric: 'max_concurrent_primaries' as const, threshold: '<= 1', observed: 1, pass: true, status: 'pass' as const, known: { reason: 'orphaned primary', reference: 'Patroni 3.1.2', reproduced: false } };
    const text = toMarkdown({ ...base, analysis: { ...base.analysis, sla: [...base.analysis.sla, held] } });
    expect(text).toContain('**Every SLA line held (2).**');
    expect(text).toContain('**Known finding did not reproduce in this run (max_concurrent_primaries held).**');
    expect(text).toContain('| metric | threshold | observed | status | why |');
    expect(text).toContain('| max_concurrent_primaries | <= 1 | 1 | ✅ pass | known finding did not reproduce in this run: orphaned primary (Patroni 3.1.2) |');
    expect(text).not.toContain('remove it');
  });

  it('shows a known finding as known in the headline and the SLA table', () => {
    const base = passingRun(18_000);
    const known = { metric: 'max_concurrent_primaries' as const, threshold: '<= 1', observed: 2, pass: false, status: 'known' as const, known: { reason: 'orphaned primary', reference: 'Patroni 3.1.2', reproduced: true } };
    const text = toMarkdown({ ...base, analysis: { ...base.analysis, sla: [...base.analysis.sla, known] } });
    expect(text).toContain('**Known finding (not counted; --strict counts it): max_concurrent_primaries 2 vs <= 1: orphaned primary (Patroni 3.1.2).**');
    expect(text).toContain('| max_concurrent_primaries | <= 1 | 2 | 🟡 known finding |');
  });

  it('says in the SLA table what a known finding covers: its bound and its fault', () => {
    const base = passingRun(18_000);
    const known = { metric: 'max_concurrent_primaries' as const, threshold: '<= 1', observed: 2, pass: false, status: 'known' as const, known: { reason: 'frozen primary', reference: 'Patroni 3.0.3', reproduced: true, up_to: '2', fault: 'stop' } };
    const text = toMarkdown({ ...base, analysis: { ...base.analysis, sla: [...base.analysis.sla, known] } });
    expect(text).toContain('| 🟡 known finding | known finding (up to 2, in stop faults): frozen primary (Patroni 3.0.3) |');
  });

  it('lists the steps with the members the targets resolved to', () => {
    const steps = section('What was done');
    expect(steps).toContain('| 3 | fault kill primary → pg-1 | +7.0 s | 40 ms | ✅ |');
    expect(steps).toContain('| 5 | heal all → pg-1 | +55.0 s | 900 ms | ✅ |');
    expect(steps).toContain('| 4 | wait_for writable | +7.0 s | 41.2 s | ✅ |');
  });

  it('marks steps that never ran', () => {
    const r = run();
    const cut = toMarkdown({ ...r, events: allEvents(r.events).filter((e) => !(e.kind === 'step' && e.index >= 4)) });
    expect(cut).toContain('| 5 | heal all |  |  | not run |');
  });

  it('has a short timeline of what was seen, with offsets in seconds', () => {
    const seen = section('What was seen');
    expect(seen).toContain('| +7.0 s | fault f1: inject kill on pg-1 (primary), SIGKILL postgres & patroni; effect: pg-1: PIDs 4711, 4712 gone |');
    expect(seen).toContain('| +35.0 s | etcd: no leader key |');
    expect(seen).toContain('| +39.0 s | pg-2: primary (Patroni primary, not in recovery, timeline 2) |');
    expect(seen).toContain('| +7.3 s | 205 writes failed over 40.8 s: connection refused |');
    expect(seen).not.toContain('step');
  });

  it('has the SLA table with formatted observations', () => {
    const sla = section('SLA');
    expect(sla).toContain('| rto_ms | < 30s | 41.2 s | ❌ fail | source: 002 "RTO < 30 seconds" |');
    expect(sla).toContain('| lost_writes | == 0 | 2 | ❌ fail | source: 002 "RPO: 0 seconds" |');
    expect(sla).toContain('| max_concurrent_primaries | <= 1 | 1 | ✅ pass |  |');
  });

  it('sets the measured phases next to the documented timeline', () => {
    const phases = section('Failover phases against the documented timeline');
    expect(phases).toContain('### Fault `f1` (kill): leader pg-1 → pg-2\n\nEffect observed: pg-1: PIDs 4711, 4712 gone.\n\n| phase |');
    expect(phases).toContain('| detection (leader key gone or changed in etcd) | 28.0 s | < 10 s (003); 5-10 s (002) |');
    expect(phases).toContain('| election + promotion (new leader out of recovery) | 4.0 s | 2-5 s + 3-5 s (002) |');
    expect(phases).toContain('| HAProxy re-route (first write acknowledged by the leader the fault left) | 9.2 s | 6 s (002) |');
    expect(phases).toContain('a fenced old primary that goes on acknowledging, even past the heal, is no recovery');
    expect(phases).toContain('| total RTO (the write outage the fault caused) | 41.2 s | < 30 s (002, 003); ~30-45 s (001 runbook, ttl 30 / loop_wait 10); 30-60 s (004) |');
  });

  it('gives each fault its leader-key owner changes, unknown when not counted, also in a report written before the figure existed', () => {
    expect(section('Failover phases against the documented timeline')).toContain('Leader-key owner changes from this injection to the next: 1.');
    const base = run();
    const m = base.analysis.metrics;
    const fault = m.faults[0];
    if (fault === undefined) throw new Error('the fixture has a fault');
    const unknown = { ...base, analysis: { ...base.analysis, metrics: { ...m, faults: [{ ...fault, leader_changes: null }] } } };
    expect(toMarkdown(unknown)).toContain('Leader-key owner changes from this injection to the next: unknown (no read of the leader key showed who held it).');
    const { leader_changes: _absent, ...older } = fault;
    const old = { ...base, analysis: { ...base.analysis, metrics: { ...m, faults: [older as typeof fault] } } };
    expect(toMarkdown(old)).toContain('from this injection to the next: unknown');
    const noFault = { ...base, analysis: { ...base.analysis, metrics: { ...m, faults: [], leader_changes: 0 } } };
    expect(toMarkdown(noFault)).toContain('Leader-key owner changes over the run: 0.');
  });

  it('shows write counts, latency per window and the data-loss samples', () => {
    const writes = section('Writes');
    expect(writes).toContain('| 534 | 327 | 205 | 2 | 41.3 s |');
    expect(writes).toContain('| before the fault | 69 | 4.2 ms | 7.9 ms | 12 ms | 14 ms |');
    expect(writes).toContain('| during | 0 | — | — | — | — |');
    expect(writes).toContain('| after the heal | 258 | 4.6 ms | 9.1 ms | 1.3 s | 1.8 s |');
    expect(section('Data-loss samples')).toContain('- lost (acknowledged, absent from the final read): 2, keys 68, 69');
    expect(toMarkdown(passingRun(18_000))).not.toContain('Data-loss samples');
  });

  it('shows cluster settings, versions and where the logs are', () => {
    const cluster = section('Cluster');
    expect(cluster).toContain('| ttl | 30 |');
    expect(cluster).toContain('| haproxy | unknown |');
    expect(section('Logs')).toContain('[`logs`](logs)');
    expect(toMarkdown(run({ logsDir: undefined }))).toContain('No component logs were collected');
  });

  it('puts the harness error first when the run errored, escaping table-breaking text', () => {
    const errored = toMarkdown(run({ harnessError: { code: 'CLUSTER_UNHEALTHY', message: 'pg-2 never became healthy' } }));
    expect(errored.startsWith('# ⚠️ ERROR: kill-primary\n')).toBe(true);
    const first = errored.indexOf('## ');
    expect(errored.slice(first)).toMatch(/^## Harness error\n\n[^#]*\*\*CLUSTER_UNHEALTHY\*\*: pg-2 never became healthy/);
    const piped = toMarkdown(run({ analysis: { ...run().analysis, checks: [{ name: 'set', valid: 'unknown', error: 'a | b\nc' }] } }));
    expect(piped).toContain('| set | ❔ unknown | a \\| b c |');
  });

  it('shows that the scenario\'s Patroni settings were in force before the first step when the cluster booted with others', () => {
    const r = run();
    const firstStep = allEvents(r.events).find((e) => e.kind === 'step' && e.phase === 'start');
    if (firstStep?.kind !== 'step') throw new Error('the fixture has steps');
    const inForce = (offset: number) => ({
      verifiedAt: new Date(firstStep.t + offset).toISOString(), boot: { loop_wait: 1 },
      values: { ttl: 30, loop_wait: 10, retry_timeout: 10 }, configFrom: 'patroni1', appliedOn: ['patroni1', 'patroni2', 'patroni3'],
    });
    const before = toMarkdown({ ...r, clusterConfig: { ...r.clusterConfig, in_force: inForce(-500) } });
    expect(before).toMatch(/The scenario's Patroni settings \(ttl 30, loop_wait 10, retry_timeout 10\) were in force on patroni1, patroni2, patroni3 at [^,]+, before the first step \([^)]+\); the cluster booted with loop_wait 1 to start faster\./);
    expect(before).not.toMatch(/\| in_force \|/);
    expect(toMarkdown({ ...r, clusterConfig: { ...r.clusterConfig, in_force: inForce(500) } })).toContain('**after** the first step');
    expect(toMarkdown(r)).not.toContain('were in force');
  });
});
