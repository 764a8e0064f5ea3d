import { getCluster, type ClusterMember } from '../cluster/patroni-api.js';
import { HarnessError } from '../errors.js';
import { runningClusters, type RunningCluster } from './running.js';
import { table } from './table.js';

/** One running cluster in `cluster status --json`. */
export interface ClusterStatusJson {
  provider: string;
  run_id: string;
  port_base?: number;
  containers?: Array<{ node: string; container: string; state: string }>;
  /** Patroni's own view (GET /cluster of the first member that answers); null when none does. */
  members: ClusterMember[] | null;
}

async function view(c: RunningCluster): Promise<ClusterMember[] | null> {
  for (const m of c.rest) {
    const v = await getCluster(m.url, 2000).then((x) => x.members, () => undefined);
    if (v) return v;
  }
  return null;
}

/** Members, roles, timeline and lag of every running cluster; throws NOT_FOUND (exit 3) when none runs. */
export async function clusterStatusJson(): Promise<{ clusters: ClusterStatusJson[] }> {
  const running = await runningClusters();
  if (running.length === 0) throw new HarnessError('NOT_FOUND', 'no cluster is running (start one with `patroni-chaos cluster up`)');
  const clusters = await Promise.all(running.map(async (c): Promise<ClusterStatusJson> => ({
    provider: c.provider,
    run_id: c.runId,
    ...(c.portBase === undefined ? {} : { port_base: c.portBase }),
    ...(c.containers === undefined ? {} : { containers: c.containers }),
    members: await view(c),
  })));
  return { clusters };
}

/** `cluster status` for people: a headline and a table per cluster. */
export async function clusterStatus(): Promise<string> {
  const running = await runningClusters();
  if (running.length === 0) throw new HarnessError('NOT_FOUND', 'no cluster is running (start one with `patroni-chaos cluster up`)');
  const out: string[] = [];
  for (const c of running) {
    const members = await view(c);
    out.push(c.headline);
    if (c.containers) out.push(`  containers: ${c.containers.map((x) => `${x.node} ${x.state}`).join(', ')}`);
    out.push(members === null ? '  no Patroni member answers' : table(['member', 'host', 'role', 'state', 'timeline', 'lag'], members.map((m) => [m.name, `${m.host}:${m.port}`, m.role, m.state, m.timeline ?? '', m.lag ?? 0])));
  }
  return out.join('\n');
}
