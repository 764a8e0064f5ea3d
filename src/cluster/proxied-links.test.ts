import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ToxiproxyServer } from '../proxy/index.js';
import { ProxiedLinks, toxicOf, type ProxiedLink } from './proxied-links.js';
import { hasLinkImpairment, type StartedCluster } from './types.js';

const open: { stop(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.stop();
});

/** An upstream that answers any bytes with a line, and the project's proxy API in front of it. */
async function setup(): Promise<{ links: ProxiedLinks; api: string }> {
  const upstream: Server = createServer((s) => s.on('data', () => s.end('ok\n')).on('error', () => undefined));
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  open.push({ stop: () => new Promise((r) => upstream.close(r)) });
  const server = new ToxiproxyServer({ host: '127.0.0.1', port: 0 });
  const api = await server.start();
  open.push(server);
  const port = (upstream.address() as { port: number }).port;
  const free = async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const p = (s.address() as { port: number }).port;
    await new Promise((r) => s.close(r));
    return p;
  };
  const link = async (name: string, member: string, kind: ProxiedLink['kind']): Promise<ProxiedLink> => {
    const p = await free();
    return { name, member, kind, listen: `127.0.0.1:${p}`, upstream: `127.0.0.1:${port}`, probe: { host: '127.0.0.1', port: p }, speaks: 'etcd' };
  };
  const links = new ProxiedLinks(api, [await link('a-dcs1', 'a', 'dcs'), await link('a-peer', 'a', 'peer'), await link('b-dcs1', 'b', 'dcs')]);
  await links.populate();
  return { links, api };
}

const toxicsOn = async (api: string) => {
  const all = (await (await fetch(`${api}/proxies`)).json()) as Record<string, { toxics: { name: string; type: string; attributes: unknown }[] }>;
  return Object.fromEntries(Object.entries(all).map(([n, p]) => [n, p.toxics.map((t) => `${t.name}:${t.type}:${JSON.stringify(t.attributes)}`).sort()]));
};

describe('ProxiedLinks: the link-impairment ability over a Toxiproxy API', () => {
  it('maps each effect to its Toxiproxy toxic', () => {
    expect(toxicOf({ kind: 'latency', latencyMs: 50, jitterMs: 5 })).toEqual({ type: 'latency', attributes: { latency: 50, jitter: 5 } });
    expect(toxicOf({ kind: 'bandwidth', rateKBps: 100 })).toEqual({ type: 'bandwidth', attributes: { rate: 100 } });
    expect(toxicOf({ kind: 'blackhole' })).toEqual({ type: 'timeout', attributes: { timeout: 0 } });
  });

  it('impairs only the member links of the kinds named, both directions, and its cure removes exactly those', async () => {
    const { links, api } = await setup();
    expect(await links.ready()).toBe(true);
    const cure = await links.impairLinks('a', ['dcs'], { kind: 'latency', latencyMs: 30, jitterMs: 0 }, 'slow_dcs');
    const other = await links.impairLinks('b', ['dcs'], { kind: 'blackhole' }, 'cut');
    expect(await toxicsOn(api)).toEqual({
      'a-dcs1': ['slow_dcs_downstream:latency:{"latency":30,"jitter":0}', 'slow_dcs_upstream:latency:{"latency":30,"jitter":0}'],
      'a-peer': [],
      'b-dcs1': ['cut_downstream:timeout:{"timeout":0}', 'cut_upstream:timeout:{"timeout":0}'],
    });
    const probe = await links.probeLink('a-dcs1', { timeoutMs: 2000 });
    expect(probe.kind === 'answered' && probe.ms).toBeGreaterThanOrEqual(59);
    expect(await cure()).toBe('removed 2 toxics from a-dcs1; all enabled and clean');
    expect((await toxicsOn(api))['a-dcs1']).toEqual([]);
    // A second call removes nothing more, and the other fault's toxics stay.
    expect(await cure()).toBe('removed 2 toxics from a-dcs1; all enabled and clean');
    expect((await toxicsOn(api))['b-dcs1']).toHaveLength(2);
    await other();
  });

  it('refuses a member with no link of the kinds, and a cure fails when its link is left dirty', async () => {
    const { links, api } = await setup();
    await expect(links.impairLinks('b', ['client'], { kind: 'blackhole' }, 'x')).rejects.toThrow('b has no proxied client link');
    const cure = await links.impairLinks('a', ['peer'], { kind: 'bandwidth', rateKBps: 10 }, 'narrow');
    await fetch(`${api}/proxies/a-peer/toxics`, { method: 'POST', body: JSON.stringify({ name: 'stranger', type: 'latency', attributes: { latency: 1 } }) });
    await expect(cure()).rejects.toThrow('proxies not clean after heal: a-peer (enabled true, 1 toxics: stranger)');
  });

  it('two faults stacked on one link: each cure removes its own and leaves the other in force, a stranger still fails it', async () => {
    const { links, api } = await setup();
    const narrow = await links.impairLinks('a', ['peer'], { kind: 'bandwidth', rateKBps: 10 }, 'narrow');
    const reset = await links.impairLinks('a', ['peer'], { kind: 'reset' }, 'cut');
    expect((await toxicsOn(api))['a-peer']).toEqual(['cut_downstream:reset_peer:{"timeout":0}', 'cut_upstream:reset_peer:{"timeout":0}', 'narrow_downstream:bandwidth:{"rate":10}', 'narrow_upstream:bandwidth:{"rate":10}'].sort());
    expect(await reset()).toBe("removed 2 toxics from a-peer; all enabled and clean but for other faults' toxics still in force (a-peer:narrow_downstream, a-peer:narrow_upstream)");
    expect((await toxicsOn(api))['a-peer']).toEqual(['narrow_downstream:bandwidth:{"rate":10}', 'narrow_upstream:bandwidth:{"rate":10}']);
    await fetch(`${api}/proxies/a-peer/toxics`, { method: 'POST', body: JSON.stringify({ name: 'stranger', type: 'latency', attributes: { latency: 1 } }) });
    await expect(narrow()).rejects.toThrow('proxies not clean after heal: a-peer (enabled true, 1 toxics: stranger)');
    expect((await toxicsOn(api))['a-peer']).toEqual(['stranger:latency:{"latency":1,"jitter":0}']);
  });

  it('is an ability only where impairLinks is set: a run without proxies has none', () => {
    const base = { provider: 'x', links: () => [], probeLink: async () => ({ kind: 'unprobed', why: '', sent: 0 }) };
    expect(hasLinkImpairment({ ...base, impairLinks: undefined } as unknown as StartedCluster)).toBe(false); // only the guard's fields matter
    expect(hasLinkImpairment({ ...base, impairLinks: async () => async () => '' } as unknown as StartedCluster)).toBe(true); // idem
  });
});
