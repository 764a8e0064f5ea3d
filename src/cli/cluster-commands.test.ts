import { describe, expect, it } from 'vitest';
import { FakeCluster } from '../cluster/fake/fake-cluster.js';
import type { ProviderEntry } from '../cluster/types.js';
import { downEach } from '../cluster/live.js';
import { clusterDown, describeUp } from './cluster-commands.js';

describe('cluster up, whatever the provider', () => {
  it('says where each endpoint is, how to connect, then the provider\'s own lines', () => {
    const c = new FakeCluster('synchronous', { failoverAfterMs: null });
    const entry = { describe: () => ['patronictl: somewhere'] } as unknown as ProviderEntry; // describeUp reads only describe()
    const text = describeUp(c, entry);
    expect(text.split('\n')[0]).toBe('fake cluster fake-run is up (patroni 3.0.2, postgres 15.0, etcd 3.4.23, haproxy 2.6.12; synchronous replication), run folder /nonexistent/fake-run');
    expect(text).toContain('  primary (read-write): fake:1\n');
    expect(text).toContain('  m2: postgres fake:11, REST http://fake/m2\n');
    expect(text).toContain(`connect: PGPASSWORD=${c.credentials.superuser.password} psql -h fake -p 1 -U ${c.credentials.superuser.username} postgres\npatronictl: somewhere\n`);
  });
});

describe('cluster down', () => {
  it('stops the other provider\'s runs when one provider fails, then fails (exit 3) naming both', async () => {
    const asked: string[] = [];
    const local = { down: async () => { asked.push('local'); return ['stopped 20260101-000000-aa']; } };
    const docker = { down: async () => { asked.push('docker'); throw new Error('docker ps failed: daemon gone'); } };
    // Docker's runs go first, as the registry lists it after local.
    await expect(clusterDown([local, docker])).rejects.toThrow(/docker ps failed: daemon gone\nstopped 20260101-000000-aa/);
    expect(asked).toEqual(['docker', 'local']);
  });

  it('a provider stops each of its runs though one before it could not be stopped, and fails naming it', async () => {
    const swept: string[] = [];
    const down = downEach(['r1', 'r2'], (r) => `docker cluster ${r}`, async (r) => {
      if (r === 'r1') throw new Error('docker rm -f failed');
      swept.push(r);
      return `stopped docker cluster ${r}`;
    });
    await expect(down).rejects.toThrow('could not stop docker cluster r1: docker rm -f failed\nstopped docker cluster r2');
    expect(swept).toEqual(['r2']);
  });

  it('says so when nothing was running', async () => {
    expect(await clusterDown([{}, { down: async () => [] }])).toBe('no cluster was running');
  });
});
