import { describe, expect, it } from 'vitest';
import { withSql, queryOne } from '../sql.js';
import { healthStatus } from '../patroni-api.js';
import { allPorts } from './topology.js';
import { listening } from '../../test-support/cli.js';
import { LocalProvider } from './provider.js';
import { processesOfRun } from './run-record.js';

describe('local provider (real etcd, Patroni, PostgreSQL, HAProxy)', () => {
  it('starts a healthy cluster that replicates writes, and leaves nothing behind on stop', async () => {
    const cluster = await new LocalProvider({ portBase: 7000 }).start();
    const runDir = cluster.runDir;
    const ports = allPorts(cluster.topology);
    try {
      // Exactly one member answers /primary with 200.
      const statuses = await Promise.all(cluster.members.map((m) => healthStatus(m.restUrl, '/primary')));
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      const primary = cluster.members[statuses.indexOf(200)]!;

      // A write through HAProxy's primary port lands on the primary...
      const port = await withSql(cluster.endpoints.primary, cluster.credentials, async (c) => {
        await c.query('CREATE TABLE itest (id int PRIMARY KEY, v text)');
        await c.query("INSERT INTO itest VALUES (1, 'through haproxy')");
        return (await c.query('SELECT inet_server_port() AS p')).rows[0].p as number;
      });
      expect(port).toBe(primary.pg.port);

      // ...and is read back on a replica, directly.
      const replica = cluster.members.find((m) => m !== primary)!;
      let row: { v: string } | undefined;
      for (let i = 0; i < 50 && row === undefined; i++) {
        row = await queryOne<{ v: string }>(replica.pg, cluster.credentials, 'SELECT v FROM itest WHERE id = 1').catch(() => undefined);
        if (row === undefined) await new Promise((r) => setTimeout(r, 100));
      }
      expect(row?.v).toBe('through haproxy');
      expect((await queryOne<{ r: boolean }>(replica.pg, cluster.credentials, 'SELECT pg_is_in_recovery() AS r'))?.r).toBe(true);
      expect(processesOfRun(runDir).length).toBeGreaterThan(6);
    } finally {
      await cluster.stop();
    }
    expect(processesOfRun(runDir)).toEqual([]);
    const stillListening = (await Promise.all(ports.map(async (p) => ((await listening(p)) ? p : undefined)))).filter((p) => p !== undefined);
    expect(stillListening).toEqual([]);
  });
});
