import type { FaultDefinition } from './types.js';
import { latencyParams, latencyEffect, poisonLinks } from './network-target.js';

/** Latency between HAProxy and a member (sessions and health checks). The cure removes it. */
export const slowClients: FaultDefinition = {
  action: 'slow-clients',
  description: 'add latency (latency_ms, jitter_ms) to a member\'s client links (HAProxy sessions and checks); heal removes it',
  targets: ['member'],
  needs: ['link-shape'],
  params: latencyParams,
  inject: (cluster, names, params) => poisonLinks(cluster, names, ['client'], 'slow_clients', latencyEffect(params)),
};
