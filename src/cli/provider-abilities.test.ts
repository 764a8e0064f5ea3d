import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { afterAll } from 'vitest';
import { refusalOf, removeTempTrees, tempTree } from '../scenario/test-support.js';
import { loadChecked } from './scenario-commands.js';

const scenario = (name: string) => join(import.meta.dirname, '../../scenarios', `${name}.yaml`);

describe('validate: kill-patroni and packet loss by provider (issue 20)', () => {
  it('docker accepts kill-patroni-on-primary (Patroni runs under tini) and lossy-replication (iptables statistic)', () => {
    expect(refusalOf(() => loadChecked([scenario('kill-patroni-on-primary'), scenario('lossy-replication')], [], 'docker'))).toEqual([]);
  });

  it('local refuses packet loss and says why', () => {
    const refused = refusalOf(() => loadChecked([scenario('lossy-replication')], [], 'local'));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(/lossy-replication\.yaml:\d+:\d+: steps\[2\]\.fault\.action: fault "drop-packets" is not supported by provider "local": its links are TCP proxies \(Toxiproxy\), which carry streams, not packets, and this kernel has no netem/);
  });
});

afterAll(removeTempTrees);

describe('validate: docker iptables faults beside a latency or bandwidth fault (issue 20)', () => {
  // Those faults send the links through the proxy container, past rules between the containers' addresses.
  const scenarioWith = (...faults: string[]) => {
    const dir = tempTree({ 'mixed.yaml': `name: mixed\nsteps:\n  - wait_for: healthy\n${faults.map((f) => `  - fault: ${f}\n`).join('')}` });
    return join(dir, 'mixed.yaml');
  };

  it('refuses partition-hosts with slow-dcs, at the partition, saying why', () => {
    const file = scenarioWith('{ action: slow-dcs, target: primary, latency_ms: 200 }', '{ action: partition-hosts, grudge: majorities-ring }');
    expect(refusalOf(() => loadChecked([file], [], 'docker'))).toEqual([
      `${file}:5:14: steps[2].fault.action: fault "partition-hosts" cannot run in one scenario with "slow-dcs" (steps[1].fault) on provider "docker": a latency or bandwidth fault sends every member's etcd, peer and client links through the run's proxy container (member -> proxy -> peer), so its rules between the hosts' container addresses would leave the cluster's own traffic flowing (run them in separate scenarios)`,
    ]);
  });

  it('refuses drop-packets with throttle-replication or slow-clients, whichever comes first', () => {
    const file = scenarioWith('{ action: drop-packets, target: primary, probability: 0.3, links: [peer] }', '{ action: throttle-replication, target: primary, rate_kbps: 100 }', '{ action: slow-clients, target: replica, latency_ms: 100 }');
    const refused = refusalOf(() => loadChecked([file], [], 'docker'));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(/mixed\.yaml:4:14: steps\[1\]\.fault\.action: fault "drop-packets" cannot run in one scenario with "throttle-replication" \(steps\[2\]\.fault\), "slow-clients" \(steps\[3\]\.fault\) on provider "docker": .*would drop none of the cluster's own traffic, while the proof's packets, sent between the containers directly, showed a loss/);
  });

  it('accepts the cuts beside a latency fault (docker cuts them in the proxy), and each iptables fault alone', () => {
    const cuts = scenarioWith('{ action: slow-dcs, target: primary, latency_ms: 200 }', '{ action: partition-dcs, target: primary }', '{ action: isolate, target: replica }', '{ action: partition-majority, target: primary }', '{ action: cut-clients, target: primary }');
    expect(refusalOf(() => loadChecked([cuts, scenario('majority-ring'), scenario('lossy-replication')], [], 'docker'))).toEqual([]);
  });
});
