// Workload throughput next to pgbench's, on the same cluster, concurrency and
// one-row insert, alternated so that drift affects both alike; then the wall
// time of the kill-primary scenario. BENCH_SECONDS, BENCH_ROUNDS, BENCH_CLIENTS tune it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalProvider } from '../dist/cluster/local/provider.js';
import { withSql } from '../dist/cluster/sql.js';
import { History } from '../dist/history/history.js';
import { createSchema } from '../dist/workload/schema.js';
import { Workload } from '../dist/workload/workload.js';
import { describe, median } from './stats.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const clients = Number(process.env.BENCH_CLIENTS ?? 4);
const portBase = Number(process.env.BENCH_PORT_BASE ?? 9100);
const tmp = mkdtempSync(join(tmpdir(), 'pc-bench-'));

const cluster = await new LocalProvider({ portBase }).start();
const ep = cluster.endpoints.primary;
const su = cluster.credentials.superuser;
try {
  await withSql(ep, cluster.credentials, async (c) => {
    await createSchema(c, 'bench');
    await c.query('CREATE TABLE pgbench_writes (LIKE patroni_chaos.chaos_writes INCLUDING ALL)');
    await c.query('CREATE SEQUENCE pgbench_keys');
  });
  // pgbench's side of the comparison: the same one-row insert into a table of the same shape,
  // with keys ascending as the workload's do (they all land on the index's rightmost page).
  const script = join(tmp, 'insert.sql');
  writeFileSync(script, "INSERT INTO pgbench_writes (k, writer) VALUES (nextval('pgbench_keys'), :client_id);\n");
  const ours = [];
  const theirs = [];
  for (let r = 1; r <= rounds; r++) {
    // Each round's workload starts its keys at 1 again.
    await withSql(ep, cluster.credentials, (c) => c.query('TRUNCATE patroni_chaos.chaos_writes'));
    const history = new History(join(tmp, `history-${r}.jsonl`));
    let ok = 0;
    const w = new Workload({ writers: clients, timeoutMs: 5000 }, { endpoint: ep, credentials: cluster.credentials, nodeByAddress: new Map(cluster.members.map((m) => [`${m.serverAddress.host}:${m.serverAddress.port}`, m.name])) }, (e) => {
      history.append(e);
      if (e.outcome === 'ok') ok++;
    });
    const t0 = performance.now();
    w.start();
    await new Promise((res) => setTimeout(res, seconds * 1000));
    await w.stop();
    const elapsed = (performance.now() - t0) / 1000;
    await history.close();
    ours.push(ok / elapsed);
    const out = execFileSync('pgbench', ['-n', '-c', String(clients), '-j', String(Math.min(clients, 2)), '-T', String(seconds), '-f', script, '-h', ep.host, '-p', String(ep.port), '-U', su.username, 'postgres'], { env: { ...process.env, PGPASSWORD: su.password }, encoding: 'utf8' });
    const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1]);
    theirs.push(tps);
    console.log(`round ${r}/${rounds}: patroni-chaos workload ${(ok / elapsed).toFixed(0)} writes/s, pgbench ${tps.toFixed(0)} tps (${clients} clients, ${seconds} s each)`);
  }
  console.log(`workload: ${describe(ours, 'writes/s', 0)}`);
  console.log(`pgbench:  ${describe(theirs, 'tps', 0)}`);
  console.log(`ratio workload / pgbench (medians): ${(median(ours) / median(theirs)).toFixed(3)}`);
} finally {
  await cluster.stop();
}

if (process.env.BENCH_SKIP_SCENARIO !== '1') {
  const t0 = performance.now();
  const run = spawnSync(process.execPath, ['bin/patroni-chaos.js', 'run', 'scenarios/kill-primary.yaml', '--report-dir', join(tmp, 'reports'), '--port-base', String(portBase)], { encoding: 'utf8' });
  console.log(`kill-primary wall time: ${((performance.now() - t0) / 1000).toFixed(1)} s (exit ${run.status}): ${run.stdout.split('\n')[0]}`);
}
