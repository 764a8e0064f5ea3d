import type { FaultDefinition } from './types.js';
import { poisonLinks } from './network-target.js';

function rateParams(p: Record<string, unknown>): string | undefined {
  const unknown = Object.keys(p).filter((k) => k !== 'rate_kbps');
  if (unknown.length > 0) return `unknown parameter(s) ${unknown.join(', ')}; expected rate_kbps`;
  const rate = p['rate_kbps'];
  return typeof rate === 'number' && Number.isInteger(rate) && rate > 0 ? undefined : 'expected rate_kbps: a whole number of KB/s > 0';
}

/** A narrow pipe on a member's peer links (Toxiproxy's bandwidth toxic): on the primary, WAL streams to every replica. */
export const throttleReplication: FaultDefinition = {
  action: 'throttle-replication',
  description: 'limit a member\'s peer links (replication, REST) to rate_kbps KB/s; heal removes it',
  targets: ['member'],
  needs: ['link-shape'],
  params: rateParams,
  inject: (cluster, names, params) => poisonLinks(cluster, names, ['peer'], 'throttle_replication', { kind: 'bandwidth', rateKBps: Number(params['rate_kbps']) }),
};
