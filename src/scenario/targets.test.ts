import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FaultActionInfo, FaultCatalog } from './catalog.js';
import { formatIssue } from './errors.js';
import { loadScenarioText, loadTargets } from './load.js';
import { checkScenario, checkSuites } from './targets.js';
import type { Scenario } from './types.js';
import { removeTempTrees, tempTree } from './test-support.js';

afterAll(removeTempTrees);

const catalog: FaultCatalog = {
  provider: 'local',
  actions: new Map<string, FaultActionInfo>([
    ['kill', { targets: 'member', supported: true }],
    ['kill-postgres', { targets: 'member', supported: true }],
    ['freeze', { targets: 'member', supported: false }],
    ['kill-etcd', { targets: 'etcd', supported: true }],
    ['stop', { targets: ['member', 'etcd'], supported: true }],
    ['switchover', { targets: ['cluster', 'member'], supported: true }],
    ['dcs-outage', { targets: 'cluster', supported: true }],
    ['delay', {
      targets: 'member', supported: true,
      params: (p) => (typeof p.ms === 'number' && p.ms > 0 ? undefined : 'expected ms: a number of milliseconds > 0'),
    }],
  ]),
  members: ['pg-0', 'pg-1', 'pg-2'],
  etcdMembers: ['etcd-0', 'etcd-1', 'etcd-2'],
};

const check = (steps: string, cluster = '') =>
  checkScenario(loadScenarioText(`name: t\n${cluster}steps:\n${steps}`, 't.yaml'), catalog).map(formatIssue);

describe('checkScenario', () => {
  it('accepts roles, member names, etcd targets and cluster actions', () => {
    expect(check(`  - fault: { action: kill, target: primary }
  - fault: { action: kill-postgres, target: pg-1 }
  - fault: { action: kill, target: sync-standby }
  - fault: { action: kill-etcd, target: etcd-majority }
  - fault: { action: kill-etcd, target: etcd-2 }
  - fault: { action: dcs-outage }
  - fault: { action: dcs-outage, target: cluster }
  - fault: { action: delay, target: any, ms: 200 }
  - fault: { action: stop, target: etcd-leader }
  - fault: { action: stop, target: replica }
  - fault: { action: switchover }
  - fault: { action: switchover, target: pg-2 }
`)).toEqual([]);
  });

  it('lists every kind of target an action takes', () => {
    expect(check(`  - fault: { action: stop }
  - fault: { action: switchover, target: etcd-0 }
`)).toEqual([
      't.yaml:3:5: steps[0].fault: missing target; action "stop" expects one of primary, replica, sync-standby, any, pg-0, pg-1, pg-2, etcd-leader, etcd-follower, etcd-majority, etcd-all, etcd-0, etcd-1, etcd-2',
      't.yaml:4:34: steps[1].fault.target: target "etcd-0" is not valid for action "switchover" (expected one of cluster, primary, replica, sync-standby, any, pg-0, pg-1, pg-2, or no target)',
    ]);
  });

  it('names unknown actions, unsupported ones and misplaced targets, each on its line', () => {
    expect(check(`  - fault: { action: kil, target: primary }
  - fault: { action: freeze, target: primary }
  - fault: { action: kill-postgres, target: etcd-leader }
  - fault: { action: kill-etcd, target: pg-0 }
  - fault: { action: dcs-outage, target: primary }
  - fault: { action: kill }
  - fault: { action: delay, target: replica, ms: soon }
`)).toEqual([
      't.yaml:3:14: steps[0].fault.action: unknown fault action "kil"; expected one of kill, kill-postgres, freeze, kill-etcd, stop, switchover, dcs-outage, delay (did you mean "kill"?)',
      't.yaml:4:14: steps[1].fault.action: fault "freeze" is not supported by provider "local"',
      't.yaml:5:37: steps[2].fault.target: target "etcd-leader" is not valid for action "kill-postgres" (expected one of primary, replica, sync-standby, any, pg-0, pg-1, pg-2)',
      't.yaml:6:33: steps[3].fault.target: target "pg-0" is not valid for action "kill-etcd" (expected one of etcd-leader, etcd-follower, etcd-majority, etcd-all, etcd-0, etcd-1, etcd-2)',
      't.yaml:7:34: steps[4].fault.target: target "primary" is not valid for action "dcs-outage" (expected cluster or no target)',
      't.yaml:8:5: steps[5].fault: missing target; action "kill" expects one of primary, replica, sync-standby, any, pg-0, pg-1, pg-2',
      't.yaml:9:5: steps[6].fault: parameters of "delay": expected ms: a number of milliseconds > 0',
    ]);
  });

  it('refuses sync-standby on an asynchronous cluster', () => {
    expect(check('  - fault: { action: kill, target: sync-standby }\n', 'cluster: { replication: asynchronous }\n')).toEqual([
      't.yaml:4:28: steps[0].fault.target: target "sync-standby" needs synchronous replication; this scenario is asynchronous',
    ]);
  });

  it('refuses a release on a provider that takes none, and a release the provider does not build, at its line', () => {
    expect(check('  - sleep: 1s\n', 'cluster:\n  release: trixie\n')).toEqual([
      't.yaml:3:3: cluster.release: provider "local" runs the components installed on this machine and takes no release; a release needs a provider that builds them (--provider docker)',
    ]);
    const docker: FaultCatalog = { ...catalog, provider: 'docker', releases: ['bookworm', 'trixie'] };
    const scenario = loadScenarioText('name: t\ncluster: { release: sid }\nsteps:\n  - sleep: 1s\n', 't.yaml');
    expect(checkScenario(scenario, docker).map(formatIssue)).toEqual(['t.yaml:2:12: cluster.release: expected one of bookworm, trixie for provider "docker"']);
    const set = loadScenarioText('name: t\nsteps:\n  - sleep: 1s\n', 't.yaml', ['cluster.release=sid']);
    expect(checkScenario(set, docker).map(formatIssue)).toEqual(['t.yaml: --set cluster.release=sid: cluster.release: expected one of bookworm, trixie for provider "docker"']);
    expect(checkScenario(loadScenarioText('name: t\ncluster: { release: trixie }\nsteps:\n  - sleep: 1s\n', 't.yaml'), docker)).toEqual([]);
  });

  it('says why an unsupported fault is unsupported', () => {
    const why: FaultCatalog = { ...catalog, actions: new Map([['freeze', { targets: 'member', supported: false, unsupported: 'it has no freezer' }]]) };
    expect(checkScenario(loadScenarioText('name: t\nsteps:\n  - fault: { action: freeze, target: primary }\n', 't.yaml'), why).map(formatIssue)).toEqual([
      't.yaml:3:14: steps[0].fault.action: fault "freeze" is not supported by provider "local": it has no freezer',
    ]);
  });

  it('refuses a fault the provider cannot run alongside another of the scenario, at the fault, naming the others and where they are', () => {
    const excl: FaultCatalog = {
      ...catalog, provider: 'docker',
      actions: new Map<string, FaultActionInfo>([
        ...catalog.actions,
        ['partition-hosts', { targets: 'cluster', supported: true, excludes: [{ actions: ['slow-dcs', 'slow-clients'], why: 'those go through the proxy' }] }],
        ['slow-dcs', { targets: 'member', supported: true }],
        ['slow-clients', { targets: 'member', supported: true }],
      ]),
    };
    const checkWith = (steps: string) => checkScenario(loadScenarioText(`name: t\nsteps:\n${steps}`, 't.yaml'), excl).map(formatIssue);
    // Either order, and a nemesis that may draw the other.
    expect(checkWith(`  - fault: { action: slow-dcs, target: primary }
  - fault: { action: partition-hosts }
  - nemesis: { duration: 1m, faults: [{ action: kill, target: primary }, { action: slow-clients, target: replica }] }
`)).toEqual([
      't.yaml:4:14: steps[1].fault.action: fault "partition-hosts" cannot run in one scenario with "slow-dcs" (steps[0].fault), "slow-clients" (steps[2].nemesis.faults[1]) on provider "docker": those go through the proxy',
    ]);
    expect(checkWith('  - nemesis: { duration: 1m, faults: [{ action: partition-hosts }, { action: slow-dcs, target: primary }] }\n')).toEqual([
      't.yaml:3:41: steps[0].nemesis.faults[0].action: fault "partition-hosts" cannot run in one scenario with "slow-dcs" (steps[0].nemesis.faults[1]) on provider "docker": those go through the proxy',
    ]);
    // Alone, or with faults that do not exclude it, it runs.
    expect(checkWith('  - fault: { action: partition-hosts }\n  - fault: { action: kill, target: primary }\n')).toEqual([]);
  });

  it('names the override that set a bad target', () => {
    const scenario = loadScenarioText('name: t\nsteps:\n  - fault: { action: kill, target: primary }\n', 't.yaml', ['steps[0].fault.target=etcd-all']);
    expect(checkScenario(scenario, catalog).map(formatIssue)).toEqual([
      't.yaml: --set steps[0].fault.target=etcd-all: steps[0].fault.target: target "etcd-all" is not valid for action "kill" (expected one of primary, replica, sync-standby, any, pg-0, pg-1, pg-2)',
    ]);
  });

  it('still reports, without a line, on a scenario built by hand', () => {
    const scenario: Scenario = {
      name: 'hand', description: '', tags: [], cluster: { replication: 'synchronous', patroni: {} },
      workload: { writers: 1, timeoutMs: 1000 }, observe: { intervalMs: 100, writeProbes: false }, sla: [],
      steps: [{ kind: 'fault', id: 'x', action: 'freeze', target: 'primary', params: {} }],
    };
    expect(checkScenario(scenario, catalog)).toEqual([
      { file: '', line: 0, column: 0, path: 'steps[0].fault.action', message: 'fault "freeze" is not supported by provider "local"' },
    ]);
  });
});

describe('checkSuites', () => {
  it('checks a scenario repeated in a suite once', () => {
    const root = tempTree({
      'a.yaml': 'name: a\nsteps:\n  - fault: { action: freeze, target: primary }\n',
      's.yaml': 'suite: s\nscenarios: [{ file: a.yaml, iterations: 3 }]\n',
    });
    expect(checkSuites(loadTargets([join(root, 's.yaml')]), catalog).map(formatIssue)).toEqual([
      `${root}/a.yaml:3:14: steps[0].fault.action: fault "freeze" is not supported by provider "local"`,
    ]);
  });
});
