import { HarnessError } from '../errors.js';
import { hasHostPartition } from '../cluster/types.js';
import type { FaultDefinition } from './types.js';
import { describeGrudge, grudgeOf, GRUDGES, type GrudgeShape } from './grudges.js';
import { healCuts } from './network-target.js';
import { proveCut } from './network-proof.js';

/**
 * A partition between whole hosts (host N = etcdN and patroniN, as in 002's
 * diagram), shaped as one of Jepsen's grudges; HAProxy keeps reaching every
 * host. The cure removes exactly the rules it added.
 */
export const partitionHosts: FaultDefinition = {
  action: 'partition-hosts',
  description: `partition the hosts (etcdN + patroniN) as a Jepsen grudge: grudge = ${GRUDGES.join(' | ')}; heal removes it`,
  targets: ['cluster'],
  needs: ['host-partition'],
  params: (p) => {
    const unknown = Object.keys(p).filter((k) => k !== 'grudge');
    if (unknown.length > 0) return `unknown parameter(s) ${unknown.join(', ')}; expected grudge`;
    return GRUDGES.includes(p['grudge'] as GrudgeShape) ? undefined : `expected grudge: one of ${GRUDGES.join(', ')}`;
  },
  async inject(cluster, _names, params) {
    if (!hasHostPartition(cluster)) throw new HarnessError('FAULT_FAILED', `provider ${cluster.provider} cannot partition hosts`);
    const grudge = grudgeOf(params['grudge'] as GrudgeShape, cluster.hosts);
    const cut = await cluster.grudge(grudge);
    let effect: string;
    try {
      effect = proveCut('partition-hosts', cut.probes);
    } catch (err) {
      await cut.cure().catch(() => undefined); // the missing proof is the error to report
      throw err;
    }
    return {
      detail: `${String(params['grudge'])}: ${describeGrudge(grudge)}; ${cut.detail}`,
      effect,
      startedAt: cut.span.from,
      inForceAt: cut.span.to,
      heal: async () => `every host sees every host again: ${await healCuts('partition-hosts', [cut])}`,
    };
  },
};
