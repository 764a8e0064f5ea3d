import { HarnessError } from '../errors.js';
import { hasCpuLimit } from '../cluster/types.js';
import type { FaultDefinition } from './types.js';
import { forEachName } from './process-target.js';

/** Docker's own bounds on --cpus: a hundredth of a CPU at least. */
const MIN_CPUS = 0.01;
const MAX_CPUS = 64;
export const DEFAULT_STARVE_CPUS = 0.05;

/**
 * A starved host: every process of a member (Patroni and PostgreSQL) or of
 * an etcd member keeps running on a sliver of one CPU, as on an overloaded
 * or throttled VM. Patroni's own queries then outlast their timeouts
 * (Patroni #3663: its status query's fixed 2 s statement_timeout). The cure
 * puts the host's previous CPU quota back.
 */
export const starveCpu: FaultDefinition = {
  action: 'starve-cpu',
  description: `cap a member's or an etcd member's whole host at cpus CPUs (default ${DEFAULT_STARVE_CPUS}), proven by the quota read back; heal restores the previous quota`,
  targets: ['member', 'etcd'],
  needs: ['cpu-limit'],
  params: (p) => {
    const unknown = Object.keys(p).filter((k) => k !== 'cpus');
    if (unknown.length > 0) return `unknown parameter(s) ${unknown.join(', ')}; expected cpus`;
    const c = p['cpus'];
    if (c !== undefined && (typeof c !== 'number' || !Number.isFinite(c) || c < MIN_CPUS || c > MAX_CPUS)) return `expected cpus: a number of CPUs from ${MIN_CPUS} to ${MAX_CPUS}`;
    return undefined;
  },
  async inject(cluster, names, params) {
    if (!hasCpuLimit(cluster)) throw new HarnessError('FAULT_FAILED', `provider ${cluster.provider} cannot limit a host's CPU`);
    const cpus = typeof params['cpus'] === 'number' ? params['cpus'] : DEFAULT_STARVE_CPUS;
    const cures: Array<{ name: string; cure: () => Promise<string> }> = [];
    try {
      const detail = await forEachName(names, async (name) => {
        const r = await cluster.limitCpu(name, cpus);
        cures.push({ name, cure: r.cure });
        return r.detail;
      });
      return { detail, heal: async () => (await Promise.all(cures.map((c) => c.cure()))).join('; ') };
    } catch (err) {
      // A second host failing must not leave the first starved with no heal on record.
      for (const c of cures) await c.cure().catch(() => undefined);
      throw err;
    }
  },
};
