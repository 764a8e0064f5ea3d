import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../scenario/load.js';
import { clusterConfigOf } from '../../runner/run-scenario.js';
import type { StartedCluster } from '../types.js';
import { packageProbes, parseDpkgQuery } from './packages.js';

describe('the exact Debian packages a docker cluster runs', () => {
  it('reads dpkg-query lines, leaving out a package that is not installed', () => {
    expect(parseDpkgQuery('patroni 4.1.5-2\npostgresql-18 18.6-3\npython3-etcd \n')).toEqual({ patroni: '4.1.5-2', 'postgresql-18': '18.6-3' });
  });

  it('asks each image for its own packages, PostgreSQL by the release\'s major', () => {
    expect(packageProbes('forky')).toEqual([
      { container: 'patroni1', packages: ['postgresql-18', 'patroni', 'python3-etcd', 'pgbouncer'] },
      { container: 'etcd1', packages: ['etcd-server', 'etcd-client'] },
      { container: 'haproxy', packages: ['haproxy', 'keepalived'] },
      { container: 'prometheus', packages: ['prometheus', 'prometheus-alertmanager'] },
    ]);
    // The seeds topology's HAProxies are haproxy1 and haproxy2.
    expect(packageProbes('trixie', 'haproxy1')[2]).toEqual({ container: 'haproxy1', packages: ['haproxy', 'keepalived'] });
    expect(packageProbes('bookworm')[0]?.packages[0]).toBe('postgresql-15');
  });

  it('lands in report.json as cluster.packages beside cluster.release, and is absent where the provider read none', () => {
    const scenario = loadScenarioText('name: t\nsteps:\n  - sleep: 1s\n', 't.yaml');
    const cluster = { dcs: { ttl: 30, loop_wait: 10, retry_timeout: 10 }, release: 'forky', packages: { patroni: '4.1.5-2' } } as unknown as StartedCluster;
    expect(clusterConfigOf(cluster, scenario)).toMatchObject({ release: 'forky', packages: { patroni: '4.1.5-2' } });
    const { packages: _none, ...bare } = cluster as unknown as Record<string, unknown>;
    expect(clusterConfigOf(bare as unknown as StartedCluster, scenario)).not.toHaveProperty('packages');
  });
});
