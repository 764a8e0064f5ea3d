import { now } from '../history/clock.js';
import type { Probe } from '../cluster/wait/poll.js';
import type { WaitCondition } from '../scenario/types.js';
import type { RunContext } from './context.js';
import { convergedReason } from './final-state.js';
import { errorMessage } from '../errors.js';
import { leaderKey, readKey } from '../cluster/etcd-api.js';

/**
 * The readiness probes behind `wait_for`. Each answers true or the reason
 * it is not met yet, which a timed-out wait reports.
 */
export function conditionProbe(ctx: RunContext, condition: WaitCondition): Probe {
  const since = now();
  switch (condition) {
    case 'healthy':
      return () => ctx.parts.healthy(ctx.cluster);
    case 'writable':
      return async () => ctx.acks.writableSince(since, ctx.dcs.leader, ctx.leaderAtLastFault);
    case 'leader':
      return async () => (ctx.dcs.leader ? true : 'no leader key in etcd');
    case 'new-leader':
      return async () => {
        const leader = ctx.dcs.leader;
        if (!leader) return 'no leader key in etcd';
        return leader !== ctx.leaderAtLastFault ? true : `${leader} still holds the leader key`;
      };
    case 'etcd-healthy':
      // Every member answers a linearizable read: each is up and sees a quorum, as `etcdctl endpoint health --cluster` says.
      return async () => {
        const failing = await Promise.all(ctx.cluster.etcd.map(async (e) => {
          try {
            await readKey(e.clientUrl, leaderKey(ctx.cluster.scope, ctx.cluster.namespace), 1000);
            return undefined;
          } catch (err) {
            return `${e.name}: ${errorMessage(err)}`;
          }
        }));
        const down = failing.filter((f) => f !== undefined);
        return down.length === 0 ? true : `etcd not healthy: ${down.join('; ')}`;
      };
    case 'etcd-new-cluster':
      return async () => newEtcdCluster(ctx);
    case 'converged':
      // Writes are still going on: roles, timelines and lag only; the rows are compared after the workload stops.
      return async () => {
        const members = await ctx.parts.snapshot(ctx.cluster, { rows: false });
        const verdict = convergedReason(members, ctx.cluster.members.length, { rows: false });
        if (verdict === true) ctx.history.append({ kind: 'converged', t: now(), ok: true, members });
        return verdict;
      };
  }
}

/**
 * Every etcd member answers, in one cluster, on a store that is not the one
 * that ran before the first step: the proof that a rebuild from empty data
 * directories made a new cluster rather than restarting the old one. A new
 * cluster id proves it; so does every member's store revision below the one
 * read before (a living store's revision never goes back), which is what a
 * rebuild shows when the cluster id stays (the same peer URLs and token).
 */
async function newEtcdCluster(ctx: RunContext): Promise<true | string> {
  const before = ctx.etcdClusterAtStart;
  if (before === undefined || 'unread' in before) return `the etcd cluster id before the first step is unknown (${before?.unread ?? 'not read'}): nothing to compare with`;
  const seen = await ctx.parts.etcdClusterIds(ctx.cluster);
  if (seen.length === 0) return 'no etcd member to ask';
  const failing = seen.flatMap((s) => (s.error === undefined ? [] : [`${s.name}: ${s.error}`]));
  if (failing.length > 0) return `etcd members not answering: ${failing.join('; ')}`;
  // An answer without an id says nothing of the cluster: read as "not the old id" it would pass a restart.
  const noId = seen.filter((s) => s.clusterId === undefined || s.clusterId === '').map((s) => s.name);
  if (noId.length > 0) return `${noId.join(', ')} gave no cluster id`;
  const ids = [...new Set(seen.map((s) => s.clusterId))];
  if (ids.length > 1) return `etcd members in different clusters: ${seen.map((s) => `${s.name} ${s.clusterId}`).join(', ')}`;
  if (ids[0] !== before.id) {
    ctx.history.append({ kind: 'note', t: now(), message: `etcd cluster id ${ids[0]}, new (${before.id} before the first step)` });
    return true;
  }
  // The same cluster id: only a store that started again (every revision below the one before) is a rebuild.
  const old = seen.filter((s) => !(Number.isFinite(s.revision ?? NaN) && (s.revision as number) < before.revision));
  if (old.length > 0) return `${old.map((s) => `${s.name} (revision ${s.revision ?? 'unknown'})`).join(', ')} still on the store of the cluster ${before.id} from before the first step (revision ${before.revision} then)`;
  ctx.history.append({ kind: 'note', t: now(), message: `etcd store rebuilt: cluster id ${before.id} kept (same peer URLs and token), every member's revision (${seen.map((s) => `${s.name} ${s.revision}`).join(', ')}) below ${before.revision} before the first step` });
  return true;
}
