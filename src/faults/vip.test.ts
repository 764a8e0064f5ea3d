import { describe, expect, it, vi } from 'vitest';
import { FakeCluster } from '../cluster/fake/fake-cluster.js';
import type { HostControl, VipPair } from '../cluster/types.js';
import { kill } from './kill.js';
import { resolveTarget } from './resolve-target.js';
import { stop } from './stop.js';

/**
 * The seeds topology's pair as a client sees it: `holder` answers on the
 * VIP; a host that goes down hands the VIP to the other when `keepalived`
 * works, and keeps it (a fault that did nothing to the VIP) when it does not.
 */
function seedsCluster(o: { keepalived: boolean; holder?: string | undefined }) {
  const state = { holder: 'holder' in o ? o.holder : 'haproxy1', down: new Set<string>(), calls: [] as string[] };
  const haproxies = ['haproxy1', 'haproxy2'];
  const goDown = (n: string) => {
    state.down.add(n);
    if (o.keepalived && state.holder === n) state.holder = haproxies.find((h) => !state.down.has(h));
  };
  const pair: VipPair & HostControl = {
    vip: '172.29.7.100',
    haproxies,
    vipHolder: async () => state.holder,
    haproxyAnswers: async (n) => !state.down.has(n),
    killHost: async (n) => { state.calls.push(`kill ${n}`); goDown(n); },
    freezeHost: async (n) => { state.calls.push(`freeze ${n}`); goDown(n); },
    thawHost: async (n) => { state.calls.push(`thaw ${n}`); state.down.delete(n); },
    startHost: async (n) => { state.calls.push(`start ${n}`); state.down.delete(n); },
  };
  return { cluster: Object.assign(new FakeCluster('synchronous', { failoverAfterMs: null }), pair), state };
}

/** Runs `p` to its end while fake time passes (the faults poll for up to 15 s). */
async function withTime<T>(p: () => Promise<T>): Promise<PromiseSettledResult<T>> {
  vi.useFakeTimers();
  try {
    const settled = Promise.allSettled([p()]);
    await vi.advanceTimersByTimeAsync(20_000);
    return (await settled)[0] as PromiseSettledResult<T>;
  } finally {
    vi.useRealTimers();
  }
}

describe('haproxy-active and haproxy-passive', () => {
  it('resolve, when the step runs, to the HAProxy answering on the VIP and to the other one', async () => {
    const { cluster, state } = seedsCluster({ keepalived: true });
    expect(await resolveTarget(cluster, 'haproxy-active')).toEqual(['haproxy1']);
    expect(await resolveTarget(cluster, 'haproxy-passive')).toEqual(['haproxy2']);
    state.holder = 'haproxy2';
    expect(await resolveTarget(cluster, 'haproxy-active')).toEqual(['haproxy2']);
    expect(await resolveTarget(cluster, 'haproxy-passive')).toEqual(['haproxy1']);
  });

  it('match nothing when no HAProxy answers on the VIP, or on a cluster without a VIP pair', async () => {
    await expect(resolveTarget(seedsCluster({ keepalived: true, holder: undefined }).cluster, 'haproxy-active')).rejects.toThrow('no HAProxy answers on the VIP 172.29.7.100 right now');
    await expect(resolveTarget(new FakeCluster('synchronous', { failoverAfterMs: null }), 'haproxy-passive')).rejects.toThrow("needs the seeds topology's VIP pair");
  });
});

describe('kill and stop of an HAProxy of the pair', () => {
  it('kill of the holder is proven by the VIP answering from the other; heal starts it', async () => {
    const { cluster, state } = seedsCluster({ keepalived: true });
    const injected = await kill.inject(cluster, ['haproxy1'], {});
    expect(injected.effect).toMatch(/^the VIP 172\.29\.7\.100 answered from haproxy2 \d+\.\d s after haproxy1 was killed$/);
    expect(injected.detail).toBe('haproxy1: host killed (HAProxy and keepalived); the VIP 172.29.7.100 was held by haproxy1');
    expect(await injected.heal?.()).toBe('haproxy1 started and answering');
    expect(state.calls).toEqual(['kill haproxy1', 'start haproxy1']);
  });

  it('a kill after which the VIP still answers from the killed HAProxy\'s place is no fault: it fails, and is undone', async () => {
    const { cluster, state } = seedsCluster({ keepalived: false });
    const r = await withTime(() => kill.inject(cluster, ['haproxy1'], {}));
    expect(r.status).toBe('rejected');
    expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'FAULT_FAILED', message: 'the VIP 172.29.7.100 did not move: 15 s after haproxy1 was killed it answered from haproxy1, not haproxy2' });
    expect(state.calls).toEqual(['kill haproxy1', 'start haproxy1']);
  });

  it('stop of the holder freezes it and needs the VIP moved too; heal thaws it', async () => {
    const { cluster, state } = seedsCluster({ keepalived: true });
    const injected = await stop.inject(cluster, ['haproxy1'], {});
    expect(injected.effect).toMatch(/answered from haproxy2 .* after haproxy1 was frozen$/);
    await injected.heal?.();
    expect(state.calls).toEqual(['freeze haproxy1', 'thaw haproxy1']);
    const frozenInVain = seedsCluster({ keepalived: false });
    expect((await withTime(() => stop.inject(frozenInVain.cluster, ['haproxy1'], {}))).status).toBe('rejected');
  });

  it('kill of the passive is proven by its silence, the VIP left with the active', async () => {
    const { cluster } = seedsCluster({ keepalived: true });
    const injected = await kill.inject(cluster, ['haproxy2'], {});
    expect(injected.effect).toMatch(/^haproxy2 answers no more on its own address \(\d+\.\d s\); the VIP 172\.29\.7\.100 answers from haproxy1$/);
  });

  it('a passive that still answers after its kill fails the fault', async () => {
    const { cluster } = seedsCluster({ keepalived: true });
    // The kill reached nothing: the host never went down.
    const deaf = Object.assign(cluster, { killHost: async () => undefined });
    const r = await withTime(() => kill.inject(deaf, ['haproxy2'], {}));
    expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'FAULT_FAILED', message: 'haproxy2 did not stay silent on its own address for 1 s within 15 s after it was killed' });
  });

  it('kills nothing when no HAProxy answers on the VIP before the fault: an active\'s kill is never judged as a passive\'s', async () => {
    // haproxy-active resolved to haproxy1 a moment earlier; now the VIP answers from nobody.
    const { cluster, state } = seedsCluster({ keepalived: true });
    state.holder = undefined;
    const r = await withTime(() => kill.inject(cluster, ['haproxy1'], {}));
    expect((r as PromiseRejectedResult).reason).toMatchObject({
      code: 'FAULT_FAILED', message: 'no HAProxy answered on the VIP 172.29.7.100 for 5 s before the fault: which of haproxy1 is active cannot be told, so nothing was killed',
    });
    expect(state.calls).toEqual([]);
  });

  it('a passive that misses one answer after its kill, but answers again, was not downed: the fault fails', async () => {
    const { cluster, state } = seedsCluster({ keepalived: true });
    let asked = 0;
    // The kill reached nothing; one slow answer times out.
    const flaky = Object.assign(cluster, { killHost: async (n: string) => { state.calls.push(`kill ${n}`); }, haproxyAnswers: async () => ++asked !== 1 });
    const r = await withTime(() => kill.inject(flaky, ['haproxy2'], {}));
    expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'FAULT_FAILED' });
  });

  it('a heal after which the HAProxy does not answer again fails', async () => {
    const { cluster } = seedsCluster({ keepalived: true });
    const injected = await kill.inject(cluster, ['haproxy1'], {});
    // The start reached nothing: the host stays down.
    Object.assign(cluster, { startHost: async () => undefined });
    const r = await withTime(async () => injected.heal?.());
    expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'FAULT_FAILED', message: 'haproxy1 started but not answering on its own address 15 s later' });
  });

  it('member and etcd names still take the member path', async () => {
    const { cluster, state } = seedsCluster({ keepalived: true });
    await withTime(() => kill.inject(cluster, ['m2'], {}));
    expect(state.calls).toEqual(['kill m2']);
  });
});
