import { HarnessError } from '../errors.js';
import { failover as postFailover } from '../cluster/patroni-api.js';
import { now } from '../history/clock.js';
import type { FaultDefinition } from './types.js';
import { currentLeader, observeLeaderMoved } from './leader.js';

/** A manual failover through Patroni's REST API: the target is the candidate and must not be the leader. */
export const failover: FaultDefinition = {
  action: 'failover',
  description: 'manual failover via POST /failover to the target as candidate',
  targets: ['member'],
  needs: ['patroni-rest'],
  async inject(cluster, names) {
    const leader = await currentLeader(cluster);
    const candidate = names.find((n) => n !== leader.name);
    if (candidate === undefined) throw new HarnessError('FAULT_FAILED', `failover needs a candidate other than the leader ${leader.name}`);
    const answer = await postFailover(leader.restUrl, cluster.credentials.rest, candidate);
    // In force once Patroni answered (it answers a switchover when done); the look at /cluster after is not injection time.
    const inForceAt = now();
    return { detail: `from ${leader.name} to ${candidate}: ${answer.trim()}`, effect: await observeLeaderMoved(cluster, leader.name, candidate), inForceAt };
  },
};
