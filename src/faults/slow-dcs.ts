import type { FaultDefinition } from './types.js';
import { networkControl, poison } from './network-target.js';

const positive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** Latency (and jitter) on a member's links to etcd, in both directions. The cure removes it. */
export const slowDcs: FaultDefinition = {
  action: 'slow-dcs',
  description: 'add latency (params latency_ms, jitter_ms) to a member\'s links to etcd; heal removes it',
  targets: ['member'],
  needs: ['network'],
  params: (p) => {
    const unknown = Object.keys(p).filter((k) => k !== 'latency_ms' && k !== 'jitter_ms');
    if (unknown.length > 0) return `unknown parameter(s) ${unknown.join(', ')}; expected latency_ms and optionally jitter_ms`;
    if (!positive(p['latency_ms'])) return 'expected latency_ms: a number of milliseconds >= 0';
    if (p['jitter_ms'] !== undefined && !positive(p['jitter_ms'])) return 'expected jitter_ms: a number of milliseconds >= 0';
    return undefined;
  },
  async inject(cluster, names, params) {
    const links = names.flatMap((n) => networkControl(cluster).links(n, 'dcs'));
    const latency = Number(params['latency_ms']);
    const jitter = Number(params['jitter_ms'] ?? 0);
    const heal = await poison(cluster, links, 'slow_dcs', { type: 'latency', attributes: { latency, jitter } });
    return { detail: `${latency} ms (jitter ${jitter} ms) on ${links.join(', ')}`, heal };
  },
};
