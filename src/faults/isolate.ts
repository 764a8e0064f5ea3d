import type { FaultDefinition } from './types.js';
import { cutLinks } from './network-target.js';

/**
 * A member behind a full partition: its links to etcd, from its peers
 * (replication, REST) and from HAProxy (sessions, health checks) all
 * blackholed. The cure removes the toxics.
 */
export const isolate: FaultDefinition = {
  action: 'isolate',
  description: 'blackhole every link of a member: etcd, peers and clients; heal removes it',
  targets: ['member'],
  needs: ['link-cut'],
  inject: (cluster, names) => cutLinks(cluster, names, ['dcs', 'peer', 'client'], 'isolate'),
};
