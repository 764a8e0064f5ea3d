// Time to healthy and time to a clean stop of the local provider, over several runs.
// BENCH_RUNS (default 5) and BENCH_PORT_BASE (default 9000) tune it; BENCH_PHASES=1 prints,
// for each run, when each milestone of the start came (seconds from start(), from the run's logs).
import { LocalProvider } from '../dist/cluster/local/provider.js';
import { processesOfRun } from '../dist/cluster/local/run-record.js';
import { formatPhases, phasesOf } from './phases.mjs';
import { describe, median } from './stats.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const portBase = Number(process.env.BENCH_PORT_BASE ?? 9000);
const healthy = [];
const stop = [];
for (let i = 1; i <= runs; i++) {
  const marks = [];
  const t0 = performance.now();
  const wall0 = Date.now();
  const cluster = await new LocalProvider({ portBase }).start({ onProgress: (line) => marks.push({ t: Date.now(), line }) });
  const t1 = performance.now();
  await cluster.stop();
  const t2 = performance.now();
  const left = processesOfRun(cluster.runDir).length;
  healthy.push((t1 - t0) / 1000);
  stop.push((t2 - t1) / 1000);
  console.log(`run ${i}/${runs}: healthy after ${((t1 - t0) / 1000).toFixed(1)} s, stopped in ${((t2 - t1) / 1000).toFixed(2)} s, ${left} processes left`);
  if (process.env.BENCH_PHASES) console.log(`  ${formatPhases(phasesOf(cluster.runDir, wall0, marks))}`);
}
const spread = (xs) => (Math.max(...xs) / median(xs)).toFixed(2);
console.log(`time to healthy (1 leader, 2 streaming replicas, HAProxy routing): ${describe(healthy)}, max/median ${spread(healthy)}`);
console.log(`time to clean stop (no process, no port left):                  ${describe(stop, 's', 2)}`);
