import { dirname } from 'node:path';
import { HarnessError } from '../errors.js';
import { getCluster, type ClusterMember } from '../cluster/patroni-api.js';
import { LocalProvider } from '../cluster/local/provider.js';
import { killRunProcesses } from '../cluster/local/reaper.js';
import { listRuns, ownerAlive, readRunRecord, writeRunRecord, type RunRecord } from '../cluster/local/run-record.js';
import { buildTopology, HOST } from '../cluster/topology.js';
import type { Replication } from '../scenario/types.js';
import { setSignalExitCode } from './shutdown.js';
import { table } from './table.js';

export interface UpOptions {
  portBase?: number;
  replication: Replication;
  set?: Record<string, unknown>;
}

/** `cluster up`: starts a cluster and keeps it until Ctrl-C or `cluster down`. */
export async function clusterUp(o: UpOptions): Promise<void> {
  const t0 = Date.now();
  const say = (m: string) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${m}\n`);
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
  // Stay up until a signal; the shutdown handlers stop the cluster and exit 0: that is how `up` ends.
  setSignalExitCode(0);
  await new Promise<never>(() => setInterval(() => undefined, 1 << 30));
}

function liveRuns(): RunRecord[] {
  return listRuns().flatMap(({ record }) => (record && record.state !== 'stopped' && ownerAlive(record) ? [record] : []));
}

function membersOf(r: RunRecord) {
  return buildTopology({ runId: r.runId, runRoot: dirname(r.runDir), portBase: r.portBase }, {}).members;
}

/** `cluster status`: members, roles, timeline and lag of every live cluster, as a table. */
export async function clusterStatus(): Promise<string> {
  const runs = liveRuns();
  if (runs.length === 0) throw new HarnessError('NOT_FOUND', 'no cluster is running (start one with `patroni-chaos cluster up`)');
  const out: string[] = [];
  for (const r of runs) {
    let view: ClusterMember[] | undefined;
    for (const m of membersOf(r)) {
      view = await getCluster(`http://${HOST}:${m.restPort}`, 2000).then((v) => v.members, () => undefined);
      if (view) break;
    }
    out.push(`cluster ${r.runId} (port base ${r.portBase}, primary ${r.endpoints?.['primary'] ?? '?'})`);
    out.push(view === undefined
      ? '  no Patroni member answers'
      : table(['member', 'host', 'role', 'state', 'timeline', 'lag'], view.map((m) => [m.name, `${m.host}:${m.port}`, m.role, m.state, m.timeline ?? '', m.lag ?? 0])));
  }
  return out.join('\n');
}

/** `cluster down`: asks each owner to stop its cluster; reaps directly where the owner is gone. */
export async function clusterDown(): Promise<string> {
  const lines: string[] = [];
  for (const { runDir, record } of listRuns()) {
    if (record?.state === 'stopped') continue;
    if (record && ownerAlive(record)) {
      process.kill(record.ownerPid, 'SIGTERM');
      const deadline = Date.now() + 30_000;
      while (ownerAlive(record) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (ownerAlive(record)) process.kill(record.ownerPid, 'SIGKILL');
    }
    const killed = await killRunProcesses(runDir);
    const current = readRunRecord(runDir);
    if (current) writeRunRecord({ ...current, state: 'stopped' });
    lines.push(`stopped ${record?.runId ?? runDir}${killed > 0 ? ` (reaped ${killed} leftover processes)` : ''}`);
  }
  return lines.length > 0 ? lines.join('\n') : 'no cluster was running';
}
