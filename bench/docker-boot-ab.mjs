// Time to healthy of this checkout's docker provider against another checkout's (BENCH_BASE, a
// folder with a built dist/), alternating which goes first in each round so that both see the
// same machine state. BENCH_ROUNDS (default 5), BENCH_RELEASE (default bookworm). Each side
// builds its own images first (not counted). Nothing is left running: each cluster is stopped
// and its labelled objects are counted.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, median } from './stats.mjs';

const base = process.env.BENCH_BASE;
if (!base) throw new Error('BENCH_BASE must name a checkout with a built dist/ to compare against');
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const release = process.env.BENCH_RELEASE ?? 'bookworm';
const load = async (root) => ({
  start: (await import(pathToFileURL(join(root, 'dist/cluster/docker/start.js')).href)).startDockerCluster,
  build: (await import(pathToFileURL(join(root, 'dist/cluster/docker/images.js')).href)).buildImages,
  leftovers: (await import(pathToFileURL(join(root, 'dist/cluster/docker/sweep.js')).href)).leftovers,
});
const sides = { base: await load(resolve(base)), this: await load(resolve(import.meta.dirname, '..')) };
for (const side of ['base', 'this']) await sides[side].build({ release, onProgress: () => undefined });
const healthy = { base: [], this: [] };
for (let r = 1; r <= rounds; r++) {
  for (const side of r % 2 === 1 ? ['base', 'this'] : ['this', 'base']) {
    const { start, leftovers } = sides[side];
    const t0 = performance.now();
    const cluster = await start({ release, build: false });
    const s = (performance.now() - t0) / 1000;
    await cluster.stop();
    const left = await leftovers(cluster.runId);
    const n = left.containers.length + left.networks.length + left.volumes.length;
    if (n > 0) throw new Error(`${side}: ${n} docker object(s) left after stop of ${cluster.runId}`);
    healthy[side].push(s);
    console.log(`${side.padEnd(4)} round ${r}/${rounds}: healthy after ${s.toFixed(1)} s`);
  }
}
const spread = (xs) => (Math.max(...xs) / median(xs)).toFixed(2);
for (const side of ['base', 'this']) console.log(`${side.padEnd(4)} time to healthy: ${describe(healthy[side])}, max/median ${spread(healthy[side])}`);
console.log(`this/base median ratio: ${(median(healthy.this) / median(healthy.base)).toFixed(2)}`);
