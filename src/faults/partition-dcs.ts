import type { FaultDefinition } from './types.js';
import { cutLinks } from './network-target.js';

/**
 * Cuts a member off from etcd while clients and peers still reach it, as a
 * real partition looks: a blackhole, so Patroni's requests hang until its own
 * timeouts rather than meeting a quick "connection refused". A primary must
 * then demote itself and a new leader be elected. The cure removes the toxics.
 */
export const partitionDcs: FaultDefinition = {
  action: 'partition-dcs',
  description: 'blackhole a member\'s links to every etcd member; heal removes it',
  targets: ['member'],
  needs: ['link-cut'],
  inject: (cluster, names) => cutLinks(cluster, names, ['dcs'], 'partition_dcs'),
};
