// Do two clusters at once on this machine shift a scenario's timings? The same scenario K
// times one at a time, then K times with `run --parallel N`, through the CLI as a user runs
// it, each into its own suite folder; prints both sides' distributions (min / p50 / p95 / max
// from summary.json) side by side, the wall times, and the machine's busy cores while each ran
// (from /proc/stat): the serial side's is what one cluster and its harness take, which is how
// many cores each cluster of `--parallel` needs.
//   BENCH_SCENARIO (default scenarios/kill-primary.yaml), BENCH_K (default 6 runs a side),
//   BENCH_PARALLEL (default 2), BENCH_PROVIDER (default docker), BENCH_REPORT_DIR (default
//   reports/bench-parallel), BENCH_FIRST=parallel runs the parallel side first (run the bench
//   both ways: the machine warms up).
// Needs `npm run build` first (the CLI runs from dist/). Starts real clusters: run it alone on the machine (see docs/cli.md, "Several runs at once").
// Nothing is left running: Ctrl-C reaches the CLI, which stops its clusters.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const scenario = process.env.BENCH_SCENARIO ?? 'scenarios/kill-primary.yaml';
const k = Number(process.env.BENCH_K ?? 6);
const parallel = Number(process.env.BENCH_PARALLEL ?? 2);
const provider = process.env.BENCH_PROVIDER ?? 'docker';
const reportDir = process.env.BENCH_REPORT_DIR ?? join('reports', 'bench-parallel');
const parallelFirst = process.env.BENCH_FIRST === 'parallel';
if (!Number.isInteger(k) || k < 2) throw new Error(`BENCH_K must be an integer of at least 2 (a distribution), not ${process.env.BENCH_K}`);
if (!Number.isInteger(parallel) || parallel < 2) throw new Error(`BENCH_PARALLEL must be an integer of at least 2, not ${process.env.BENCH_PARALLEL}`);

/** Busy and total jiffies of all CPUs, from the first line of /proc/stat. */
function cpuTimes() {
  const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const idle = f[3] + (f[4] ?? 0);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}
const cores = readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((l) => l.startsWith('processor')).length;

let child;
// Ctrl-C reaches the CLI from the terminal (same process group): the bench waits for it to stop its
// clusters rather than send a second signal, which would make it exit at once.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child?.kill('SIGTERM'));

/** One side: the CLI run into its own folder; its wall time, the busy cores on average and at the busiest second. */
async function side(name, extra) {
  const dir = join(reportDir, name);
  const args = ['bin/patroni-chaos.js', 'run', '--provider', provider, scenario, '--iterations', String(k), '--report-dir', dir, ...extra];
  console.log(`\n== ${name}: node ${args.join(' ')}`);
  const t0 = performance.now();
  const c0 = cpuTimes();
  let last = c0;
  let peak = 0;
  const sampler = setInterval(() => {
    const c = cpuTimes();
    peak = Math.max(peak, ((c.busy - last.busy) / Math.max(1, c.total - last.total)) * cores);
    last = c;
  }, 1000);
  child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise((resolve) => child.on('exit', (c, sig) => resolve(c ?? (sig ? 130 : 3))));
  clearInterval(sampler);
  child = undefined;
  const c1 = cpuTimes();
  const wallMs = performance.now() - t0;
  // The suite folder the run made under its report dir (one per side: the dir is the side's own).
  const suite = readdirSync(dir).sort().at(-1);
  if (code === 130 || suite === undefined) throw new Error(`${name}: the run was interrupted or wrote no suite folder (exit ${code})`);
  const summary = JSON.parse(readFileSync(join(dir, suite, 'summary.json'), 'utf8'));
  return { name, code, wallMs, summary, dir: join(dir, suite), avgCores: ((c1.busy - c0.busy) / Math.max(1, c1.total - c0.total)) * cores, peakCores: peak };
}

const order = parallelFirst ? ['parallel', 'serial'] : ['serial', 'parallel'];
const sides = {};
for (const name of order) sides[name] = await side(name, name === 'parallel' ? ['--parallel', String(parallel)] : []);
const { serial, parallel: par } = sides;

const fmt = (metric, v) => (v === null || v === undefined ? '-' : metric.endsWith('_ms') ? `${(v / 1000).toFixed(2)} s` : String(v));
const cell = (metric, d) => (d === undefined ? '-' : `${['min', 'p50', 'p95', 'max'].map((s) => fmt(metric, d[s])).join(' / ')} (n=${d.measured})`);
console.log(`\n${scenario}, ${k} runs a side, ${provider}, this machine: ${cores} cores; ${order.join(' first, then ')}`);
for (const [name, st] of Object.entries(serial.summary.stats)) {
  const other = par.summary.stats[name]?.distributions ?? {};
  console.log(`\n${name}: min / p50 / p95 / max`);
  const rows = Object.keys(st.distributions).map((m) => [m, cell(m, st.distributions[m]), cell(m, other[m])]);
  const w = [Math.max(6, ...rows.map((r) => r[0].length)), Math.max(6, ...rows.map((r) => r[1].length))];
  console.log(`  ${'metric'.padEnd(w[0])}  ${'serial'.padEnd(w[1])}  --parallel ${parallel}`);
  for (const r of rows) console.log(`  ${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${r[2]}`);
  console.log(`  verdicts: serial ${st.pass} pass / ${st.fail} fail / ${st.error} error; parallel ${par.summary.stats[name]?.pass ?? 0} / ${par.summary.stats[name]?.fail ?? 0} / ${par.summary.stats[name]?.error ?? 0}`);
}
for (const s of [serial, par]) {
  console.log(`\n${s.name}: wall ${(s.wallMs / 1000).toFixed(1)} s (${(s.wallMs / 1000 / k).toFixed(1)} s a run), busy cores ${s.avgCores.toFixed(2)} on average, ${s.peakCores.toFixed(2)} at the busiest second, summary.json parallel ${s.summary.parallel}, exit ${s.code}: ${s.dir}`);
}
console.log(`\nspeed-up ${(serial.wallMs / par.wallMs).toFixed(2)}x. Timings shift when the two distributions differ beyond their spread; with K=${k} only a shift larger than the serial side's min..max says so.`);
