import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeCluster, type FakeBehaviour } from '../cluster/fake/fake-cluster.js';
import type { StartedCluster } from '../cluster/types.js';
import { FAULTS } from './index.js';
import { cutLinks } from './network-target.js';

let cluster: FakeCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

async function fake(behaviour: Omit<FakeBehaviour, 'failoverAfterMs'>): Promise<FakeCluster> {
  cluster = new FakeCluster('synchronous', { failoverAfterMs: null, ...behaviour });
  await cluster.startLinks();
  return cluster;
}

const fault = (action: string) => {
  const def = FAULTS.get(action);
  if (def === undefined) throw new Error(`no fault ${action}`);
  return def;
};

/** Only the fake's LinkImpairment, so a provider without LinkCut: its blackhole is the proxies'. */
const proxyOnly = (c: FakeCluster, impairLinks = c.impairLinks) => ({
  provider: 'fake', impairLinks, links: c.links.bind(c), probeLink: c.probeLink.bind(c),
}) as unknown as StartedCluster; // the fault reads nothing else of the cluster

/** The toxics left on the fake's proxies, read from the API itself. */
async function toxicsLeft(c: FakeCluster): Promise<number> {
  const all = (await (await fetch(`${c.toxiproxyUrl}/proxies`)).json()) as Record<string, { toxics: unknown[] }>;
  return Object.values(all).reduce((n, p) => n + p.toxics.length, 0);
}

describe('network faults prove they acted (proxied links)', () => {
  it('a latency toxic shows its delay on a probe through the link, and the effect says by how much', async () => {
    const c = await fake({ proxied: {} });
    const injected = await fault('slow-dcs').inject(c, ['m1'], { latency_ms: 50 });
    expect(injected.effect).toMatch(/^latency 50 ms each way: m1-dcs \+\d+ ms \(round trip (\d+) ms against \d+ ms before; at least 100 ms expected\)$/);
    const roundTrip = Number(/round trip (\d+) ms/.exec(injected.effect ?? '')?.[1]);
    expect(roundTrip).toBeGreaterThanOrEqual(99);
    await injected.heal?.();
    expect(await toxicsLeft(c)).toBe(0);
  });

  it('a toxic on a link the traffic does not cross fails the fault, and is removed again', async () => {
    const c = await fake({ proxied: { toxicsMissTraffic: true } });
    await expect(fault('slow-replication').inject(c, ['m1'], { latency_ms: 50 })).rejects.toThrow(/no proof that slow_replication acted: m1-peer: answered in \d+ ms with the toxic in, at least 100 ms expected/);
    expect(await toxicsLeft(c)).toBe(0);
  });

  it('a bandwidth toxic shows on a padded probe', async () => {
    const c = await fake({ proxied: {} });
    const injected = await fault('throttle-replication').inject(c, ['m2'], { rate_kbps: 100 });
    expect(injected.effect).toMatch(/^bandwidth 100 KB\/s each way: m2-peer \+\d+ ms \(round trip \d+ ms against \d+ ms before; at least 200 ms expected\)$/);
    await injected.heal?.();
  });

  it('a blackhole through the proxies is proven by silence, and fails when the traffic goes around it', async () => {
    const ok = await fake({ proxied: {} });
    const injected = await cutLinks(proxyOnly(ok), ['m1'], ['client'], 'cut_clients');
    expect(injected.effect).toMatch(/^1 path\(s\) silent for 1000 ms with the cut in, each answered before it \(slowest \d+ ms\): harness -> m1-client$/);
    await injected.heal?.();
    expect(await toxicsLeft(ok)).toBe(0);
    await ok.stop();
    const around = await fake({ proxied: { toxicsMissTraffic: true } });
    await expect(cutLinks(proxyOnly(around), ['m1'], ['dcs'], 'partition_dcs')).rejects.toThrow(/no proof that partition_dcs acted: harness -> m1-dcs with the cut in: answered in/);
    expect(await toxicsLeft(around)).toBe(0);
  });
});

describe('reset-replication proves the reset acted, not a refusing upstream', () => {
  it('aborts each new connection while an idle one stays open, and heals clean', async () => {
    const c = await fake({ proxied: {} });
    const injected = await fault('reset-replication').inject(c, ['m1'], {});
    expect(injected.effect).toMatch(/^1 link\(s\) aborted each new connection with no answer, each answered before it and held an idle one open 500 ms \(its upstream up\): m1-peer \(read ECONNRESET\)$/);
    await injected.heal?.();
    expect(await toxicsLeft(c)).toBe(0);
  });

  it('an upstream that went down after the probes before it (the proxy then drops each client unread, an ECONNRESET too) is no proof', async () => {
    const c = await fake({ proxied: {} });
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const gone = `127.0.0.1:${(closed.address() as { port: number }).port}`;
    await new Promise((r) => closed.close(r));
    const api = c.toxiproxyUrl;
    const impairLinks = c.impairLinks;
    if (api === undefined || impairLinks === undefined) throw new Error('the fake has no proxied links');
    // The member's upstream stops listening between the probes before the fault and the fault itself.
    const dying = proxyOnly(c, async (...a: Parameters<typeof impairLinks>) => {
      const res = await fetch(`${api}/proxies/m1-peer`, { method: 'POST', body: JSON.stringify({ upstream: gone }) });
      if (!res.ok) throw new Error(`could not move m1-peer's upstream: ${res.status}`);
      return impairLinks(...a);
    });
    await expect(fault('reset-replication').inject(dying, ['m1'], {}))
      .rejects.toThrow(/no proof that reset_replication acted: m1-peer with the reset in, an idle connection: not probed \(the connection closed with no answer\), held open expected/);
    expect(await toxicsLeft(c)).toBe(0);
  });
});

describe('network faults prove they acted (rules that drop packets)', () => {
  it('a cut whose probes fall silent carries the effect; its heal proves the paths answer again', async () => {
    const c = await fake({});
    const injected = await fault('partition-dcs').inject(c, ['m1'], {});
    expect(injected.effect).toBe('1 path(s) silent for 1000 ms with the cut in, each answered before it (slowest 1 ms): m1 -> etcd');
    expect(await injected.heal?.()).toBe('removed the rules of partition_dcs; 1 path(s) answer again (slowest 1 ms)');
    expect(c.dropped.size).toBe(0);
  });

  it('a rule that drops nothing fails the fault', async () => {
    const c = await fake({ cutsDropNothing: true });
    await expect(fault('isolate').inject(c, ['m1'], {})).rejects.toThrow(/no proof that isolate acted: m1 -> etcd with the cut in: answered in 1 ms; m1 -> m2 with the cut in: answered in 1 ms/);
  });

  it('a heal that leaves a path silent fails, naming it', async () => {
    const c = await fake({ cutsOutliveCure: true });
    const injected = await fault('cut-clients').inject(c, ['m2'], {});
    await expect(injected.heal?.()).rejects.toThrow(/healing cut_clients left m2 -> haproxy no answer within 1000 ms/);
  });

  it('a grudge must be seen dropping too', async () => {
    const c = await fake({ cutsDropNothing: true });
    await expect(fault('partition-hosts').inject(c, [], { grudge: 'random-halves' })).rejects.toThrow(/no proof that partition-hosts acted: .* with the cut in: answered/);
    const ok = await fake({});
    const injected = await fault('partition-hosts').inject(ok, [], { grudge: 'majorities-ring' });
    expect(injected.effect).toMatch(/^3 path\(s\) silent/);
    expect(await injected.heal?.()).toMatch(/^every host sees every host again: 3 path\(s\) answer again/);
  });
});
