// Time from startDockerCluster() to healthy (1 leader, 2 streaming replicas,
// a write through HAProxy) and to a clean stop, over several runs.
//   BENCH_RUNS (default 3), BENCH_RELEASE (default bookworm).
// Images are built first (and not counted): see bench/docker-images.mjs.
import { startDockerCluster } from '../dist/cluster/docker/start.js';
import { buildImages } from '../dist/cluster/docker/images.js';
import { leftovers } from '../dist/cluster/docker/sweep.js';
import { describe } from './stats.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const release = process.env.BENCH_RELEASE ?? 'bookworm';
await buildImages({ release, onProgress: (l) => console.log(`  ${l}`) });
const healthy = [];
const stop = [];
for (let i = 1; i <= runs; i++) {
  const t0 = performance.now();
  const cluster = await startDockerCluster({ release, build: false, onProgress: process.env.BENCH_VERBOSE ? (l) => console.log(`  ${l}`) : undefined });
  const t1 = performance.now();
  const v = cluster.versions;
  await cluster.stop();
  const t2 = performance.now();
  const left = await leftovers(cluster.runId);
  const n = left.containers.length + left.networks.length + left.volumes.length;
  healthy.push((t1 - t0) / 1000);
  stop.push((t2 - t1) / 1000);
  console.log(`run ${i}/${runs} (${release}: patroni ${v.patroni}, postgres ${v.postgres}, etcd ${v.etcd}, haproxy ${v.haproxy}): healthy after ${((t1 - t0) / 1000).toFixed(1)} s, stopped in ${((t2 - t1) / 1000).toFixed(2)} s, ${n} labelled objects left`);
}
console.log(`time to healthy: ${describe(healthy)}`);
console.log(`time to clean stop (no container, network or volume left): ${describe(stop, 's', 2)}`);
