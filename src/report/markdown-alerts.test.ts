import { describe, expect, it } from 'vitest';
import { alertsReport, loadDocumentedRules } from '../alerts/report.js';
import { clusterScrape } from '../alerts/test-support.js';
import { alertsSection } from './markdown-alerts.js';
import type { AlertEvaluationEvent } from '../history/events.js';
import { toMarkdown } from './markdown.js';
import { run } from './test-fixture.js';

const report = (down: string[] = []) => alertsReport({ files: loadDocumentedRules(), scrapes: [clusterScrape({ patroni: '4.0.7', scope: 'chaos-x', down, at: 2500 })], scope: 'chaos-x', startedAt: 0 });

describe('alertsSection', () => {
  const md = alertsSection(report());

  it('says first that it is reported, not judged, and what was scraped', () => {
    expect(md.split('\n')[0]).toMatch(/^_Reported, not judged: .*_ .*3 of 3 Patroni and 3 of 3 etcd targets read, scraped at \+2\.5 s/);
  });

  it('lists the rules that can never fire first, with the missing series', () => {
    const never = md.indexOf('can never fire');
    const can = md.indexOf('can fire** (every series');
    expect(never).toBeGreaterThan(0);
    expect(can).toBeGreaterThan(never);
    expect(md).toMatch(/\| PostgresNoLeader \| sum\(patroni_master\{scope="email-cluster"\}\) == 0 \| patroni_master\{scope="email-cluster"\}: no target exports patroni_master \(the Patroni scraped exports patroni_primary in its place\)/);
    expect(md).toContain('pg_stat_activity_count: no target exports pg_stat_activity_count (needs postgres_exporter, not run by this topology)');
    expect(md).toContain('`PostgresNodeUnhealthy`');
  });

  it('says what was adapted to read the rules', () => {
    expect(md).toContain('scenarios/alerts/patroni-alerts-002.yml: Prometheus would not load it as written: a bare list of rules');
    expect(md).toContain('- severity moved under labels: Prometheus rejects unknown rule fields: PatroniPrimaryDown, PatroniReplicationLagHigh, PatroniSyncReplicationBroken, EtcdQuorumLost');
    expect(md).toMatch(/- scope="email-cluster" read as the run's scope "chaos-x": PostgresNoLeader, .*PostgresNodeUnhealthy/);
  });

  it('a target not read: its rules could not be settled, and the error is listed', () => {
    const down = alertsSection(report(['etcd1', 'etcd2', 'etcd3']));
    expect(down).toMatch(/\*\*2 could not be settled:\*\*/);
    expect(down).toMatch(/\| EtcdUnhealthy \| etcd_server_has_leader == 0 \|/);
    expect(down).toContain('- etcd etcd1 at +2.5 s: connect ECONNREFUSED');
  });
});

describe('toMarkdown', () => {
  it('has a "Documented alerts" section only when the run scraped', () => {
    expect(toMarkdown(run())).not.toContain('## Documented alerts');
    expect(toMarkdown(run({ alerts: report() }))).toContain('## Documented alerts\n\n_Reported, not judged');
  });
});

describe('alertsSection: what the run\'s Prometheus evaluated', () => {
  const evaluation: AlertEvaluationEvent = {
    kind: 'alert-evaluation', t: 90_000, evaluated: true, from: 1000, to: 89_000, interval_ms: 1000, targets: [{ job: 'patroni', instance: 'a:1', health: 'down', last_error: 'connection refused' }], adapted: ['x: scope adapted'],
    rules: [{ name: 'PostgresNoLeader', file: 'f', severity: 'critical', health: 'ok', intervals: [{ state: 'pending', from: 11_000, to: 71_000 }, { state: 'firing', from: 71_000, to: 80_000 }] }],
    notifications: [{ at: 71_500, status: 'firing', alerts: [{ alertname: 'PostgresNoLeader', status: 'firing', severity: 'critical', starts_at: '', ends_at: '' }] }],
  };
  const withEval = (e: AlertEvaluationEvent | undefined) => alertsReport({ files: loadDocumentedRules(), scrapes: [clusterScrape({ patroni: '3.0.2', scope: 'chaos-x', at: 2500 })], scope: 'chaos-x', startedAt: 0, ...(e === undefined ? {} : { evaluation: e }), firstFaultAt: 10_000 });

  it('per rule: its pending and firing stretches, when it fired after the fault, the notifications, the targets down', () => {
    const a = withEval(evaluation);
    expect(a.rules.find((r) => r.name === 'PostgresNoLeader')).toMatchObject({ evaluated_by: 'prometheus', first_fired_ms: 71_000, first_fired_after_fault_ms: 61_000, resolved_ms: 80_000 });
    const md = alertsSection(a);
    expect(md).toContain('| `PostgresNoLeader` | critical | ok | pending +11.0 s → +71.0 s; firing +71.0 s → +80.0 s | 1 min 01 s |');
    expect(md).toContain('- +71.5 s: firing `PostgresNoLeader` (critical)');
    expect(md).toContain('Targets not up at the end: patroni a:1 (down: connection refused)');
    expect(md).toContain('- x: scope adapted');
  });

  it('without an evaluation says so, and no rule reads as never fired', () => {
    const a = withEval(undefined);
    expect(a.evaluated_by).toBeNull();
    expect(a.rules.every((r) => r.fired === null && r.first_fired_ms === null)).toBe(true);
    expect(alertsSection(a)).toContain('**Not evaluated:** this run had no Prometheus');
    const failed = withEval({ ...evaluation, evaluated: false, why: 'Prometheus restarted during the run' });
    expect(failed.rules.every((r) => r.fired === null)).toBe(true);
    expect(alertsSection(failed)).toContain('**Not evaluated:** Prometheus restarted during the run');
  });
});

describe('toMarkdown: alert lines', () => {
  it('lists each line, and a run failed only by an alert line says which in its headline', () => {
    const base = run();
    const alertSla = [{ rule: 'EtcdUnhealthy', threshold: 'never fires', observed_ms: 1000, pass: false, status: 'fail' as const, note: 'EtcdUnhealthy fired 1 time(s)', core: true }];
    const r = run({ analysis: { ...base.analysis, sla: base.analysis.sla.map((s) => ({ ...s, status: 'pass' as const, pass: true })), checks: [], alertSla, verdict: 'fail' } });
    const md = toMarkdown(r);
    expect(md).toContain('**Verdict fail: alert line EtcdUnhealthy "never fires" violated (EtcdUnhealthy fired 1 time(s)).**');
    expect(md).toContain('## Alert lines\n\n| rule | line | status | observed | what was seen |');
    expect(md).toContain('| `EtcdUnhealthy` | never fires (every run without a fault) | ❌ fail | 1.0 s | EtcdUnhealthy fired 1 time(s) |');
    expect(toMarkdown(run())).not.toContain('## Alert lines');
  });
});
