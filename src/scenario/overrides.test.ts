import { describe, expect, it } from 'vitest';
import { loadScenarioText } from './load.js';
import { parseOverrides } from './overrides.js';
import { issuesOf } from './test-support.js';

const BASE = `name: base
cluster:
  patroni: { ttl: 30 }
steps:
  - wait_for: healthy
  - fault: { action: kill, target: primary }
  - sleep: 5s
sla:
  rto_ms: "< 30s"
`;
const load = (...flags: string[]) => loadScenarioText(BASE, 'base.yaml', flags);

describe('--set', () => {
  it('parses values as YAML scalars and flow collections', () => {
    expect(parseOverrides(['a=60', 'b=true', 'c=5s', 'd={x: 1}', 'e=[p, q]', 'f=', 'g=Crash it: now', 'h=a=b'])
      .map((o) => [o.path, o.value])).toEqual([
      [['a'], 60], [['b'], true], [['c'], '5s'], [['d'], { x: 1 }], [['e'], ['p', 'q']], [['f'], null], [['g'], 'Crash it: now'], [['h'], 'a=b'],
    ]);
  });

  it('parses dotted paths with indexes', () => {
    expect(parseOverrides(['steps[3].sleep=1s', 'a.b[0][2].c=1'])
      .map((o) => o.path)).toEqual([['steps', 3, 'sleep'], ['a', 'b', 0, 2, 'c']]);
  });

  it('sets numbers, nested keys and indexed steps', () => {
    const scenario = load('cluster.patroni.ttl=60', 'workload.writers=8', 'steps[2].sleep=10s', 'cluster.patroni.postgresql.parameters.wal_level=logical');
    expect(scenario.cluster.patroni).toEqual({ ttl: 60, postgresql: { parameters: { wal_level: 'logical' } } });
    expect(scenario.workload.writers).toBe(8);
    expect(scenario.steps[2]).toEqual({ kind: 'sleep', ms: 10_000 });
  });

  it('creates missing mappings and appends a step at the end', () => {
    const scenario = load('observe.write_probes=true', 'steps[3]={heal: all}');
    expect(scenario.observe).toEqual({ intervalMs: 100, writeProbes: true });
    expect(scenario.steps[3]).toEqual({ kind: 'heal', id: 'all' });
  });

  it('changes one metric of the sla, under the key the file used', () => {
    expect(load('sla.rto=<45s').sla).toEqual([{ metric: 'rto_ms', op: '<', value: 45_000, threshold: '<45s' }]);
  });

  it('turns a profile into its metrics before changing one, with the final replication', () => {
    const scenario = loadScenarioText('name: p\nsteps: [{ sleep: 1s }]\n', 'p.yaml', ['sla.rpo=< 1s', 'cluster.replication=asynchronous']);
    expect(scenario.sla.map((r) => [r.metric, r.threshold])).toEqual([['rpo_ms', '< 1s'], ['max_concurrent_primaries', '<= 1']]);
  });

  it('names the flag behind a validation error', () => {
    expect(issuesOf(() => load('workload.writers=0', 'cluster.patroni.ttl=soon', 'steps[2].heal=all', 'sla.rto=fast'))).toEqual([
      'base.yaml: --set workload.writers=0: workload.writers: expected an integer >= 1',
      'base.yaml: --set cluster.patroni.ttl=soon: cluster.patroni.ttl: expected an integer',
      'base.yaml: --set steps[2].heal=all: steps[2]: expected exactly one of sleep, wait_for, fault, heal, nemesis, exec; this step has sleep and heal',
      `base.yaml: --set sla.rto=fast: sla.rto_ms: unknown SLA profile 'fast'; expected a threshold like "< 30s" or "== 0" (one of <, <=, ==, !=, >=, > then a number), or one of seed-docs, seed-docs-runbook, seed-docs-ops`,
    ]);
  });

  it('reports a path the document cannot take', () => {
    expect(issuesOf(() => load('steps[9].sleep=1s', 'name.x=1', 'steps.first=1', 'tags[0]=a'))).toEqual([
      'base.yaml: --set steps[9].sleep=1s: steps[9].sleep: steps has 3 entries, so it has no [9]',
      'base.yaml: --set name.x=1: name.x: name is not a mapping, so it has no key x',
      'base.yaml: --set steps.first=1: steps.first: steps is a list, so it has no key first',
      'base.yaml: --set tags[0]=a: tags[0]: tags is not set, so it has no [0]',
    ]);
  });

  it('reports malformed flags together, naming each', () => {
    expect(issuesOf(() => load('workload.writers', '=8', 'a..b=1', 'steps[x]=1', 'ok=1', '__proto__.polluted=1', 'v={a: 1'))).toEqual([
      '--set workload.writers: expected path=value, e.g. workload.writers=8',
      '--set =8: expected a path like cluster.patroni.ttl or steps[3].sleep before =',
      '--set a..b=1: expected a path like cluster.patroni.ttl or steps[3].sleep before =',
      '--set steps[x]=1: expected a path like cluster.patroni.ttl or steps[3].sleep before =',
      '--set __proto__.polluted=1: expected a path like cluster.patroni.ttl or steps[3].sleep before =',
      '--set v={a: 1: cannot read the value as YAML: Flow map must end with a }',
    ]);
  });
});
