import { switchover as postSwitchover } from '../cluster/patroni-api.js';
import { now } from '../history/clock.js';
import type { FaultDefinition } from './types.js';
import { currentLeader, observeLeaderMoved } from './leader.js';

/** A planned switchover through Patroni's REST API, to the target as candidate (`any` lets Patroni choose). */
export const switchover: FaultDefinition = {
  action: 'switchover',
  description: 'planned switchover via POST /switchover; the target is the candidate',
  targets: ['member'],
  needs: ['patroni-rest'],
  async inject(cluster, names) {
    const leader = await currentLeader(cluster);
    const candidate = names.find((n) => n !== leader.name);
    const answer = await postSwitchover(leader.restUrl, cluster.credentials.rest, leader.name, candidate);
    // In force once Patroni answered (it answers a switchover when done); the look at /cluster after is not injection time.
    const inForceAt = now();
    return { detail: `from ${leader.name} to ${candidate ?? 'any'}: ${answer.trim()}`, effect: await observeLeaderMoved(cluster, leader.name, candidate), inForceAt };
  },
};
