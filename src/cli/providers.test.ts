import { describe, expect, it } from 'vitest';
import { REPO } from '../test-support/cli.js';
import { refusalOf } from '../scenario/test-support.js';
import { loadChecked } from './scenario-commands.js';

const scenario = (name: string) => `${REPO}scenarios/${name}.yaml`;

describe('the docker provider takes latency and bandwidth faults (issue 20)', () => {
  it('validates the latency scenarios, and the cut ones still', () => {
    for (const name of ['slow-sync-standby', 'slow-etcd', 'primary-partitioned-from-etcd', 'split-brain-attempt']) {
      expect(refusalOf(() => loadChecked([scenario(name)], [], 'docker')), name).toEqual([]);
    }
  });
});

describe('the seeds topology (issue 22 §1)', () => {
  it('validates haproxy-active-lost on docker on every release, bookworm\'s PgBouncer 1.18 included', () => {
    for (const release of ['bookworm', 'trixie', 'forky']) {
      expect(refusalOf(() => loadChecked([scenario('haproxy-active-lost')], [`cluster.release=${release}`], 'docker')), release).toEqual([]);
    }
  });

  it('refuses it on local, and beside a latency fault on docker', () => {
    expect(refusalOf(() => loadChecked([scenario('haproxy-active-lost')], [], 'local'))[0]).toMatch(/cluster\.topology: provider "local" cannot make topology "seeds"/);
    expect(refusalOf(() => loadChecked([scenario('slow-sync-standby')], ['cluster.topology=seeds'], 'docker'))[0]).toMatch(/cluster\.topology: topology "seeds" has no proxied links/);
  });
});

describe('PgBouncer faults in the seeds topology (issue 22 §2)', () => {
  it('validates pgbouncer-lost-on-primary and failover-through-pgbouncer on docker on every release', () => {
    for (const release of ['bookworm', 'trixie', 'forky']) {
      for (const name of ['pgbouncer-lost-on-primary', 'failover-through-pgbouncer']) {
        expect(refusalOf(() => loadChecked([scenario(name)], [`cluster.release=${release}`], 'docker')), `${name} on ${release}`).toEqual([]);
      }
    }
  });

  it('refuses a pgbouncer: target on the minimal topology, naming the file and the field, on docker and on local', () => {
    const file = scenario('pgbouncer-lost-on-primary');
    const refused = `${file}:25:28: steps[2].fault.target: target "pgbouncer:primary" needs cluster.topology: seeds (PgBouncer on every member); this scenario's topology is minimal (HAProxy straight to PostgreSQL, no PgBouncer)`;
    expect(refusalOf(() => loadChecked([file], ['cluster.topology=minimal'], 'docker'))).toEqual([refused]);
    expect(refusalOf(() => loadChecked([file], ['cluster.topology=minimal'], 'local'))).toEqual([refused]);
    // As written (seeds), local refuses the topology itself.
    expect(refusalOf(() => loadChecked([file], [], 'local'))[0]).toMatch(/cluster\.topology: provider "local" cannot make topology "seeds"/);
  });
});

describe('keepalived faults in the seeds topology (issue 22: "kill keepalived")', () => {
  it('validates keepalived-lost on docker on every release', () => {
    for (const release of ['bookworm', 'trixie', 'forky']) {
      expect(refusalOf(() => loadChecked([scenario('keepalived-lost')], [`cluster.release=${release}`], 'docker')), release).toEqual([]);
    }
  });

  it('refuses a keepalived: target on the minimal topology, naming the file and the field, on docker and on local; local refuses seeds itself', () => {
    const file = scenario('keepalived-lost');
    const refused = `${file}:24:28: steps[2].fault.target: target "keepalived:haproxy-active" needs cluster.topology: seeds (keepalived holding a VIP over two HAProxies); this scenario's topology is minimal (one HAProxy, no keepalived)`;
    expect(refusalOf(() => loadChecked([file], ['cluster.topology=minimal'], 'docker'))).toEqual([refused]);
    expect(refusalOf(() => loadChecked([file], ['cluster.topology=minimal'], 'local'))).toEqual([refused]);
    expect(refusalOf(() => loadChecked([file], [], 'local'))[0]).toMatch(/cluster\.topology: provider "local" cannot make topology "seeds"/);
  });
});

describe('the CLI reaches the external provider through the registry', () => {
  it('asks for the cluster file, then takes the provider\'s own gate from its entry', async () => {
    const { providerEntry } = await import('./providers.js');
    const { tempTree, removeTempTrees } = await import('../scenario/test-support.js');
    expect(refusalOf(() => providerEntry('external', undefined))).toEqual(['--cluster-file: required with --provider external: the file that describes the cluster to attach to']);
    const dir = tempTree({ 'pw': 'secret\n' });
    const file = tempTree({ 'c.yaml': `scope: email-cluster
allow_faults: false
haproxy: { primary: 10.0.0.5:5000, replicas: 10.0.0.5:5001, stats: http://10.0.0.5:7000/ }
credentials: { superuser: { username: postgres, password_file: ${dir}/pw }, rest: { username: patroni, password_file: ${dir}/pw } }
members:
  - { name: patroni1, postgres: "10.0.0.1:5432", rest: "http://10.0.0.1:8008" }
  - { name: patroni2, postgres: "10.0.0.2:5432", rest: "http://10.0.0.2:8008" }
etcd:
  - { name: etcd1, url: "http://10.0.0.1:2379" }
` });
    try {
      const entry = providerEntry('external', `${file}/c.yaml`);
      expect(providerEntry('external', `${file}/c.yaml`)).toBe(entry);
      expect(refusalOf(() => entry.confirm?.({ typed: 'email-cluster', faulting: ['kill-primary'] }))).toEqual([
        `${file}/c.yaml: allow_faults: is not true, and these scenarios inject faults: kill-primary. Set allow_faults: true in the file to let this cluster be faulted`,
      ]);
    } finally {
      removeTempTrees();
    }
  });
});
