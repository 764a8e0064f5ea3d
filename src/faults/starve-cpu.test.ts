import { describe, expect, it } from 'vitest';
import type { CpuLimit, StartedCluster } from '../cluster/types.js';
import { starveCpu } from './starve-cpu.js';

/** A cluster whose hosts can be capped; `broken` refuses. */
function cluster(broken: string[] = []): StartedCluster & CpuLimit & { caps: Map<string, number> } {
  const caps = new Map<string, number>();
  return {
    provider: 'fake', caps,
    limitCpu: async (name: string, cpus: number) => {
      if (broken.includes(name)) throw new Error(`${name}: docker update failed`);
      caps.set(name, cpus);
      return { detail: `${name}: capped at ${cpus} CPU`, cure: async () => { caps.delete(name); return `${name}: cap back`; } };
    },
  } as unknown as StartedCluster & CpuLimit & { caps: Map<string, number> };
}

describe('starve-cpu', () => {
  it('caps each host at the default 0.05 CPU and heals every one', async () => {
    const c = cluster();
    const r = await starveCpu.inject(c, ['patroni1', 'etcd2'], {});
    expect(r.detail).toBe('patroni1: capped at 0.05 CPU; etcd2: capped at 0.05 CPU');
    expect([...c.caps]).toEqual([['patroni1', 0.05], ['etcd2', 0.05]]);
    expect(await r.heal?.()).toBe('patroni1: cap back; etcd2: cap back');
    expect(c.caps.size).toBe(0);
  });

  it('uncaps the hosts it already capped when a later one fails: no starved host without a heal on record', async () => {
    const c = cluster(['etcd2']);
    await expect(starveCpu.inject(c, ['patroni1', 'etcd2'], { cpus: 0.1 })).rejects.toThrow('etcd2: docker update failed');
    expect(c.caps.size).toBe(0);
  });

  it('refuses a provider that cannot cap a host', async () => {
    await expect(starveCpu.inject({ provider: 'local' } as unknown as StartedCluster, ['patroni1'], {})).rejects.toThrow('provider local cannot limit a host\'s CPU');
  });
});
