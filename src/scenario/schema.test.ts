import { describe, expect, it } from 'vitest';
import { loadScenarioText } from './load.js';
import { minimal } from './test-support.js';

/** architecture.md, "Scenario files", verbatim. */
const ARCHITECTURE_EXAMPLE = `name: kill-primary
description: Crash the primary node; a replica must take over within the RTO
  budget and no acknowledged write may be lost.
tags: [nightly, failover]
cluster:                      # optional; defaults follow slas.md
  replication: synchronous    # synchronous | asynchronous
  patroni: { ttl: 30, loop_wait: 10, retry_timeout: 10 }   # any bootstrap.dcs key
workload: { writers: 4, rate: 200, timeout: 5s }          # rate omitted = closed loop
steps:
  - wait_for: healthy
  - sleep: 5s
  - fault: { action: kill, target: primary }
  - wait_for: { condition: writable, timeout: 90s }
  - sleep: 10s
  - heal: all
  - wait_for: { condition: converged, timeout: 300s }
sla:
  rto: "< 30s"
  lost_writes: "== 0"
  max_concurrent_primaries: "<= 1"
`;

describe('scenario schema', () => {
  it("loads architecture.md's example", () => {
    expect(loadScenarioText(ARCHITECTURE_EXAMPLE, 'kill-primary.yaml')).toEqual({
      name: 'kill-primary',
      description: 'Crash the primary node; a replica must take over within the RTO budget and no acknowledged write may be lost.',
      tags: ['nightly', 'failover'],
      cluster: { replication: 'synchronous', patroni: { ttl: 30, loop_wait: 10, retry_timeout: 10 } },
      workload: { writers: 4, rate: 200, timeoutMs: 5_000 },
      observe: { intervalMs: 100, writeProbes: false },
      steps: [
        { kind: 'wait_for', condition: 'healthy', timeoutMs: 120_000 },
        { kind: 'sleep', ms: 5_000 },
        { kind: 'fault', id: 'kill-2', action: 'kill', target: 'primary', params: {} },
        { kind: 'wait_for', condition: 'writable', timeoutMs: 90_000 },
        { kind: 'sleep', ms: 10_000 },
        { kind: 'heal', id: 'all' },
        { kind: 'wait_for', condition: 'converged', timeoutMs: 300_000 },
      ],
      sla: [
        { metric: 'rto_ms', op: '<', value: 30_000, threshold: '< 30s' },
        { metric: 'lost_writes', op: '==', value: 0, threshold: '== 0' },
        { metric: 'max_concurrent_primaries', op: '<=', value: 1, threshold: '<= 1' },
      ],
    });
  });

  it('fills every default of a minimal file', () => {
    const scenario = loadScenarioText(minimal(), 'smoke.yaml');
    expect(scenario.file).toBeUndefined();
    expect(scenario.description).toBe('');
    expect(scenario.tags).toEqual([]);
    expect(scenario.cluster).toEqual({ replication: 'synchronous', patroni: {} });
    expect(scenario.workload).toEqual({ writers: 4, timeoutMs: 5_000 });
    expect(scenario.observe).toEqual({ intervalMs: 100, writeProbes: false });
    expect(scenario.steps).toEqual([{ kind: 'sleep', ms: 1_000 }]);
    // No fault, so no RTO: the default judges what such a run can produce.
    expect(scenario.sla.map((r) => [r.metric, r.threshold])).toEqual([
      ['lost_writes', '== 0'],
      ['max_concurrent_primaries', '<= 1'],
    ]);
  });

  it('takes a section left blank for its defaults', () => {
    const scenario = loadScenarioText(minimal('blank', 'cluster:\n  patroni:\nworkload:\nobserve:\nsla:\n'), 'b.yaml');
    expect(scenario.cluster).toEqual({ replication: 'synchronous', patroni: {} });
    expect(scenario.workload).toEqual({ writers: 4, timeoutMs: 5_000 });
    expect(scenario.sla.map((r) => r.metric)).toEqual(['lost_writes', 'max_concurrent_primaries']);
  });

  it('resolves anchors and merge keys', () => {
    const scenario = loadScenarioText(`name: anchors
steps:
  - fault: &kill { action: kill, target: primary, id: first }
  - heal: all
  - fault: { <<: *kill, id: second }
`, 'a.yaml');
    expect(scenario.steps[2]).toEqual({ kind: 'fault', id: 'second', action: 'kill', target: 'primary', params: {} });
  });

  it('reads observe, closed-loop workload and patroni keys it does not know', () => {
    const scenario = loadScenarioText(minimal('obs', 'observe: { interval: 50ms, write_probes: true }\nworkload: { writers: 256 }\ncluster: { patroni: { failsafe_mode: true } }\n'), 'o.yaml');
    expect(scenario.observe).toEqual({ intervalMs: 50, writeProbes: true });
    expect(scenario.workload).toEqual({ writers: 256, timeoutMs: 5_000 });
    expect(scenario.cluster.patroni).toEqual({ failsafe_mode: true });
  });
});

describe('steps', () => {
  const steps = (yaml: string) => loadScenarioText(`name: s\nsteps:\n${yaml}`, 's.yaml').steps;

  it('gives each wait_for condition its documented default timeout', () => {
    expect(steps('  - wait_for: healthy\n  - wait_for: writable\n  - wait_for: converged\n  - wait_for: leader\n  - wait_for: new-leader\n').map((s) => (s.kind === 'wait_for' ? s.timeoutMs : 0)))
      .toEqual([120_000, 90_000, 300_000, 60_000, 90_000]);
    expect(steps('  - wait_for: { condition: leader }\n')).toEqual([{ kind: 'wait_for', condition: 'leader', timeoutMs: 60_000 }]);
  });

  it('passes extra fault keys as params and defaults id and target', () => {
    expect(steps('  - sleep: 0\n  - fault: { action: partition, target: etcd-leader, id: cut, duration: 5s, mode: symmetric }\n  - fault: { action: dcs-outage }\n  - heal: cut\n')).toEqual([
      { kind: 'sleep', ms: 0 },
      { kind: 'fault', id: 'cut', action: 'partition', target: 'etcd-leader', params: { duration: '5s', mode: 'symmetric' } },
      { kind: 'fault', id: 'dcs-outage-2', action: 'dcs-outage', target: 'cluster', params: {} },
      { kind: 'heal', id: 'cut' },
    ]);
  });

  it('lets heal name a default fault id', () => {
    expect(steps('  - fault: { action: kill, target: primary }\n  - heal: kill-0\n')[1]).toEqual({ kind: 'heal', id: 'kill-0' });
  });
});
