// Time to healthy of this checkout's local provider against another checkout's (BENCH_BASE, a
// folder with a built dist/), alternating which goes first in each round so that both see the
// same machine state. BENCH_ROUNDS (default 5), BENCH_PORT_BASE (default 9000) tune it;
// BENCH_PHASES=1 prints each start's milestones (bench/phases.mjs).
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatPhases, phasesOf } from './phases.mjs';
import { describe, median } from './stats.mjs';

const base = process.env.BENCH_BASE;
if (!base) throw new Error('BENCH_BASE must name a checkout with a built dist/ to compare against');
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const portBase = Number(process.env.BENCH_PORT_BASE ?? 9000);
const load = async (root) => ({
  provider: (await import(pathToFileURL(join(root, 'dist/cluster/local/provider.js')).href)).LocalProvider,
  left: (await import(pathToFileURL(join(root, 'dist/cluster/local/run-record.js')).href)).processesOfRun,
});
const sides = { base: await load(resolve(base)), this: await load(resolve(import.meta.dirname, '..')) };
const healthy = { base: [], this: [] };

for (let r = 1; r <= rounds; r++) {
  for (const side of r % 2 === 1 ? ['base', 'this'] : ['this', 'base']) {
    const { provider: Provider, left } = sides[side];
    const marks = [];
    const wall0 = Date.now();
    const t0 = performance.now();
    const cluster = await new Provider({ portBase }).start({ onProgress: (line) => marks.push({ t: Date.now(), line }) });
    const s = (performance.now() - t0) / 1000;
    await cluster.stop();
    const n = left(cluster.runDir).length;
    if (n > 0) throw new Error(`${side}: ${n} process(es) left after stop in ${cluster.runDir}`);
    healthy[side].push(s);
    console.log(`${side.padEnd(4)} round ${r}/${rounds}: healthy after ${s.toFixed(1)} s`);
    if (process.env.BENCH_PHASES) console.log(`  ${formatPhases(phasesOf(cluster.runDir, wall0, marks))}`);
  }
}
const spread = (xs) => (Math.max(...xs) / median(xs)).toFixed(2);
for (const side of ['base', 'this']) console.log(`${side.padEnd(4)} time to healthy: ${describe(healthy[side])}, max/median ${spread(healthy[side])}`);
console.log(`this/base median ratio: ${(median(healthy.this) / median(healthy.base)).toFixed(2)}`);
