// Where the workload's per-write cost goes: starts a local cluster as
// bench/workload.mjs does, runs our Workload alone (with the history file, as
// a run has it) under the V8 CPU profiler for BENCH_SECONDS, and prints the
// top self-time functions, the time under a few functions of interest, and
// then, unprofiled and alternated, node's CPU per write with the history file and
// without it, next to pgbench's CPU per transaction on the same cluster.
// BENCH_SECONDS, BENCH_CLIENTS, BENCH_ROUNDS (of the unprofiled comparison), BENCH_PORT_BASE, BENCH_PROFILE_OUT (a .cpuprofile path to keep) tune it.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { withSql } from '../dist/cluster/sql.js';
import { History } from '../dist/history/history.js';
import { Workload } from '../dist/workload/workload.js';
import { startBenchCluster } from './bench-cluster.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const clients = Number(process.env.BENCH_CLIENTS ?? 4);
const portBase = Number(process.env.BENCH_PORT_BASE ?? 9100);

/** Self and inclusive milliseconds per function (name, file, line) from a .cpuprofile. */
function summarise(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n) => {
    const f = n.callFrame;
    const file = f.url ? f.url.replace(/^.*\/node_modules\//, '').replace(/^.*\/dist\//, 'dist/').replace(/^node:/, '') : '';
    return `${f.functionName || '(anonymous)'} ${file}${file ? `:${f.lineNumber + 1}` : ''}`;
  };
  const self = new Map();
  const incl = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    const leaf = byId.get(id);
    self.set(label(leaf), (self.get(label(leaf)) ?? 0) + dt);
    const seen = new Set();
    for (let n = leaf; n; n = byId.get(parent.get(n.id))) seen.add(label(n));
    for (const l of seen) incl.set(l, (incl.get(l) ?? 0) + dt);
  });
  return { self, incl, total };
}

const { cluster, ep, tmp, nodeByAddress, pgbench: pgbenchCommand } = await startBenchCluster(portBase);
try {
  /** One timed run of the workload; `file` mirrors the history to a file as a run does, else memory only. */
  const runWorkload = async (file, profiled) => {
    await withSql(ep, cluster.credentials, (c) => c.query('TRUNCATE patroni_chaos.chaos_writes'));
    const history = new History(file ? join(tmp, `history-${performance.now()}.jsonl`) : undefined);
    let ok = 0;
    const w = new Workload({ writers: clients, timeoutMs: 5000 }, { endpoint: ep, credentials: cluster.credentials, nodeByAddress }, (e) => {
      history.append(e);
      if (e.outcome === 'ok') ok++;
    });
    const session = profiled ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 200 });
      await session.post('Profiler.start');
    }
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    w.start();
    await new Promise((res) => setTimeout(res, seconds * 1000));
    await w.stop();
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const profile = session ? (await session.post('Profiler.stop')).profile : undefined;
    session?.disconnect();
    await history.close();
    const line = `workload (history ${file ? 'to a file' : 'in memory'}${profiled ? ', profiled' : ''}): ${(ok / elapsed).toFixed(0)} writes/s; node CPU ${((cpu.user + cpu.system) / ok).toFixed(1)} µs/write (user ${(cpu.user / ok).toFixed(1)}, system ${(cpu.system / ok).toFixed(1)})`;
    return { line, profile };
  };

  const { line, profile } = await runWorkload(true, true);
  console.log(line);
  if (process.env.BENCH_PROFILE_OUT) writeFileSync(process.env.BENCH_PROFILE_OUT, JSON.stringify(profile));
  const { self, incl, total } = summarise(profile);
  const pct = (ms) => `${((100 * ms) / total).toFixed(1).padStart(5)}%`;
  console.log(`profile: ${total.toFixed(0)} ms sampled (wall time: a native call's share includes time the thread waited for a CPU); top self time:`);
  for (const [l, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${pct(ms)}  ${l}`);
  console.log('inclusive time under functions of interest:');
  const interest = /^(append |stringify |query dist|query pg\/lib\/client|#writer |now |write |_write |handleDataRow|handleRowDescription|parse pg-protocol|bind pg-protocol|prepareValue|setTimeout |clearTimeout |writeOrBuffer|processTimers|listOnTimeout|\(garbage collector\)|\(idle\)|\(program\))/;
  for (const [l, ms] of [...incl].filter(([l]) => interest.test(l)).sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${pct(ms)}  ${l}`);

  // Unprofiled, alternated: node's CPU per write with and without the history file, and pgbench's per transaction.
  const pgbench = () => {
    // `times` prints the shell's own user and system time, then its children's (pgbench's): "0m1.234s 0m0.567s".
    const { args, env } = pgbenchCommand(clients, seconds);
    const out = execFileSync('bash', ['-c', 'pgbench "$@" && times', 'pgbench', ...args], { env, encoding: 'utf8' });
    const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1]);
    const txs = Number(/number of transactions actually processed: (\d+)/.exec(out)?.[1]);
    const [, kids] = [...out.matchAll(/^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/gm)];
    const cpu = kids ? Number(kids[1]) * 60 + Number(kids[2]) + Number(kids[3]) * 60 + Number(kids[4]) : NaN;
    return `pgbench: ${tps.toFixed(0)} tps; pgbench CPU ${((1e6 * cpu) / txs).toFixed(1)} µs/transaction`;
  };
  const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
  for (let r = 1; r <= rounds; r++) {
    console.log((await runWorkload(true, false)).line);
    console.log((await runWorkload(false, false)).line);
    console.log(pgbench());
  }
} finally {
  await cluster.stop();
}
