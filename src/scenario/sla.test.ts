import { describe, expect, it } from 'vitest';
import { loadScenarioText } from './load.js';
import { issuesOf, minimal } from './test-support.js';

/** A scenario with one fault, so that every metric can be produced. */
const withFault = (extra: string) => `name: s\nsteps:\n  - fault: { action: kill, target: primary }\n${extra}`;
const sla = (yaml: string, replication = 'synchronous') =>
  loadScenarioText(withFault(`cluster: { replication: ${replication} }\n${yaml}`), 's.yaml').sla;

describe('sla', () => {
  it('defaults to the seed-docs metrics, each with its source', () => {
    expect(sla('')).toEqual([
      { metric: 'rto_ms', op: '<', value: 30_000, threshold: '< 30s', source: '002 "RTO < 30 seconds", "Total RTO 15-30s"; 003 "Failover Completion: <30s"' },
      { metric: 'lost_writes', op: '==', value: 0, threshold: '== 0', source: '002 "RPO: 0 seconds (synchronous replication)"' },
      { metric: 'max_concurrent_primaries', op: '<=', value: 1, threshold: '<= 1', source: '002 split-brain protection; 001 split-brain prevention' },
    ]);
  });

  it('judges an asynchronous cluster on rpo instead of lost writes', () => {
    expect(sla('', 'asynchronous').map((r) => [r.metric, r.value])).toEqual([['rto_ms', 30_000], ['rpo_ms', 5_000], ['max_concurrent_primaries', 1]]);
  });

  it('takes a profile name for the whole sla', () => {
    expect(sla('sla: seed-docs-runbook\n').map((r) => [r.metric, r.threshold])).toEqual([
      ['rto_ms', '<= 45s'], ['lost_writes', '== 0'], ['max_concurrent_primaries', '<= 1'],
    ]);
    expect(sla('sla: seed-docs-ops\n')[0]).toEqual({ metric: 'rto_ms', op: '<=', value: 60_000, threshold: '<= 60s', source: '004 "within 30-60 seconds"' });
  });

  it('mixes thresholds, profile figures and sourced thresholds in a map', () => {
    expect(sla('sla:\n  rto_ms: seed-docs-runbook\n  convergence: "< 2m"\n  split_brain: { threshold: "== 0", source: incident 42 }\n  detection: seed-docs\n')).toEqual([
      { metric: 'rto_ms', op: '<=', value: 45_000, threshold: '<= 45s', source: '001 failover timeline "Total failover time: ~30-45 seconds" (ttl 30, loop_wait 10)' },
      { metric: 'convergence_ms', op: '<', value: 120_000, threshold: '< 2m' },
      { metric: 'split_brain_ms', op: '==', value: 0, threshold: '== 0', source: 'incident 42' },
      { metric: 'detection_ms', op: '<', value: 10_000, threshold: '< 10s', source: '003 "Failover Detection: <10s"; 002 detection time 5-10s' },
    ]);
  });

  it('reports a profile that gives no figure for the metric', () => {
    expect(issuesOf(() => sla('sla:\n  lost_writes: seed-docs\n', 'asynchronous'))).toEqual([
      's.yaml:6:3: sla.lost_writes: the documents give no figure for lost_writes under profile seed-docs with asynchronous replication; write a threshold like "< 30s" instead',
    ]);
  });

  it('reports bad entries, each on its line', () => {
    expect(issuesOf(() => sla('sla:\n  rto: "< 30s"\n  rto_ms: "< 20s"\n  lost_writes: 0\n  ghost_writes: { threshold: 5 }\n  spilt_brain: "== 0"\n'))).toEqual([
      's.yaml:7:3: sla.rto_ms: rto_ms is already set by \'rto\'',
      's.yaml:8:3: sla.lost_writes: expected a threshold like "< 30s" or "== 0" (one of <, <=, ==, !=, >=, > then a number), a profile name (one of seed-docs, seed-docs-runbook, seed-docs-ops) or {threshold, source}',
      's.yaml:9:19: sla.ghost_writes.threshold: expected a threshold like "< 30s" or "== 0" (one of <, <=, ==, !=, >=, > then a number)',
      "s.yaml:10:3: sla.spilt_brain: unknown key 'spilt_brain' in sla; expected one of rto, detection, promotion, reroute, unavailability, no_leader, lost_writes, rpo, unexpected_writes, recovered_writes, ghost_writes, max_concurrent_primaries, split_brain, convergence, recovery, lagging_promotions, promotion_lag_bytes, stale_leader_writes, leader_changes, failed_steps (with or without _ms) (did you mean 'split_brain'?)",
    ]);
  });

  it('takes a statistic over the iterations, and refuses an unknown one', () => {
    expect(sla('sla:\n  unavailability: { threshold: "<= 5s", stat: p95 }\n')).toEqual([
      { metric: 'unavailability_ms', op: '<=', value: 5000, threshold: '<= 5s', stat: 'p95' },
    ]);
    expect(issuesOf(() => sla('sla:\n  unavailability: { threshold: "<= 5s", stat: p96 }\n'))).toEqual([
      's.yaml:6:41: sla.unavailability.stat: expected one of min, p50, p90, p95, p99, max: the statistic over the iterations the line is judged on',
    ]);
  });

  it('takes byte units on promotion_lag_bytes (1 MB = 1048576, as 001 writes it)', () => {
    expect(sla('sla:\n  promotion_lag_bytes: "<= 1MB"\n')[0]?.value).toBe(1_048_576);
    expect(issuesOf(() => sla('sla:\n  promotion_lag_bytes: "<= 1 parsec"\n'))[0]).toContain('unknown unit "parsec"; expected B, kB, MB or GB (1 kB = 1024 bytes)');
  });

  it('takes leader_changes as a count with its source, and has no documented figure for it (a failover scenario expects one)', () => {
    expect(sla('sla:\n  leader_changes: { threshold: "== 0", source: 002 etcd failure tolerance }\n')).toEqual([
      { metric: 'leader_changes', op: '==', value: 0, threshold: '== 0', source: '002 etcd failure tolerance' },
    ]);
    expect(issuesOf(() => sla('sla:\n  leader_changes: "< 5s"\n'))[0]).toContain('expected a plain number: leader_changes is a count, "s" is not a unit for it');
    expect(issuesOf(() => sla('sla:\n  leader_changes: seed-docs\n'))[0]).toContain('the documents give no figure for leader_changes');
    // Measured over the whole run, so a scenario without a fault (a switchover drill) may say it too.
    expect(loadScenarioText(minimal('s', 'sla:\n  leader_changes: "== 1"\n'), 's.yaml').sla.map((r) => r.metric)).toEqual(['leader_changes']);
  });

  it('refuses an RTO or failover-phase line in a scenario without a fault, before anything starts (issue 11, case 8)', () => {
    expect(issuesOf(() => loadScenarioText(minimal('s', 'sla:\n  rto: "< 30s"\n  detection: seed-docs\n'), 's.yaml'))).toEqual([
      "s.yaml:5:3: sla.rto: rto_ms is measured from a fault's injection, and this scenario injects none; add a fault step or remove this line",
      "s.yaml:6:3: sla.detection: detection_ms is measured from a fault's injection, and this scenario injects none; add a fault step or remove this line",
    ]);
    expect(loadScenarioText(minimal(), 's.yaml').sla.map((r) => r.metric)).toEqual(['lost_writes', 'max_concurrent_primaries']);
  });

  it('leaves the RTO out of a profile named by a scenario without a fault, and refuses promotion and reroute lines there too', () => {
    expect(loadScenarioText(minimal('s', 'sla: seed-docs-runbook\n'), 's.yaml').sla.map((r) => r.metric)).toEqual(['lost_writes', 'max_concurrent_primaries']);
    expect(loadScenarioText(minimal('s', 'cluster: { replication: asynchronous }\nsla: seed-docs\n'), 's.yaml').sla.map((r) => r.metric)).toEqual(['rpo_ms', 'max_concurrent_primaries']);
    expect(issuesOf(() => loadScenarioText(minimal('s', 'sla:\n  promotion_ms: "< 10s"\n  reroute: { threshold: "<= 6s", stat: p95 }\n'), 's.yaml')).map((i) => i.split(': ')[1])).toEqual(['sla.promotion_ms', 'sla.reroute']);
    // Lines that do not need a fault stay valid without one.
    expect(loadScenarioText(minimal('s', 'sla:\n  unavailability: "<= 5s"\n'), 's.yaml').sla.map((r) => r.metric)).toEqual(['unavailability_ms']);
  });

  it('keeps a source next to a statistic, and refuses a statistic that is not a string of the list', () => {
    expect(sla('sla:\n  rto: { threshold: "< 30s", source: runbook, stat: p99 }\n')).toEqual([
      { metric: 'rto_ms', op: '<', value: 30_000, threshold: '< 30s', source: 'runbook', stat: 'p99' },
    ]);
    expect(issuesOf(() => sla('sla:\n  rto: { threshold: "< 30s", stat: 95 }\n'))).toEqual([
      's.yaml:6:30: sla.rto.stat: expected one of min, p50, p90, p95, p99, max: the statistic over the iterations the line is judged on',
    ]);
    expect(issuesOf(() => sla('sla:\n  rto: { threshold: "< 30s", stats: p95 }\n'))[0]).toContain("sla.rto.stats: unknown key 'stats' in sla.rto_ms; expected one of threshold, source, stat");
  });

  it('reports an unknown profile and an empty map', () => {
    expect(issuesOf(() => sla('sla: strict\n'))).toEqual([
      "s.yaml:5:1: sla: unknown SLA profile 'strict'; expected one of seed-docs, seed-docs-runbook, seed-docs-ops, or a mapping of metric: threshold",
    ]);
    expect(issuesOf(() => sla('sla: {}\n'))).toEqual(['s.yaml:5:1: sla: expected at least one metric; omit sla to use the default profile']);
  });
});
