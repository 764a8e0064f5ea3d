import type { FaultDefinition } from './types.js';
import { cutLinks } from './network-target.js';

/** HAProxy loses a member (sessions and health checks blackholed) while the cluster itself is whole. */
export const cutClients: FaultDefinition = {
  action: 'cut-clients',
  description: 'blackhole a member\'s client links (HAProxy sessions and health checks); heal removes it',
  targets: ['member'],
  needs: ['link-cut'],
  inject: (cluster, names) => cutLinks(cluster, names, ['client'], 'cut_clients'),
};
