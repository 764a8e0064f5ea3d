import { errorMessage, HarnessError } from '../errors.js';
import { pollUntil } from '../cluster/wait/poll.js';
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

/**
 * Waits until Patroni's /cluster names a leader other than `from` (the
 * candidate, when one was named): an API that accepted a switchover which
 * then never happened must not pass for one. Returns the observation.
 */
export async function observeLeaderMoved(cluster: StartedCluster, from: string, to: string | undefined, timeoutMs = 30_000, view = clusterView): Promise<string> {
  let leader: string | undefined;
  try {
    await pollUntil(async () => {
      leader = (await view(cluster)).find((m) => isPrimaryRole(m.role))?.name;
      if (leader === undefined) return 'no leader in /cluster';
      if (leader === from) return `${from} still leads`;
      return to === undefined || leader === to ? true : `${leader} leads, not the candidate ${to}`;
    }, { timeoutMs, intervalMs: 250, what: `the leader to move from ${from}${to === undefined ? '' : ` to ${to}`}` });
  } catch (err) {
    throw new HarnessError('FAULT_FAILED', errorMessage(err), { cause: err });
  }
  return `leader moved from ${from} to ${leader ?? '?'} (Patroni's /cluster)`;
}
