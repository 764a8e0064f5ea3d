import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOCUMENTED_RULE_FILES, isAlertRuleFile, loadRuleFile, ruleFileFromText } from './rules.js';

const [runbook, design] = DOCUMENTED_RULE_FILES.map((f) => loadRuleFile(f.path, f.label));

describe('the shipped rule files', () => {
  it('001\'s postgresql-alerts.yml: seven rules, loadable as written, traced to its lines', () => {
    expect(runbook?.loadable).toBe(true);
    expect(runbook?.source).toMatch(/^seeds\/001_20393fe0656c0131\.txt lines 595-667/);
    expect(runbook?.rules.map((r) => r.name)).toEqual(['PostgresNoLeader', 'PostgresReplicationLag', 'PostgresReplicationLagCritical', 'PostgresNodeUnhealthy', 'PostgresInsufficientReplicas', 'EtcdUnhealthy', 'PostgresConnectionsHigh']);
    expect(runbook?.rules[0]).toMatchObject({ expr: 'sum(patroni_master{scope="email-cluster"}) == 0', for: '1m', labels: { severity: 'critical' }, adapted: [], file: 'scenarios/alerts/postgresql-alerts.yml' });
    expect(runbook?.rules.at(-1)?.expr).toBe('pg_stat_activity_count > 180');
  });

  it('002\'s list: four rules read, the file not loadable, and each rule says what was adapted', () => {
    expect(design?.loadable).toBe(false);
    expect(design?.source).toMatch(/^seeds\/002_9085b866a7575f48\.txt lines 780-799/);
    expect(design?.adapted).toEqual([expect.stringContaining('bare list')]);
    expect(design?.rules.map((r) => [r.name, r.expr])).toEqual([
      ['PatroniPrimaryDown', 'patroni_postgres_running{role="primary"} == 0'],
      // the YAML comment "# 100MB" is not part of the expression
      ['PatroniReplicationLagHigh', 'patroni_replication_lag_bytes > 100000000'],
      ['EtcdQuorumLost', 'etcd_server_has_leader == 0'],
      ['PatroniSyncReplicationBroken', 'patroni_postgres_streaming_replicas{sync="sync"} == 0'],
    ]);
    for (const r of design?.rules ?? []) {
      expect(r.adapted).toEqual(['severity moved under labels: Prometheus rejects unknown rule fields']);
      expect(r.labels['severity']).toMatch(/^(critical|warning)$/);
    }
  });
});

describe('ruleFileFromText', () => {
  const head = '# source: seeds/x lines 1-2\n';

  it('refuses a file that does not name its source', () => {
    expect(() => ruleFileFromText('groups: []\n', 'f.yml')).toThrow(/source/);
  });

  it('names the file and the field of a malformed rule', () => {
    expect(() => ruleFileFromText(`${head}groups:\n  - name: g\n    rules:\n      - alert: A\n`, 'f.yml')).toThrow(/f\.yml: groups\.0\.rules\.0\.expr/);
    expect(() => ruleFileFromText(`${head}nope: 1\n`, 'f.yml')).toThrow(/f\.yml/);
  });

  it('an unknown field that is not a string is dropped and said so; recording rules are named, not reported on', () => {
    const f = ruleFileFromText(`${head}groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n        runbook: [x]\n      - record: r:x\n        expr: sum(up)\n`, 'f.yml');
    expect(f.rules).toHaveLength(1);
    expect(f.rules[0]?.adapted).toEqual(['runbook dropped: Prometheus rejects unknown rule fields']);
    expect(f.adapted).toEqual(['recording rules not reported on: r:x']);
    expect(f.loadable).toBe(false);
  });

  it('a field that collides with a label is dropped, not overwriting it', () => {
    const f = ruleFileFromText(`${head}- alert: A\n  expr: up == 0\n  labels: {severity: page}\n  severity: critical\n`, 'f.yml');
    expect(f.rules[0]?.labels).toEqual({ severity: 'page' });
    expect(f.rules[0]?.adapted).toEqual(['severity dropped: Prometheus rejects unknown rule fields']);
  });
});

describe('isAlertRuleFile', () => {
  it('tells the shipped rule files from scenarios', () => {
    for (const f of DOCUMENTED_RULE_FILES) expect(isAlertRuleFile(readFileSync(f.path, 'utf8')), f.label).toBe(true);
    expect(isAlertRuleFile('name: kill-primary\nsteps:\n  - wait_for: healthy\n')).toBe(false);
    expect(isAlertRuleFile('suite: nightly\nscenarios: [a.yaml]\n')).toBe(false);
  });
});
