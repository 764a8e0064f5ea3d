import { describe, expect, it } from 'vitest';
import type { ClusterFile } from '../cluster/external/cluster-file.js';
import { FAULTS, faultCatalog } from './registry.js';

describe('fault registry', () => {
  it('registers every fault once under its action name', () => {
    expect([...FAULTS.keys()].sort()).toEqual([
      'cut-clients', 'drop-packets', 'failover', 'isolate', 'kill', 'kill-patroni', 'kill-postgres', 'move-etcd-leader', 'partition-dcs', 'partition-hosts', 'partition-majority',
      'pause-replication', 'reset-replication', 'restart', 'shutdown', 'slow-clients', 'slow-dcs', 'slow-replication', 'starve-cpu', 'stop', 'switchover', 'throttle-replication',
    ]);
    for (const [action, f] of FAULTS) expect(f.action).toBe(action);
  });

  it('lets kill and stop alone act on a member\'s PgBouncer (pgbouncer:<member target>), as they act on the seeds topology\'s HAProxies', () => {
    expect([...FAULTS.values()].filter((f) => f.targets.includes('pgbouncer')).map((f) => f.action)).toEqual(['kill', 'stop']);
    expect([...FAULTS.values()].filter((f) => f.targets.includes('haproxy')).map((f) => f.action)).toEqual(['kill', 'stop']);
  });

  it('lets kill alone act on keepalived beside an HAProxy of the pair (keepalived:<haproxy target>)', () => {
    expect([...FAULTS.values()].filter((f) => f.targets.includes('keepalived')).map((f) => f.action)).toEqual(['kill']);
  });

  it('marks as unsupported what a provider lacks the capability for', () => {
    const catalog = faultCatalog('bare', new Set(['patroni-rest']), ['m1'], ['e1']);
    expect(catalog.actions.get('switchover')?.supported).toBe(true);
    expect(catalog.actions.get('kill')?.supported).toBe(false);
    expect(catalog.actions.get('partition-dcs')?.supported).toBe(false);
  });

  it('says why a fault is unsupported: the provider\'s own reason, else the capability in words', () => {
    const catalog = faultCatalog('bare', new Set(['process-control']), ['m1'], ['e1'], { 'patroni-signal': 'Patroni is PID 1 here' });
    expect(catalog.actions.get('kill')?.unsupported).toBeUndefined();
    expect(catalog.actions.get('kill-patroni')?.unsupported).toBe('Patroni is PID 1 here');
    expect(catalog.actions.get('slow-dcs')?.unsupported).toBe('it cannot do latency and bandwidth on links');
  });

  it('lets the local provider run every fault but the host partitions, CPU caps and packet loss, and the docker provider every one', async () => {
    const { PROVIDERS } = await import('../cluster/registry.js');
    const unsupported = (name: string) => {
      const p = PROVIDERS.get(name);
      if (p === undefined) throw new Error(`no provider ${name}`);
      return [...faultCatalog(p.name, p.capabilities, p.members, p.etcdMembers, p.missing).actions].filter(([, a]) => !a.supported).map(([k]) => k).sort();
    };
    expect(unsupported('local')).toEqual(['drop-packets', 'partition-hosts', 'starve-cpu']);
    expect(unsupported('docker')).toEqual([]);
  });

  it('names the faults a fault cannot share a run with, from the provider\'s exclusive abilities', async () => {
    const { PROVIDERS } = await import('../cluster/registry.js');
    const docker = PROVIDERS.get('docker');
    if (docker === undefined) throw new Error('no docker provider');
    const catalog = faultCatalog(docker.name, docker.capabilities, docker.members, docker.etcdMembers, docker.missing, docker.exclusive);
    const shaping = ['slow-dcs', 'slow-replication', 'throttle-replication', 'reset-replication', 'slow-clients'];
    expect(catalog.actions.get('partition-hosts')?.excludes?.map((x) => [...x.actions].sort())).toEqual([[...shaping].sort()]);
    expect(catalog.actions.get('drop-packets')?.excludes?.map((x) => [...x.actions].sort())).toEqual([[...shaping].sort()]);
    // The cuts go to the proxy in such a run, and the rest never touch the links.
    for (const a of ['partition-dcs', 'isolate', 'partition-majority', 'cut-clients', 'kill', 'slow-dcs']) expect(catalog.actions.get(a)?.excludes).toBeUndefined();
  });

  it('refuses starve-cpu on the local and external providers by name and reason, and offers move-etcd-leader on all three', async () => {
    const { PROVIDERS } = await import('../cluster/registry.js');
    const { externalEntry } = await import('../cluster/external/entry.js');
    const local = PROVIDERS.get('local');
    if (local === undefined) throw new Error('no local provider');
    const localCatalog = faultCatalog(local.name, local.capabilities, local.members, local.etcdMembers, local.missing);
    expect(localCatalog.actions.get('starve-cpu')?.unsupported).toMatch(/^its members are processes in the harness's own cgroup/);
    expect(localCatalog.actions.get('move-etcd-leader')?.supported).toBe(true);
    // Every container named and iptables allowed: the most an external cluster file can offer.
    const file = { file: 'c.yaml', members: [{ name: 'pg1', container: 'pg1' }], etcd: [{ name: 'etcd1', container: 'etcd1' }], haproxy: { container: 'haproxy' }, iptables: true } as unknown as ClusterFile;
    const ext = externalEntry(file);
    const extCatalog = faultCatalog(ext.name, ext.capabilities, ext.members, ext.etcdMembers, ext.missing);
    expect(extCatalog.actions.get('starve-cpu')?.unsupported).toMatch(/^the harness does not change the resources of containers it did not start/);
    expect(extCatalog.actions.get('move-etcd-leader')?.supported).toBe(true);
  });

  it.each([
    ['starve-cpu', {}, undefined],
    ['starve-cpu', { cpus: 0.05 }, undefined],
    ['starve-cpu', { cpus: 0 }, 'expected cpus: a number of CPUs from 0.01 to 64'],
    ['starve-cpu', { cpus: '5%' }, 'expected cpus: a number of CPUs from 0.01 to 64'],
    ['starve-cpu', { cpu: 0.05 }, 'unknown parameter(s) cpu; expected cpus'],
    ['move-etcd-leader', {}, undefined],
    ['move-etcd-leader', { to: 'etcd2' }, 'unknown parameter(s) to; move-etcd-leader takes none'],
    ['slow-dcs', { latency_ms: 100 }, undefined],
    ['slow-dcs', { latency_ms: -1 }, 'expected latency_ms: a number of milliseconds >= 0'],
    ['slow-replication', { latency: 5 }, 'unknown parameter(s) latency; expected latency_ms and optionally jitter_ms'],
    ['throttle-replication', { rate_kbps: 64 }, undefined],
    ['throttle-replication', { rate_kbps: 0 }, 'expected rate_kbps: a whole number of KB/s > 0'],
    ['partition-hosts', { grudge: 'majorities-ring' }, undefined],
    ['partition-hosts', {}, 'expected grudge: one of majorities-ring, bridge, random-halves'],
    ['partition-hosts', { grudge: 'ring', extra: 1 }, 'unknown parameter(s) extra; expected grudge'],
  ])('checks the parameters of %s %j', (action, params, expected) => {
    expect(FAULTS.get(action)?.params?.(params)).toBe(expected);
  });
});
