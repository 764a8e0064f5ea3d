import { HarnessError } from '../errors.js';
import { hasLinkLoss, type LinkKind, type Loss } from '../cluster/types.js';
import type { FaultDefinition } from './types.js';
import { healCuts } from './network-target.js';
import { proveLoss } from './network-proof.js';

const KINDS: readonly LinkKind[] = ['dcs', 'peer', 'client'];

/** How long traffic is sent across the lossy paths for every one of them to show a drop. */
const OBSERVE_MS = 10_000;

function lossParams(p: Record<string, unknown>): string | undefined {
  const unknown = Object.keys(p).filter((k) => k !== 'probability' && k !== 'links');
  if (unknown.length > 0) return `unknown parameter(s) ${unknown.join(', ')}; expected probability and links`;
  const prob = p['probability'];
  // 1 would be a cut, which the cut faults make and prove as one.
  if (typeof prob !== 'number' || !(prob > 0 && prob < 1)) return 'expected probability: a number > 0 and < 1 (the share of packets dropped)';
  const links = p['links'];
  if (!Array.isArray(links) || links.length === 0 || !links.every((k) => typeof k === 'string' && (KINDS as readonly string[]).includes(k))) {
    return `expected links: a list of ${KINDS.join(', ')}`;
  }
  if (new Set(links).size !== links.length) return 'expected links: each kind once';
  return undefined;
}

/**
 * A lossy network: each packet on a member's links of the kinds named is
 * dropped with a probability, both ways (iptables' statistic match on the
 * receiving side, where the provider sees packets). TCP retransmits, so
 * sessions slow down rather than break. The kernel's counters under a burst
 * of connects prove the loss; the cure removes exactly its rules and probes
 * each path again.
 */
export const dropPackets: FaultDefinition = {
  action: 'drop-packets',
  description: 'drop a share (probability) of the packets on a member\'s links (links: dcs, peer, client), both ways; heal removes it',
  targets: ['member'],
  needs: ['link-loss'],
  params: lossParams,
  async inject(cluster, names, params) {
    if (!hasLinkLoss(cluster)) throw new HarnessError('FAULT_FAILED', `provider ${cluster.provider} cannot drop packets`);
    const probability = Number(params['probability']);
    const kinds = params['links'] as LinkKind[];
    const losses: Loss[] = [];
    let effect: string;
    try {
      for (const n of names) losses.push(await cluster.loseLinks(n, kinds, probability));
      const counts = [];
      for (const l of losses) counts.push(...(await l.observe(OBSERVE_MS)));
      effect = proveLoss('drop_packets', counts);
    } catch (err) {
      for (const l of losses) await l.cure().catch(() => undefined); // the loss's own error is the one to report
      throw err;
    }
    return {
      detail: losses.map((l) => l.detail).join('; '),
      effect,
      startedAt: Math.min(...losses.map((l) => l.span.from)),
      inForceAt: Math.max(...losses.map((l) => l.span.to)),
      heal: async () => `removed the rules of drop_packets; ${await healCuts('drop_packets', losses)}`,
    };
  },
};
