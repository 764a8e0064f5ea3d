import type { FaultDefinition } from './types.js';
import { cutLinks } from './network-target.js';

/**
 * The split-brain attempt: a member cut off from etcd and from its peers
 * while clients (HAProxy) still reach it. On the primary, the majority
 * elects a new leader while the old one may still be answering clients; the
 * window in which both accept writes is what the run measures.
 */
export const partitionMajority: FaultDefinition = {
  action: 'partition-majority',
  description: 'blackhole a member\'s links to etcd and to its peers, leaving its clients connected; heal removes it',
  targets: ['member'],
  needs: ['link-cut'],
  inject: (cluster, names) => cutLinks(cluster, names, ['dcs', 'peer'], 'partition_majority'),
};
