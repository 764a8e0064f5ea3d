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
      return async () => {
        // After a leader change since the last fault, only the new leader's ack is a recovery: the
        // old primary, fenced from etcd or without its Patroni, may go on acknowledging for a while.
        const leader = ctx.dcs.leader;
        if (ctx.leaderAtLastFault !== undefined && leader && leader !== ctx.leaderAtLastFault) {
          return (ctx.lastOkStartBy.get(leader) ?? 0) >= since ? true : `no write acknowledged by the new leader ${leader} since the step began`;
        }
        return ctx.lastOkStart >= since ? true : 'no write acknowledged through the primary endpoint since the step began';
      };
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
