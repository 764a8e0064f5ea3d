import { describe, expect, it } from 'vitest';
import { FakeCluster } from '../cluster/fake/fake-cluster.js';
import type { LinkKind, LinkLoss, Loss, LossCount } from '../cluster/types.js';
import { dropPackets } from './drop-packets.js';

/** A fake cluster that drops packets as told: each call records its rules, `counts` is what its counters show. */
function lossy(counts: LossCount[], after: 'answered' | 'silent' = 'answered') {
  const calls: string[] = [];
  const ability: LinkLoss = {
    loseLinks: async (member: string, kinds: readonly LinkKind[], probability: number): Promise<Loss> => {
      calls.push(`rules ${member} ${kinds.join(',')} ${probability}`);
      return {
        detail: `${member}: lossy`,
        span: { from: 100, to: 120 },
        observe: async () => counts,
        cure: async () => { calls.push(`cure ${member}`); return [{ from: member, to: 'm2', after: after === 'answered' ? { kind: 'answered', ms: 1 } : { kind: 'silent', ms: 1000 } }]; },
      };
    },
  };
  return { cluster: Object.assign(new FakeCluster('synchronous', { failoverAfterMs: null }), ability), calls };
}

describe('drop-packets', () => {
  it('records the drops its counters saw, when it was in force, and heals by removing its rules and seeing the paths answer', async () => {
    const { cluster, calls } = lossy([{ from: 'm1', to: 'm2', dropped: 14, passed: 36 }, { from: 'm2', to: 'm1', dropped: 13, passed: 27 }]);
    const injected = await dropPackets.inject(cluster, ['m1'], { probability: 0.3, links: ['peer'] });
    expect(injected.effect).toBe('27 of 90 packets dropped (30%) on 2 path(s): m1 -> m2 14/50, m2 -> m1 13/40');
    expect([injected.startedAt, injected.inForceAt]).toEqual([100, 120]);
    expect(await injected.heal?.()).toBe('removed the rules of drop_packets; 1 path(s) answer again (slowest 1 ms)');
    expect(calls).toEqual(['rules m1 peer 0.3', 'cure m1']);
  });

  it('fails, and removes its rules, when a path shows no drop: a loss nobody saw must not pass for one', async () => {
    const { cluster, calls } = lossy([{ from: 'm1', to: 'm2', dropped: 14, passed: 36 }, { from: 'm2', to: 'm1', dropped: 0, passed: 0 }]);
    await expect(dropPackets.inject(cluster, ['m1'], { probability: 0.3, links: ['peer'] })).rejects.toMatchObject({ code: 'FAULT_FAILED', message: expect.stringContaining('m2 -> m1: no packet dropped (0 passed)') });
    expect(calls).toEqual(['rules m1 peer 0.3', 'cure m1']);
  });

  it('fails its heal when a path is still silent after the rules went', async () => {
    const { cluster } = lossy([{ from: 'm1', to: 'm2', dropped: 14, passed: 36 }], 'silent');
    const injected = await dropPackets.inject(cluster, ['m1'], { probability: 0.3, links: ['peer'] });
    await expect(injected.heal?.()).rejects.toThrow('healing drop_packets left m1 -> m2 no answer within 1000 ms');
  });

  it('refuses a provider that cannot drop packets', async () => {
    await expect(dropPackets.inject(new FakeCluster('synchronous', { failoverAfterMs: null }), ['m1'], { probability: 0.3, links: ['peer'] })).rejects.toThrow('provider fake cannot drop packets');
  });

  it.each([
    [{ probability: 0.3, links: ['peer'] }, undefined],
    [{ probability: 0.05, links: ['dcs', 'client'] }, undefined],
    [{ probability: 0, links: ['peer'] }, 'expected probability: a number > 0 and < 1 (the share of packets dropped)'],
    [{ probability: 1, links: ['peer'] }, 'expected probability: a number > 0 and < 1 (the share of packets dropped)'],
    [{ probability: '30%', links: ['peer'] }, 'expected probability: a number > 0 and < 1 (the share of packets dropped)'],
    [{ probability: 0.3 }, 'expected links: a list of dcs, peer, client'],
    [{ probability: 0.3, links: [] }, 'expected links: a list of dcs, peer, client'],
    [{ probability: 0.3, links: ['replication'] }, 'expected links: a list of dcs, peer, client'],
    [{ probability: 0.3, links: ['peer', 'peer'] }, 'expected links: each kind once'],
    [{ probability: 0.3, links: ['peer'], rate: 1 }, 'unknown parameter(s) rate; expected probability and links'],
  ])('checks its parameters %j', (params, expected) => {
    expect(dropPackets.params?.(params)).toBe(expected);
  });
});
