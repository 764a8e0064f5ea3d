import { LocalProvider } from '../cluster/local/provider.js';
import { killRunProcesses } from '../cluster/local/reaper.js';
import { listRuns, ownerAlive, readRunRecord, writeRunRecord } from '../cluster/local/run-record.js';
import { HOST } from '../cluster/local/topology.js';
import { ownerIsDead } from '../cluster/docker/owner.js';
import { listDockerRuns } from '../cluster/docker/runs.js';
import { startDockerCluster } from '../cluster/docker/start.js';
import { sweep } from '../cluster/docker/sweep.js';
import type { Release } from '../cluster/docker/images.js';
import { ScenarioError } from '../scenario/errors.js';
import type { Replication } from '../scenario/types.js';
import { setSignalExitCode } from './shutdown.js';

export interface UpOptions {
  provider: string;
  portBase?: number;
  release?: string;
  replication: Replication;
  set?: Record<string, unknown>;
}

/** Stays up until a signal; the shutdown handlers stop the cluster and exit 0: that is how `up` ends. */
async function holdUntilSignal(): Promise<never> {
  setSignalExitCode(0);
  return new Promise<never>(() => setInterval(() => undefined, 1 << 30));
}

/** `cluster up`: starts a cluster and keeps it until Ctrl-C or `cluster down`. */
export async function clusterUp(o: UpOptions): Promise<void> {
  const t0 = Date.now();
  const say = (m: string) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${m}\n`);
  if (o.provider === 'docker') return dockerUp(o, say);
  if (o.release !== undefined) {
    throw new ScenarioError([{ file: '', line: 0, column: 0, path: '--release', message: 'needs --provider docker: the local provider runs the components installed on this machine' }]);
  }
  const cluster = await new LocalProvider({ replication: o.replication, ...(o.portBase === undefined ? {} : { portBase: o.portBase }) }).start({ onProgress: say });
  say('cluster healthy');
  const t = cluster.topology;
  const su = t.credentials.superuser;
  process.stdout.write(
    [
      `cluster ${t.runId} is up (${t.replication} replication), run folder ${t.runDir}`,
      `  primary (read-write): ${HOST}:${t.haproxy.primaryPort}`,
      `  replicas (read-only): ${HOST}:${t.haproxy.replicaPort}`,
      `  any member:           ${HOST}:${t.haproxy.anyPort}`,
      `  HAProxy stats:        ${cluster.endpoints.statsUrl}`,
      ...t.members.map((m) => `  ${m.name}: postgres ${HOST}:${m.pgPort}, REST http://${HOST}:${m.restPort}`),
      `  etcd: ${t.etcd.map((e) => `http://${HOST}:${e.clientPort}`).join(',')}`,
      `connect: PGPASSWORD=${su.password} psql -h ${HOST} -p ${t.haproxy.primaryPort} -U ${su.username} postgres`,
      'Ctrl-C or `patroni-chaos cluster down` stops it.',
      '',
    ].join('\n'),
  );
  return holdUntilSignal();
}

async function dockerUp(o: UpOptions, say: (m: string) => void): Promise<void> {
  const c = await startDockerCluster({ release: (o.release ?? 'bookworm') as Release, replication: o.replication, onProgress: say });
  say('cluster healthy');
  const su = c.credentials.superuser;
  const v = c.versions;
  process.stdout.write(
    [
      `docker cluster ${c.runId} is up (${c.release}: patroni ${v.patroni}, postgres ${v.postgres}, etcd ${v.etcd}, haproxy ${v.haproxy}; ${c.replication} replication)`,
      `  primary (read-write): ${c.endpoints.primary.host}:${c.endpoints.primary.port}`,
      `  replicas (read-only): ${c.endpoints.replicas.host}:${c.endpoints.replicas.port}`,
      `  any member:           ${c.endpoints.any.host}:${c.endpoints.any.port}`,
      `  HAProxy stats:        ${c.endpoints.statsUrl}`,
      ...c.members.map((m) => `  ${m.name} (container ${c.node(m.name).container}, ${c.node(m.name).ip}): postgres ${m.pg.host}:${m.pg.port}, REST ${m.restUrl}`),
      `  etcd: ${c.etcd.map((e) => e.clientUrl).join(',')}`,
      `connect: PGPASSWORD=${su.password} psql -h ${c.endpoints.primary.host} -p ${c.endpoints.primary.port} -U ${su.username} postgres`,
      `patronictl: docker exec ${c.node('patroni1').container} patronictl list`,
      'Ctrl-C or `patroni-chaos cluster down` stops it and removes its containers, network and volumes.',
      '',
    ].join('\n'),
  );
  return holdUntilSignal();
}

/** Asks an owner process to stop its cluster (SIGTERM), then insists (SIGKILL) after 30 s. */
async function stopOwner(pid: number, alive: () => boolean): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const deadline = Date.now() + 30_000;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive()) process.kill(pid, 'SIGKILL');
}

/** `cluster down`: asks each owner to stop its cluster; removes directly what is left (local processes, docker objects by label). */
export async function clusterDown(): Promise<string> {
  const lines: string[] = [];
  for (const r of await listDockerRuns()) {
    const [, pid] = r.owner.split('/');
    if (r.ownerAlive && pid !== undefined && Number(pid) !== process.pid) {
      await stopOwner(Number(pid), () => !ownerIsDead(r.owner));
    }
    const removed = await sweep(r.runId);
    lines.push(`stopped docker cluster ${r.runId}${removed.containers.length > 0 ? ` (removed ${removed.containers.length} containers, ${removed.networks.length} network(s), ${removed.volumes.length} volume(s))` : ''}`);
  }
  for (const { runDir, record } of listRuns()) {
    if (record?.state === 'stopped') continue;
    if (record && ownerAlive(record)) await stopOwner(record.ownerPid, () => ownerAlive(record));
    const killed = await killRunProcesses(runDir);
    const current = readRunRecord(runDir);
    if (current) writeRunRecord({ ...current, state: 'stopped' });
    lines.push(`stopped ${record?.runId ?? runDir}${killed > 0 ? ` (reaped ${killed} leftover processes)` : ''}`);
  }
  return lines.length > 0 ? lines.join('\n') : 'no cluster was running';
}
