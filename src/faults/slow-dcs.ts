import type { FaultDefinition } from './types.js';
import { latencyParams, latencyEffect, poisonLinks } from './network-target.js';

/** Latency (and jitter) on a member's links to etcd, both directions. The cure removes it. */
export const slowDcs: FaultDefinition = {
  action: 'slow-dcs',
  description: 'add latency (latency_ms, jitter_ms) to a member\'s links to etcd; heal removes it',
  targets: ['member'],
  needs: ['link-shape'],
  params: latencyParams,
  inject: (cluster, names, params) => poisonLinks(cluster, names, ['dcs'], 'slow_dcs', latencyEffect(params)),
};
