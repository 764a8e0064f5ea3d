import type { FaultDefinition } from './types.js';
import { networkControl, poison } from './network-target.js';

/**
 * Cuts a member off from etcd while clients still reach it, as a real
 * partition looks: Toxiproxy's timeout toxic with timeout 0 holds every byte
 * and never closes, so Patroni's requests hang until its own timeouts, not a
 * quick "connection refused". The primary must then demote itself and a new
 * leader be elected. The cure removes the toxics.
 */
export const partitionDcs: FaultDefinition = {
  action: 'partition-dcs',
  description: 'blackhole a member\'s links to every etcd member (timeout toxic, timeout 0); heal removes it',
  targets: ['member'],
  needs: ['network'],
  async inject(cluster, names) {
    const links = names.flatMap((n) => networkControl(cluster).links(n, 'dcs'));
    const heal = await poison(cluster, links, 'partition_dcs', { type: 'timeout', attributes: { timeout: 0 } });
    return { detail: `blackholed ${links.join(', ')}`, heal };
  },
};
