/**
 * Links carried by a Toxiproxy-compatible proxy (the project's own, src/proxy,
 * or a real Toxiproxy), driven through its HTTP API with the standard
 * Toxiproxy client exactly as a real Toxiproxy would be: the one
 * implementation of LinkImpairment that the providers share. A provider
 * gives the table of its links (where each proxy listens and what it
 * forwards to, as the proxy sees them, and where the harness reaches it).
 */
import { Toxiproxy, type Toxic } from 'toxiproxy-node-client';
import { request } from 'undici';
import { HarnessError } from '../errors.js';
import { httpProbeRequest, PG_SSL_REQUEST, probeTcp } from './link-probe.js';
import type { Endpoint, LinkCure, LinkEffect, LinkImpairment, LinkKind, LinkProbe } from './types.js';

/** One proxied link: a proxy listening on `listen` in front of `upstream`. */
export interface ProxiedLink {
  name: string;
  /** The member whose traffic crosses the link. */
  member: string;
  kind: LinkKind;
  /** host:port the proxy binds, as the proxy's host sees it. */
  listen: string;
  /** host:port the proxy forwards to, as the proxy's host sees it. */
  upstream: string;
  /** Where the harness reaches `listen` (a published port, or `listen` itself). */
  probe: Endpoint;
  /** The upstream's protocol, for a probe that gets it to answer. */
  speaks: 'etcd' | 'postgres' | 'patroni-rest';
}

/**
 * The smallest request each upstream answers at once: PostgreSQL's
 * SSLRequest (which has no room for padding), etcd's /version, Patroni's
 * /liveness (which reads no database).
 */
export function linkProbeRequest(speaks: ProxiedLink['speaks'], padBytes = 0): Buffer {
  switch (speaks) {
    case 'postgres': return PG_SSL_REQUEST;
    case 'etcd': return httpProbeRequest('/version', padBytes);
    case 'patroni-rest': return httpProbeRequest('/liveness', padBytes);
  }
}

/** A link effect as Toxiproxy's toxics spell it. */
export function toxicOf(effect: LinkEffect): { type: 'latency' | 'bandwidth' | 'timeout' | 'reset_peer'; attributes: Record<string, number> } {
  switch (effect.kind) {
    case 'latency': return { type: 'latency', attributes: { latency: effect.latencyMs, jitter: effect.jitterMs } };
    case 'bandwidth': return { type: 'bandwidth', attributes: { rate: effect.rateKBps } };
    // Toxiproxy's blackhole: the timeout toxic with timeout 0 holds every byte and never closes.
    case 'blackhole': return { type: 'timeout', attributes: { timeout: 0 } };
    // reset_peer with timeout 0: the first byte either way aborts the connection with RST.
    case 'reset': return { type: 'reset_peer', attributes: { timeout: 0 } };
  }
}

export class ProxiedLinks implements LinkImpairment {
  constructor(readonly apiUrl: string, readonly table: readonly ProxiedLink[]) {}

  /** The /populate body that creates every link, for a server's --config or the API. */
  proxyList(): { name: string; listen: string; upstream: string; enabled: boolean }[] {
    return this.table.map((l) => ({ name: l.name, listen: l.listen, upstream: l.upstream, enabled: true }));
  }

  async populate(): Promise<void> {
    await new Toxiproxy(this.apiUrl).populate(this.proxyList());
  }

  /** true once the API answers and every link exists. */
  async ready(): Promise<true | string> {
    const all = await new Toxiproxy(this.apiUrl).getAll();
    const missing = this.table.filter((l) => !(l.name in all)).map((l) => l.name);
    return missing.length === 0 ? true : `proxies not created yet: ${missing.join(', ')}`;
  }

  /** Deletes the links from a Toxiproxy that outlives the run; returns those it could not delete. */
  async remove(): Promise<string[]> {
    const tp = new Toxiproxy(this.apiUrl);
    const failed: string[] = [];
    for (const l of this.table) await tp.get(l.name).then((p) => p.remove()).catch(() => failed.push(l.name));
    return failed;
  }

  links(member: string, kinds: readonly LinkKind[]): string[] {
    return this.table.filter((l) => l.member === member && kinds.includes(l.kind)).map((l) => l.name);
  }

  #link(name: string): ProxiedLink {
    const l = this.table.find((x) => x.name === name);
    if (l === undefined) throw new HarnessError('NOT_FOUND', `no link named ${name}`);
    return l;
  }

  /** A request through the link's proxy, which the faults' proofs time. */
  probeLink(link: string, o: { timeoutMs: number; padBytes?: number }): Promise<LinkProbe> {
    const l = this.#link(link);
    return probeTcp(l.probe, linkProbeRequest(l.speaks, o.padBytes), o.timeoutMs);
  }

  /**
   * Adds the effect's toxic to both directions of every link of the kinds,
   * through the standard Toxiproxy client. The cure removes exactly those
   * toxics, then checks that the proxies are left enabled and clean.
   */
  async impairLinks(member: string, kinds: readonly LinkKind[], effect: LinkEffect, label: string): Promise<LinkCure> {
    const names = this.links(member, kinds);
    if (names.length === 0) throw new HarnessError('FAULT_FAILED', `${member} has no proxied ${kinds.join('/')} link`);
    const toxic = toxicOf(effect);
    const tp = new Toxiproxy(this.apiUrl);
    const added: Toxic<unknown>[] = [];
    const cure: LinkCure = async () => {
      for (const t of added.splice(0)) await t.remove();
      // The client's Proxy objects do not carry their toxics: read the API's own view of each proxy.
      const left = await Promise.all(names.map(async (n) => {
        const res = await request(`${this.apiUrl}/proxies/${encodeURIComponent(n)}`, { headersTimeout: 5000, bodyTimeout: 5000 });
        const p = (await res.body.json()) as { enabled: boolean; toxics: unknown[] };
        return p.enabled && p.toxics.length === 0 ? [] : [`${n} (enabled ${p.enabled}, ${p.toxics.length} toxics)`];
      }));
      const dirty = left.flat();
      if (dirty.length > 0) throw new HarnessError('FAULT_FAILED', `proxies not clean after heal: ${dirty.join(', ')}`);
      return `removed ${2 * names.length} toxics from ${names.join(', ')}; all enabled and clean`;
    };
    try {
      for (const name of names) {
        const proxy = await tp.get(name);
        for (const stream of ['downstream', 'upstream'] as const) {
          added.push(await proxy.addToxic({ name: `${label}_${stream}`, type: toxic.type, stream, toxicity: 1, attributes: toxic.attributes as never }));
        }
      }
    } catch (err) {
      await cure().catch(() => undefined); // the toxic's own error is the one to report
      throw err;
    }
    return cure;
  }
}
