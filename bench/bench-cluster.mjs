// The cluster the workload benches share: a local cluster with the workload's schema and, beside
// it, a table of the same shape for pgbench's one-row insert, with keys ascending as the
// workload's do (they all land on the index's rightmost page).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalProvider } from '../dist/cluster/local/provider.js';
import { withSql } from '../dist/cluster/sql.js';
import { createSchema } from '../dist/workload/schema.js';

export async function startBenchCluster(portBase) {
  const cluster = await new LocalProvider({ portBase }).start();
  const ep = cluster.endpoints.primary;
  try {
    await withSql(ep, cluster.credentials, async (c) => {
      await createSchema(c, 'bench');
      await c.query('CREATE TABLE pgbench_writes (LIKE patroni_chaos.chaos_writes INCLUDING ALL)');
      await c.query('CREATE SEQUENCE pgbench_keys');
    });
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'pc-bench-'));
  const script = join(tmp, 'insert.sql');
  writeFileSync(script, "INSERT INTO pgbench_writes (k, writer) VALUES (nextval('pgbench_keys'), :client_id);\n");
  const su = cluster.credentials.superuser;
  return {
    cluster,
    ep,
    tmp,
    nodeByAddress: new Map(cluster.members.map((m) => [`${m.serverAddress.host}:${m.serverAddress.port}`, m.name])),
    /** pgbench's command line for `clients` clients over `seconds`, and the environment with the password. */
    pgbench: (clients, seconds) => ({
      args: ['-n', '-c', String(clients), '-j', String(Math.min(clients, 2)), '-T', String(seconds), '-f', script, '-h', ep.host, '-p', String(ep.port), '-U', su.username, 'postgres'],
      env: { ...process.env, PGPASSWORD: su.password },
    }),
  };
}
