import { Toxiproxy, type Toxic } from 'toxiproxy-node-client';
import { request } from 'undici';
import { HarnessError } from '../errors.js';
import { hasLinkCut, hasNetworkControl, type Cure, type NetworkControl, type StartedCluster } from '../cluster/types.js';
import type { LinkKind } from '../cluster/types.js';
import type { Injected } from './types.js';

export function networkControl(cluster: StartedCluster): StartedCluster & NetworkControl {
  if (!hasNetworkControl(cluster)) throw new HarnessError('FAULT_FAILED', `provider ${cluster.provider} carries no proxied links in this run`);
  return cluster;
}

export interface ToxicSpec {
  type: string;
  attributes: Record<string, number>;
}

/**
 * Adds a toxic to both directions of every proxy named, through the standard
 * Toxiproxy client. Returns the cure: remove exactly those toxics, then check
 * that the proxies are left enabled and clean.
 */
export async function poison(cluster: StartedCluster, proxies: readonly string[], label: string, spec: ToxicSpec): Promise<() => Promise<string>> {
  const tp = new Toxiproxy(networkControl(cluster).toxiproxyUrl);
  const added: Toxic<unknown>[] = [];
  for (const name of proxies) {
    const proxy = await tp.get(name);
    for (const stream of ['downstream', 'upstream'] as const) {
      added.push(await proxy.addToxic({ name: `${label}_${stream}`, type: spec.type as never, stream, toxicity: 1, attributes: spec.attributes as never }));
    }
  }
  return async () => {
    for (const toxic of added) await toxic.remove();
    // The client's Proxy objects do not carry their toxics: read the API's own view of each proxy.
    const left = await Promise.all(proxies.map(async (n) => {
      const res = await request(`${networkControl(cluster).toxiproxyUrl}/proxies/${encodeURIComponent(n)}`, { headersTimeout: 5000, bodyTimeout: 5000 });
      const p = (await res.body.json()) as { enabled: boolean; toxics: unknown[] };
      return p.enabled && p.toxics.length === 0 ? [] : [`${n} (enabled ${p.enabled}, ${p.toxics.length} toxics)`];
    }));
    const dirty = left.flat();
    if (dirty.length > 0) throw new HarnessError('FAULT_FAILED', `proxies not clean after heal: ${dirty.join(', ')}`);
    return `removed ${added.length} toxics from ${proxies.join(', ')}; all enabled and clean`;
  };
}

/** A toxic on every link of the given kinds of each named member: the shape of every network fault. */
export async function poisonLinks(cluster: StartedCluster, names: readonly string[], kinds: readonly LinkKind[], label: string, spec: ToxicSpec): Promise<Injected> {
  const net = networkControl(cluster);
  const links = names.flatMap((n) => kinds.flatMap((k) => net.links(n, k)));
  const heal = await poison(cluster, links, label, spec);
  return { detail: `${spec.type} ${JSON.stringify(spec.attributes)} on ${links.join(', ')}`, heal };
}

/**
 * Blackholes every link of the given kinds of each named member: dropped
 * packets where the provider cuts links itself (iptables), else the proxies'
 * blackhole. Either way nothing answers and nothing is refused, as on a
 * real partition. On a failure part-way, what was cut is healed again.
 */
export async function cutLinks(cluster: StartedCluster, names: readonly string[], kinds: readonly LinkKind[], label: string): Promise<Injected> {
  if (!hasLinkCut(cluster)) return poisonLinks(cluster, names, kinds, label, BLACKHOLE);
  const cures: Cure[] = [];
  const details: string[] = [];
  try {
    for (const n of names) {
      const { cure, detail } = await cluster.cutLinks(n, kinds);
      cures.push(cure);
      details.push(detail);
    }
  } catch (err) {
    for (const c of cures) await c().catch(() => undefined); // the cut's own error is the one to report
    throw err;
  }
  return {
    detail: details.join('; '),
    heal: async () => {
      for (const c of cures) await c();
      return `removed the rules of ${label} on ${names.join(', ')}`;
    },
  };
}

/** Toxiproxy's blackhole: the timeout toxic with timeout 0 holds every byte and never closes. */
export const BLACKHOLE: ToxicSpec = { type: 'timeout', attributes: { timeout: 0 } };

const nonNegative = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** Parameters of a latency fault: latency_ms and optionally jitter_ms. */
export function latencyParams(p: Record<string, unknown>): string | undefined {
  const unknown = Object.keys(p).filter((k) => k !== 'latency_ms' && k !== 'jitter_ms');
  if (unknown.length > 0) return `unknown parameter(s) ${unknown.join(', ')}; expected latency_ms and optionally jitter_ms`;
  if (!nonNegative(p['latency_ms'])) return 'expected latency_ms: a number of milliseconds >= 0';
  if (p['jitter_ms'] !== undefined && !nonNegative(p['jitter_ms'])) return 'expected jitter_ms: a number of milliseconds >= 0';
  return undefined;
}

export function latencySpec(p: Record<string, unknown>): ToxicSpec {
  return { type: 'latency', attributes: { latency: Number(p['latency_ms']), jitter: Number(p['jitter_ms'] ?? 0) } };
}
