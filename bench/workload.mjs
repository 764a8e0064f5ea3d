// Workload throughput next to pgbench's, on the same cluster, concurrency and
// one-row insert, alternated so that drift affects both alike; then the wall
// time of the kill-primary scenario. BENCH_SECONDS, BENCH_ROUNDS, BENCH_CLIENTS tune it.
// BENCH_BASE=<another checkout with a built dist/> adds that checkout's workload (and history)
// to each round, so that a change is measured against its base side by side in one run.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { withSql } from '../dist/cluster/sql.js';
import { History } from '../dist/history/history.js';
import { Workload } from '../dist/workload/workload.js';
import { startBenchCluster } from './bench-cluster.mjs';
import { describe, median } from './stats.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const clients = Number(process.env.BENCH_CLIENTS ?? 4);
const portBase = Number(process.env.BENCH_PORT_BASE ?? 9100);
const base = process.env.BENCH_BASE
  ? { Workload: (await import(`${process.env.BENCH_BASE}/dist/workload/workload.js`)).Workload, History: (await import(`${process.env.BENCH_BASE}/dist/history/history.js`)).History }
  : undefined;

const { cluster, ep, tmp, nodeByAddress, pgbench } = await startBenchCluster(portBase);
try {
  /** One timed run of a workload build (this checkout's, or BENCH_BASE's) with its history to a file, as a run has it. */
  const runWorkload = async ({ Workload: W, History: H }, r, label) => {
    // Each run's workload starts its keys at 1 again.
    await withSql(ep, cluster.credentials, (c) => c.query('TRUNCATE patroni_chaos.chaos_writes'));
    const history = new H(join(tmp, `history-${label}-${r}.jsonl`));
    let ok = 0;
    const w = new W({ writers: clients, timeoutMs: 5000 }, { endpoint: ep, credentials: cluster.credentials, nodeByAddress }, (e) => {
      history.append(e);
      if (e.outcome === 'ok') ok++;
    });
    const t0 = performance.now();
    w.start();
    await new Promise((res) => setTimeout(res, seconds * 1000));
    await w.stop();
    const elapsed = (performance.now() - t0) / 1000;
    await history.close();
    return ok / elapsed;
  };
  const runPgbench = () => {
    const { args, env } = pgbench(clients, seconds);
    const out = execFileSync('pgbench', args, { env, encoding: 'utf8' });
    return Number(/tps = ([\d.]+)/.exec(out)?.[1]);
  };
  const results = { workload: [], pgbench: [], ...(base ? { base: [] } : {}) };
  const contenders = [
    ['workload', (r) => runWorkload({ Workload, History }, r, 'ours')],
    ['pgbench', async () => runPgbench()],
    ...(base ? [['base', (r) => runWorkload(base, r, 'base')]] : []),
  ];
  for (let r = 1; r <= rounds; r++) {
    // The order rotates each round, so that drift and warm-up favour none of them.
    const order = contenders.map((_, i) => contenders[(i + r - 1) % contenders.length]);
    const line = [];
    for (const [name, run] of order) {
      const x = await run(r);
      results[name].push(x);
      line.push(`${name} ${x.toFixed(0)}/s`);
    }
    console.log(`round ${r}/${rounds} (${clients} clients, ${seconds} s each): ${line.join(', ')}`);
  }
  console.log(`workload: ${describe(results.workload, 'writes/s', 0)}`);
  if (base) console.log(`base (${process.env.BENCH_BASE}): ${describe(results.base, 'writes/s', 0)}`);
  console.log(`pgbench:  ${describe(results.pgbench, 'tps', 0)}`);
  console.log(`ratio workload / pgbench (medians): ${(median(results.workload) / median(results.pgbench)).toFixed(3)}`);
  if (base) console.log(`ratio base / pgbench (medians): ${(median(results.base) / median(results.pgbench)).toFixed(3)}`);
  const perRound = results.workload.map((x, i) => x / results.pgbench[i]);
  console.log(`ratio workload / pgbench per round: median ${median(perRound).toFixed(3)} (min ${Math.min(...perRound).toFixed(3)}, max ${Math.max(...perRound).toFixed(3)})`);
} finally {
  await cluster.stop();
}

if (process.env.BENCH_SKIP_SCENARIO !== '1') {
  const t0 = performance.now();
  const run = spawnSync(process.execPath, ['bin/patroni-chaos.js', 'run', 'scenarios/kill-primary.yaml', '--report-dir', join(tmp, 'reports'), '--port-base', String(portBase)], { encoding: 'utf8' });
  console.log(`kill-primary wall time: ${((performance.now() - t0) / 1000).toFixed(1)} s (exit ${run.status}): ${run.stdout.split('\n')[0]}`);
}
