import { describe, expect, it } from 'vitest';
import type { FaultActionInfo, FaultCatalog } from './catalog.js';
import { formatIssue } from './errors.js';
import { loadScenarioText } from './load.js';
import { checkScenario } from './targets.js';
import { issuesOf } from './test-support.js';

const actions = new Map<string, FaultActionInfo>([
  ['kill', { targets: ['member', 'etcd', 'haproxy', 'pgbouncer'], supported: true }],
  ['kill-postgres', { targets: 'member', supported: true }],
  ['slow-clients', { targets: 'member', supported: true }],
]);
const local: FaultCatalog = { provider: 'local', actions, members: ['pg-0'], etcdMembers: ['etcd-0'] };
const docker: FaultCatalog = {
  provider: 'docker', actions, members: ['patroni1'], etcdMembers: ['etcd1'], releases: ['bookworm', 'trixie'], topologies: ['minimal', 'seeds'],
  topologyRefusal: (t, release, faults) => (t === 'seeds' && (release ?? 'bookworm') === 'bookworm' ? 'no seeds on bookworm' : t === 'seeds' && faults.includes('slow-clients') ? 'no shaped links in seeds' : undefined),
};

const KILL_ACTIVE = '  - fault: { action: kill, target: haproxy-active }\n';
const check = (catalog: FaultCatalog, cluster: string, steps = KILL_ACTIVE) =>
  checkScenario(loadScenarioText(`name: t\ncluster:\n${cluster}steps:\n${steps}`, 't.yaml'), catalog).map(formatIssue);

describe('cluster.topology', () => {
  it('is minimal when absent, and names the two topologies when it is neither', () => {
    expect(loadScenarioText('name: t\nsteps:\n  - sleep: 1s\n', 't.yaml').cluster.topology).toBeUndefined();
    expect(issuesOf(() => loadScenarioText('name: t\ncluster: { topology: mesh }\nsteps:\n  - sleep: 1s\n', 't.yaml'))).toEqual([
      't.yaml:2:12: cluster.topology: expected one of minimal, seeds',
    ]);
  });

  it('seeds is refused where the provider makes only the minimal topology (local, external), naming the file and the field', () => {
    expect(check(local, '  topology: seeds\n', '  - sleep: 1s\n')).toEqual([
      't.yaml:3:3: cluster.topology: provider "local" cannot make topology "seeds" (it makes minimal): "seeds" is the documents\' VIP over two HAProxies (keepalived) and PgBouncer on every member, containers only the docker provider builds (--provider docker)',
    ]);
    expect(check(local, '  topology: minimal\n', '  - sleep: 1s\n')).toEqual([]);
  });

  it('on a provider that makes it, the provider may still refuse it for the release or the faults, with its reason', () => {
    expect(check(docker, '  topology: seeds\n  release: trixie\n')).toEqual([]);
    expect(check(docker, '  topology: seeds\n')).toEqual(['t.yaml:3:3: cluster.topology: no seeds on bookworm']);
    expect(check(docker, '  topology: seeds\n  release: trixie\n', `${KILL_ACTIVE}  - fault: { action: slow-clients, target: primary }\n`)).toEqual(['t.yaml:3:3: cluster.topology: no shaped links in seeds']);
  });

  it('haproxy-active and haproxy-passive need the seeds topology', () => {
    expect(check(docker, '  release: trixie\n')).toEqual([
      't.yaml:5:28: steps[0].fault.target: target "haproxy-active" needs cluster.topology: seeds (two HAProxies sharing a VIP); this scenario\'s topology is minimal (one HAProxy, no VIP)',
    ]);
    expect(check(docker, '  topology: seeds\n  release: trixie\n', '  - fault: { action: kill, target: haproxy-passive }\n')).toEqual([]);
  });

  it('an action without the haproxy target kind refuses them on any topology', () => {
    expect(check(docker, '  topology: seeds\n  release: trixie\n', '  - fault: { action: kill-postgres, target: haproxy-active }\n')).toEqual([
      't.yaml:6:37: steps[0].fault.target: target "haproxy-active" is not valid for action "kill-postgres" (expected one of primary, replica, sync-standby, any, patroni1)',
    ]);
  });

  it('pgbouncer:<member target> needs the seeds topology, and names the file and the field elsewhere (external: no topology but minimal)', () => {
    const external: FaultCatalog = { provider: 'external', actions, members: ['pg1'], etcdMembers: ['etcd1'] };
    const kill = (target: string) => `  - fault: { action: kill, target: "${target}" }\n`;
    expect(check(docker, '  topology: seeds\n  release: trixie\n', kill('pgbouncer:primary'))).toEqual([]);
    expect(check(docker, '  topology: seeds\n  release: trixie\n', kill('pgbouncer:patroni1'))).toEqual([]);
    expect(check(docker, '  release: trixie\n', kill('pgbouncer:replica'))).toEqual([
      't.yaml:5:28: steps[0].fault.target: target "pgbouncer:replica" needs cluster.topology: seeds (PgBouncer on every member); this scenario\'s topology is minimal (HAProxy straight to PostgreSQL, no PgBouncer)',
    ]);
    expect(check(external, '  replication: synchronous\n', kill('pgbouncer:pg1'))).toEqual([
      't.yaml:5:28: steps[0].fault.target: target "pgbouncer:pg1" needs cluster.topology: seeds (PgBouncer on every member); this scenario\'s topology is minimal (HAProxy straight to PostgreSQL, no PgBouncer)',
    ]);
  });

  it('pgbouncer: takes member targets only, and pgbouncer:sync-standby needs synchronous replication', () => {
    const kill = (target: string) => `  - fault: { action: kill, target: "${target}" }\n`;
    expect(check(docker, '  topology: seeds\n  release: trixie\n', kill('pgbouncer:etcd1'))[0]).toMatch(/^t\.yaml:6:28: steps\[0\]\.fault\.target: target "pgbouncer:etcd1" is not valid for action "kill" \(expected one of .*pgbouncer:primary, pgbouncer:replica, pgbouncer:sync-standby, pgbouncer:any, pgbouncer:patroni1\)$/);
    expect(check(docker, '  topology: seeds\n  release: trixie\n  replication: asynchronous\n', kill('pgbouncer:sync-standby'))).toEqual([
      't.yaml:7:28: steps[0].fault.target: target "pgbouncer:sync-standby" needs synchronous replication; this scenario is asynchronous',
    ]);
    expect(check(docker, '  topology: seeds\n  release: trixie\n', '  - fault: { action: kill-postgres, target: "pgbouncer:primary" }\n')[0]).toMatch(/target "pgbouncer:primary" is not valid for action "kill-postgres"/);
  });
});

describe('keepalived:<haproxy target>', () => {
  // kill takes keepalived alone beside an HAProxy; stop does not (a frozen keepalived is another fault).
  const withKeepalived = new Map<string, FaultActionInfo>([
    ['kill', { targets: ['member', 'etcd', 'haproxy', 'pgbouncer', 'keepalived'], supported: true }],
    ['stop', { targets: ['member', 'etcd', 'haproxy', 'pgbouncer'], supported: true }],
  ]);
  const dockerKa: FaultCatalog = { ...docker, actions: withKeepalived };
  const kill = (target: string, action = 'kill') => `  - fault: { action: ${action}, target: "${target}" }\n`;

  it('takes the pair\'s roles on the seeds topology', () => {
    expect(check(dockerKa, '  topology: seeds\n  release: trixie\n', kill('keepalived:haproxy-active'))).toEqual([]);
    expect(check(dockerKa, '  topology: seeds\n  release: trixie\n', kill('keepalived:haproxy-passive'))).toEqual([]);
  });

  it('is refused on the minimal topology, on docker, local and external alike, naming the file and the field', () => {
    const refused = (target: string, line: number) => `t.yaml:${line}:28: steps[0].fault.target: target "${target}" needs cluster.topology: seeds (keepalived holding a VIP over two HAProxies); this scenario's topology is minimal (one HAProxy, no keepalived)`;
    expect(check(dockerKa, '  release: trixie\n', kill('keepalived:haproxy-active'))).toEqual([refused('keepalived:haproxy-active', 5)]);
    expect(check({ ...local, actions: withKeepalived }, '  topology: minimal\n', kill('keepalived:haproxy-passive'))).toEqual([refused('keepalived:haproxy-passive', 5)]);
    const external: FaultCatalog = { provider: 'external', actions: withKeepalived, members: ['pg1'], etcdMembers: ['etcd1'] };
    expect(check(external, '  replication: synchronous\n', kill('keepalived:haproxy-active'))).toEqual([refused('keepalived:haproxy-active', 5)]);
  });

  it('takes no HAProxy by name, no member, and no action but kill', () => {
    expect(check(dockerKa, '  topology: seeds\n  release: trixie\n', kill('keepalived:haproxy1'))[0]).toMatch(/^t\.yaml:6:28: steps\[0\]\.fault\.target: target "keepalived:haproxy1" is not valid for action "kill" \(expected one of .*keepalived:haproxy-active, keepalived:haproxy-passive\)$/);
    expect(check(dockerKa, '  topology: seeds\n  release: trixie\n', kill('keepalived:primary'))[0]).toMatch(/target "keepalived:primary" is not valid for action "kill"/);
    expect(check(dockerKa, '  topology: seeds\n  release: trixie\n', kill('keepalived:haproxy-active', 'stop'))[0]).toMatch(/target "keepalived:haproxy-active" is not valid for action "stop"/);
  });
});
