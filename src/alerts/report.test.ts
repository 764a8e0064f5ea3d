import { describe, expect, it } from 'vitest';
import { judgeRule } from './evaluator.js';
import { observe } from './observed.js';
import { alertsReport, loadDocumentedRules, type AlertsReport } from './report.js';
import type { AlertRule } from './rules.js';
import { clusterScrape, observedCluster } from './test-support.js';

const SCOPE = 'chaos-r1';
const files = loadDocumentedRules();
const report = (o: Parameters<typeof clusterScrape>[0], more: Parameters<typeof clusterScrape>[0][] = []): AlertsReport =>
  alertsReport({ files, scrapes: [clusterScrape(o), ...more.map(clusterScrape)], scope: SCOPE, startedAt: 0 });
const verdicts = (r: AlertsReport) => Object.fromEntries(r.rules.map((x) => [x.name, x.can_fire]));
const rule = (r: AlertsReport, name: string) => r.rules.find((x) => x.name === name);

describe('the documented rules against Patroni 3.0.2 and etcd', () => {
  const r = report({ patroni: '3.0.2', scope: SCOPE });

  it('names the rules that can never fire and those that can', () => {
    expect(verdicts(r)).toEqual({
      PostgresReplicationLag: false, PostgresReplicationLagCritical: false, PostgresConnectionsHigh: false,
      PatroniPrimaryDown: false, PatroniReplicationLagHigh: false, PatroniSyncReplicationBroken: false,
      PostgresNoLeader: true, PostgresNodeUnhealthy: true, PostgresInsufficientReplicas: true, EtcdUnhealthy: true, EtcdQuorumLost: true,
    });
    // can-never-fire first
    expect(r.rules.findIndex((x) => x.can_fire === true)).toBe(6);
  });

  it('says which series is missing and why', () => {
    expect(rule(r, 'PostgresReplicationLag')?.missing).toEqual([{ selector: 'patroni_replication_lag{scope="email-cluster"}', why: expect.stringMatching(/^no target exports patroni_replication_lag \(3 Patroni and 3 etcd targets read\)$/) }]);
    expect(rule(r, 'PostgresConnectionsHigh')?.missing[0]?.why).toBe('no target exports pg_stat_activity_count (needs postgres_exporter, not run by this topology)');
    expect(rule(r, 'PatroniPrimaryDown')?.missing[0]?.why).toMatch(/^role absent: no patroni_postgres_running series has a role label \(theirs: instance, scope\)/);
  });

  it('reads scope="email-cluster" as the run\'s scope, and says so', () => {
    expect(rule(r, 'PostgresNoLeader')?.adapted).toEqual([`scope="email-cluster" read as the run's scope "${SCOPE}"`]);
    expect(rule(r, 'EtcdUnhealthy')?.adapted).toEqual([]);
    expect(rule(r, 'PatroniPrimaryDown')?.adapted).toEqual(['severity moved under labels: Prometheus rejects unknown rule fields']);
  });

  it('is reported, not judged', () => {
    expect(r.judged).toBe(false);
    expect(r.note).toMatch(/not judged/);
    expect(r.rule_files.map((f) => [f.file, f.loadable])).toEqual([['scenarios/alerts/postgresql-alerts.yml', true], ['scenarios/alerts/patroni-alerts-002.yml', false]]);
  });
});

describe('the documented rules against Patroni 4.0.7', () => {
  it('PostgresNoLeader can never fire: patroni_master is gone, patroni_primary in its place', () => {
    const r = report({ patroni: '4.0.7', scope: SCOPE });
    expect(rule(r, 'PostgresNoLeader')?.can_fire).toBe(false);
    expect(rule(r, 'PostgresNoLeader')?.missing[0]?.why).toBe('no target exports patroni_master (the Patroni scraped exports patroni_primary in its place)');
    expect(rule(r, 'PatroniPrimaryDown')?.missing[0]?.why).toMatch(/theirs: instance, name, scope/);
    expect(rule(r, 'PostgresNodeUnhealthy')?.can_fire).toBe(true);
  });

  it('a series seen in either scrape counts: 3.0.2 at the start, 4.0.7 at the end', () => {
    const r = report({ patroni: '4.0.7', scope: SCOPE }, [{ patroni: '3.0.2', scope: SCOPE, at: 5000 }]);
    expect(rule(r, 'PostgresNoLeader')?.can_fire).toBe(true);
    expect(r.scrape.at_ms).toEqual([1000, 5000]);
  });
});

describe('scope', () => {
  it('a cluster of another scope does not satisfy the adapted matcher', () => {
    const r = report({ patroni: '3.0.2', scope: 'someone-else' });
    expect(rule(r, 'PostgresNodeUnhealthy')?.can_fire).toBe(false);
    expect(rule(r, 'PostgresNodeUnhealthy')?.missing[0]?.why).toBe(`scope="${SCOPE}" excludes every patroni_postgres_running series: their scope is "someone-else"`);
  });
});

describe('a target that could not be scraped', () => {
  it('rules that need its series are unknown, never can/cannot fire; the others stand', () => {
    const r = report({ patroni: '3.0.2', scope: SCOPE, down: ['pg1', 'pg2', 'pg3'] });
    expect(verdicts(r)).toMatchObject({ PostgresNoLeader: null, PostgresNodeUnhealthy: null, PostgresReplicationLag: null, PatroniPrimaryDown: null, EtcdUnhealthy: true, PostgresConnectionsHigh: false });
    expect(r.scrape.errors).toHaveLength(3);
    expect(r.scrape.targets.filter((t) => !t.scraped).map((t) => t.name)).toEqual(['pg1', 'pg2', 'pg3']);
    expect(rule(r, 'PostgresNodeUnhealthy')?.reason).toMatch(/could hold it: patroni pg1 \(connect ECONNREFUSED\)/);
  });

  it('all etcd members down: the etcd rules are unknown', () => {
    const r = report({ patroni: '3.0.2', scope: SCOPE, down: ['etcd1', 'etcd2', 'etcd3'] });
    expect(verdicts(r)).toMatchObject({ EtcdUnhealthy: null, EtcdQuorumLost: null, PostgresNodeUnhealthy: true, PostgresReplicationLag: false });
  });

  it('a target read at the end after failing at the start counts as read', () => {
    const r = report({ patroni: '3.0.2', scope: SCOPE, down: ['etcd1', 'etcd2', 'etcd3'] }, [{ patroni: '3.0.2', scope: SCOPE }]);
    expect(verdicts(r)).toMatchObject({ EtcdUnhealthy: true });
    expect(r.scrape.targets.every((t) => t.scraped)).toBe(true);
    expect(r.scrape.errors).toHaveLength(3);
  });

  it('no scrape at all: every rule that reads a series is unknown', () => {
    const r = alertsReport({ files, scrapes: [], scope: SCOPE, startedAt: 0 });
    // nothing was even attempted: nothing may be called missing but what no target of this topology exports
    expect(r.rules.filter((x) => x.can_fire !== null).map((x) => [x.name, x.can_fire])).toEqual([['PostgresConnectionsHigh', false]]);
  });
});

describe('judgeRule', () => {
  const base: AlertRule = { name: 'X', expr: '', labels: {}, annotations: {}, file: 'f', source: 's', adapted: [] };

  it('an unparseable expression is unknown with the syntax error, never fine', () => {
    const f = judgeRule({ ...base, expr: 'sum(patroni_master{scope="email-cluster"' }, observedCluster({ patroni: '3.0.2', scope: SCOPE }), SCOPE);
    expect(f.can_fire).toBe(null);
    expect(f.reason).toMatch(/^unparseable: syntax error/);
  });

  it('lists a missing selector even where the other side of or lets the rule fire', () => {
    const f = judgeRule({ ...base, expr: 'patroni_master or patroni_replication_lag' }, observe([clusterScrape({ patroni: '3.0.2', scope: SCOPE })]), SCOPE);
    expect(f.can_fire).toBe(true);
    expect(f.missing.map((m) => m.selector)).toEqual(['patroni_replication_lag']);
  });
});
