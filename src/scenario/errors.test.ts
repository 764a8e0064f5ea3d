import { describe, expect, it } from 'vitest';
import { ScenarioError, formatIssue } from './errors.js';
import { loadScenarioText } from './load.js';
import { issuesOf } from './test-support.js';

const load = (text: string) => () => loadScenarioText(text, 'bad.yaml');

describe('ScenarioError', () => {
  it('carries the code, the issues, and one line per issue', () => {
    const issue = { file: 'a.yaml', line: 3, column: 5, path: 'steps[2].fault.action', message: 'expected a string' };
    const err = new ScenarioError([issue, { ...issue, line: 0, path: '', message: 'cannot read: no such file' }]);
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.issues).toHaveLength(2);
    expect(err.message).toBe('a.yaml:3:5: steps[2].fault.action: expected a string\na.yaml: cannot read: no such file');
    expect(err).toBeInstanceOf(Error);
  });

  it('names the flag instead of a file position for an override', () => {
    expect(formatIssue({ file: 'a.yaml', line: 8, column: 13, path: 'workload.writers', message: 'expected an integer >= 1', override: 'workload.writers=0' }))
      .toBe('a.yaml: --set workload.writers=0: workload.writers: expected an integer >= 1');
    expect(formatIssue({ file: '', line: 0, column: 0, path: '', message: 'expected path=value', override: 'x' })).toBe('--set x: expected path=value');
  });
});

describe('scenario errors', () => {
  it('reports every problem of a file at once, in reading order', () => {
    expect(issuesOf(load(`name: Kill_Primary
stpes: []
cluster:
  replication: sync
  patroni: { ttl: 30s }
workload: { writers: 0, rate: -1, timeout: 5 }
observe: { interval: 1ms, write_probes: yes }
steps:
  - wait_for: helthy
  - sleep: 5
  - fault: { target: primary }
  - sleep: 1s
    heal: all
  - heal: kill-9
  - {}
  - bogus: 1
  - wait_for: { condition: leader, timout: 1s }
`))).toEqual([
      'bad.yaml:1:1: name: expected a name of lowercase letters, digits and - (like kill-primary)',
      "bad.yaml:2:1: stpes: unknown key 'stpes' in scenario; expected one of name, description, tags, cluster, workload, observe, steps, sla, requires, evidence (did you mean 'steps'?)",
      'bad.yaml:4:3: cluster.replication: expected one of synchronous, asynchronous',
      'bad.yaml:5:14: cluster.patroni.ttl: expected an integer',
      'bad.yaml:6:13: workload.writers: expected an integer >= 1',
      'bad.yaml:6:25: workload.rate: expected a number > 0',
      'bad.yaml:6:35: workload.timeout: expected a duration like 5s or 250ms',
      'bad.yaml:7:12: observe.interval: expected a duration >= 10ms',
      'bad.yaml:7:27: observe.write_probes: expected true or false',
      'bad.yaml:9:5: steps[0].wait_for.condition: expected one of healthy, writable, converged, leader, new-leader, etcd-healthy, etcd-new-cluster',
      'bad.yaml:10:5: steps[1].sleep: expected a duration like 5s or 250ms',
      'bad.yaml:11:5: steps[2].fault.action: missing; expected a string',
      'bad.yaml:12:5: steps[3]: expected exactly one of sleep, wait_for, fault, heal, nemesis, exec; this step has sleep and heal',
      "bad.yaml:14:5: steps[4].heal: no earlier step defines fault 'kill-9'; no fault is defined before this step",
      'bad.yaml:15:5: steps[5]: expected one of sleep, wait_for, fault, heal, nemesis, exec',
      "bad.yaml:16:5: steps[6].bogus: unknown key 'bogus' in steps[6]; expected one of sleep, wait_for, fault, heal, nemesis, exec",
      "bad.yaml:17:36: steps[7].wait_for.timout: unknown key 'timout' in steps[7].wait_for; expected one of condition, timeout (did you mean 'timeout'?)",
    ]);
  });

  it('reports missing required fields where the mapping starts', () => {
    expect(issuesOf(load('description: nothing else\n'))).toEqual([
      'bad.yaml:1:1: name: missing; expected a name like kill-primary',
      'bad.yaml:1:1: steps: missing; expected a list of steps',
    ]);
    expect(issuesOf(load('name: x\nsteps: []\n'))).toEqual(['bad.yaml:2:1: steps: expected at least one step']);
  });

  it('reports a file that is not a mapping, and an empty one as missing everything', () => {
    expect(issuesOf(load('- a\n- b\n'))).toEqual(['bad.yaml:1:1: expected a mapping']);
    expect(issuesOf(load('# nothing yet\n'))).toEqual([
      'bad.yaml:1:1: name: missing; expected a name like kill-primary',
      'bad.yaml:1:1: steps: missing; expected a list of steps',
    ]);
  });

  it('reports bad step shapes', () => {
    expect(issuesOf(load(`name: x
steps:
  - sleep 5s
  - wait_for: 5
  - fault: kill
  - fault: { action: kill, id: all }
  - heal: 3
  - wait_for: { condition: healthy, timeout: 0 }
`))).toEqual([
      'bad.yaml:3:5: steps[0]: expected a step: a mapping with one of sleep, wait_for, fault, heal, nemesis, exec',
      'bad.yaml:4:5: steps[1].wait_for: expected a condition (healthy, writable, converged, leader, new-leader, etcd-healthy, etcd-new-cluster) or {condition, timeout}',
      'bad.yaml:5:5: steps[2].fault: expected a mapping like {action: kill, target: primary}',
      'bad.yaml:6:28: steps[3].fault.id: expected an id other than all, which heal: all already means',
      'bad.yaml:7:5: steps[4].heal: expected all or the id of an earlier fault',
      'bad.yaml:8:37: steps[5].wait_for.timeout: expected a duration >= 1ms',
    ]);
  });

  it('reports heal of a later fault and a reused fault id', () => {
    expect(issuesOf(load(`name: x
steps:
  - heal: cut
  - fault: { action: partition, target: primary, id: cut }
  - fault: { action: kill, target: replica, id: cut }
  - heal: nope
`))).toEqual([
      "bad.yaml:3:5: steps[0].heal: no earlier step defines fault 'cut'; no fault is defined before this step",
      "bad.yaml:5:45: steps[2].fault.id: fault id 'cut' is already used by steps[1]",
      "bad.yaml:6:5: steps[3].heal: no earlier step defines fault 'nope'; expected all or one of cut",
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    expect(issuesOf(load('name: x\nname: y\nsteps: [\n'))).toEqual([
      'bad.yaml:2:1: invalid YAML: Map keys must be unique',
      'bad.yaml:4:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
    expect(issuesOf(load('name: x\n---\nname: y\n'))).toEqual(['bad.yaml:2:1: expected a single YAML document, found another after ---']);
    expect(issuesOf(load('name: *nowhere\n'))).toEqual(['bad.yaml:1:1: invalid YAML: Unresolved alias (the anchor must be set before the alias): nowhere']);
  });

  it('refuses a suite where a scenario is expected', () => {
    expect(issuesOf(load('suite: nightly\nscenarios: [a.yaml]\n'))).toEqual(['bad.yaml:1:1: this is a suite file (it has a suite key); expected a scenario']);
  });
});
