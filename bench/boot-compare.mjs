// Time to healthy of the `local` and the `docker` provider, side by side in one run:
// each round starts one cluster of each, alternating which goes first, so that both
// see the same machine state. Ends with medians, spread and the docker/local ratio.
//   BENCH_ROUNDS (default 5), BENCH_RELEASE (default bookworm), BENCH_PORT_BASE (default 9000),
//   BENCH_VERBOSE=1 prints the providers' progress lines.
// The docker images must be built already (bench/docker-images.mjs); they are not built here.
// Nothing is left running: a failed start or stop sweeps what it started and exits non-zero.
import { LocalProvider } from '../dist/cluster/local/provider.js';
import { listRuns, processesOfRun } from '../dist/cluster/local/run-record.js';
import { killRunProcesses } from '../dist/cluster/local/reaper.js';
import { liveClusters } from '../dist/cluster/live.js';
import { newDockerRunId, startDockerCluster } from '../dist/cluster/docker/start.js';
import { requireImages } from '../dist/cluster/docker/images.js';
import { leftovers, sweep } from '../dist/cluster/docker/sweep.js';
import { describe, median } from './stats.mjs';

const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const release = process.env.BENCH_RELEASE ?? 'bookworm';
const portBase = Number(process.env.BENCH_PORT_BASE ?? 9000);
const progress = process.env.BENCH_VERBOSE ? (l) => console.log(`    ${l}`) : undefined;
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`BENCH_ROUNDS must be a positive integer, not ${process.env.BENCH_ROUNDS}`);

const sec = (ms) => ms / 1000;
const fmtVersions = (v) => `patroni ${v.patroni}, postgres ${v.postgres}, etcd ${v.etcd}, haproxy ${v.haproxy}`;

// What is running now, so that a failure or a signal can stop it.
let current; // { provider, cluster?, runId? }

/** Kills whatever the local runs started by this process left (a failed start cleans itself; this is the net). */
async function cleanupLocal() {
  let killed = 0;
  for (const { runDir, record } of listRuns()) {
    if (record?.ownerPid !== process.pid) continue;
    killed += await killRunProcesses(runDir);
  }
  return killed;
}

async function cleanup() {
  const c = current;
  current = undefined;
  if (c === undefined) return;
  if (c.cluster !== undefined) await c.cluster.stop().catch((e) => console.error(`  stop failed: ${e.message}`));
  if (c.provider === 'docker' && c.runId !== undefined) {
    const s = await sweep(c.runId).catch((e) => (console.error(`  sweep ${c.runId} failed: ${e.message}`), undefined));
    const n = s ? s.containers.length + s.networks.length + s.volumes.length : 0;
    if (n > 0) console.error(`  swept ${n} docker object(s) of run ${c.runId}`);
  }
  if (c.provider === 'local') {
    // A local cluster registers itself here as soon as it exists, so one interrupted mid-start is stopped too.
    await Promise.allSettled([...liveClusters].map((l) => l.stop()));
    const n = await cleanupLocal();
    if (n > 0) console.error(`  killed ${n} leftover local process(es)`);
  }
}

let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`boot-compare: ${sig}: stopping what is running...`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function startLocal() {
  current = { provider: 'local' };
  const t0 = performance.now();
  const cluster = await new LocalProvider({ portBase }).start({ onProgress: progress });
  const t1 = performance.now();
  current.cluster = cluster;
  const versions = cluster.versions;
  await cluster.stop();
  const t2 = performance.now();
  current.cluster = undefined;
  const left = processesOfRun(cluster.runDir);
  if (left.length > 0) throw new Error(`local run ${cluster.runDir} left ${left.length} process(es) after stop: ${left.join(', ')}`);
  current = undefined;
  return { healthy: sec(t1 - t0), stop: sec(t2 - t1), versions };
}

async function startDocker() {
  const runId = newDockerRunId();
  current = { provider: 'docker', runId };
  const t0 = performance.now();
  const cluster = await startDockerCluster({ release, build: false, runId, onProgress: progress });
  const t1 = performance.now();
  current.cluster = cluster;
  const versions = { ...cluster.versions };
  await cluster.stop();
  const t2 = performance.now();
  current.cluster = undefined;
  const left = await leftovers(runId);
  const n = left.containers.length + left.networks.length + left.volumes.length;
  if (n > 0) throw new Error(`docker run ${runId} left ${JSON.stringify(left)} after stop`);
  current = undefined;
  return { healthy: sec(t1 - t0), stop: sec(t2 - t1), versions };
}

const starters = { local: startLocal, docker: startDocker };
const results = { local: { healthy: [], stop: [] }, docker: { healthy: [], stop: [] } };

try {
  await requireImages(release); // fail before anything starts if the images are missing
  console.log(`boot-compare: ${rounds} round(s), docker release ${release}, local port base ${portBase}`);
  for (let r = 1; r <= rounds; r++) {
    const order = r % 2 === 1 ? ['local', 'docker'] : ['docker', 'local'];
    for (const p of order) {
      const x = await starters[p]();
      results[p].healthy.push(x.healthy);
      results[p].stop.push(x.stop);
      console.log(`${p.padEnd(6)} round ${r}/${rounds}: healthy after ${x.healthy.toFixed(1)} s, stopped in ${x.stop.toFixed(2)} s (${fmtVersions(x.versions)})`);
    }
  }
} catch (err) {
  // Interrupted: the signal handler is stopping the cluster (which fails the start) and exits 130.
  if (interrupted) await new Promise(() => undefined);
  console.error(`boot-compare: ${current ? `${current.provider} ` : ''}failed: ${err.stack ?? err.message}`);
  await cleanup();
  process.exit(1);
}

const spread = (xs) => (Math.max(...xs) / median(xs)).toFixed(2);
console.log('');
for (const p of ['local', 'docker']) {
  const { healthy, stop } = results[p];
  console.log(`${p.padEnd(6)} time to healthy: ${describe(healthy)}, max/median ${spread(healthy)}`);
  console.log(`${p.padEnd(6)} time to stop:    ${describe(stop, 's', 2)}, max/median ${spread(stop)}`);
}
const ratio = median(results.docker.healthy) / median(results.local.healthy);
console.log(`docker/local median ratio (time to healthy): ${ratio.toFixed(2)} (target <= 1.5: ${ratio <= 1.5 ? 'met' : 'NOT met'})`);
