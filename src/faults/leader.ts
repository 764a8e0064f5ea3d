import { HarnessError } from '../errors.js';
import { isPrimaryRole } from '../cluster/patroni-api.js';
import type { StartedCluster } from '../cluster/types.js';
import { clusterView } from '../cluster/wait/healthy.js';

/** The current leader and a REST URL to talk to it, from Patroni's /cluster view. */
export async function currentLeader(cluster: StartedCluster): Promise<{ name: string; restUrl: string }> {
  const leader = (await clusterView(cluster)).find((m) => isPrimaryRole(m.role));
  const handle = cluster.members.find((m) => m.name === leader?.name);
  if (!handle) throw new HarnessError('FAULT_FAILED', 'no leader in the cluster to hand over from');
  return { name: handle.name, restUrl: handle.restUrl };
}
