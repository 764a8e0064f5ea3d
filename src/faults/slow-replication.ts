import type { FaultDefinition } from './types.js';
import { latencyParams, latencyEffect, poisonLinks } from './network-target.js';

/**
 * Latency on the traffic other members open to a member: on the primary,
 * every replica's WAL stream (and so every synchronous commit) is slowed.
 * The cure removes it.
 */
export const slowReplication: FaultDefinition = {
  action: 'slow-replication',
  description: 'add latency (latency_ms, jitter_ms) to a member\'s peer links (replication, REST); heal removes it',
  targets: ['member'],
  needs: ['link-shape'],
  params: latencyParams,
  inject: (cluster, names, params) => poisonLinks(cluster, names, ['peer'], 'slow_replication', latencyEffect(params)),
};
