import { describe, expect, it } from 'vitest';
import { FakeCluster } from '../cluster/fake/fake-cluster.js';
import type { ProviderEntry } from '../cluster/types.js';
import { describeUp } from './cluster-commands.js';

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
