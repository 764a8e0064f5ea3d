// Boot time of a docker run with a network fault's proxy in the path (the
// proxy container, its 21 links, Patroni and HAProxy through them) against
// one without, alternating so that both meet the same machine: time from
// startDockerCluster() to healthy (1 leader, 2 streaming replicas, a write
// through HAProxy, the scenario's settings in force), medians per side.
//   node bench/docker-proxy-boot.mjs [rounds]   (default 3; BENCH_RELEASE, default bookworm)
// Images are built first (and not counted). Run it alone (flock /tmp/cluster.lock ...).
import { startDockerCluster } from '../dist/cluster/docker/start.js';
import { buildImages } from '../dist/cluster/docker/images.js';
import { leftovers } from '../dist/cluster/docker/sweep.js';
import { describe, median } from './stats.mjs';

const rounds = Number(process.argv[2] ?? 3);
const release = process.env.BENCH_RELEASE ?? 'bookworm';
await buildImages({ release, onProgress: (l) => console.log(`  ${l}`) });
const times = { direct: [], proxied: [] };
for (let i = 1; i <= rounds; i++) {
  // Alternate which side goes first, so neither always meets a warmer machine.
  const order = i % 2 === 1 ? ['direct', 'proxied'] : ['proxied', 'direct'];
  for (const side of order) {
    const t0 = performance.now();
    const cluster = await startDockerCluster({ release, build: false, proxied: side === 'proxied' });
    const s = (performance.now() - t0) / 1000;
    await cluster.stop();
    const left = await leftovers(cluster.runId);
    const n = left.containers.length + left.networks.length + left.volumes.length;
    times[side].push(s);
    console.log(`round ${i}/${rounds} ${side.padEnd(7)}: healthy after ${s.toFixed(1)} s (${cluster.nodes.size} containers), ${n} labelled objects left`);
  }
}
console.log(`${release}, time to healthy:`);
console.log(`  without proxy: ${describe(times.direct)}`);
console.log(`  with proxy:    ${describe(times.proxied)}`);
console.log(`  difference of medians: ${(median(times.proxied) - median(times.direct)).toFixed(1)} s`);
