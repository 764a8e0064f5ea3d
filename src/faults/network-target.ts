import { Toxiproxy, type Toxic } from 'toxiproxy-node-client';
import { now } from '../history/clock.js';
import { request } from 'undici';
import { errorMessage, HarnessError } from '../errors.js';
import { hasLinkCut, hasNetworkControl, type Cut, type CutPath, type LinkProbe, type NetworkControl, type Reach, type StartedCluster } from '../cluster/types.js';
import type { LinkKind } from '../cluster/types.js';
import type { Injected } from './types.js';
import { BANDWIDTH_PROBE_MS, CUT_PROBE_MS, proveCut, proveHealed, proveToxic } from './network-proof.js';

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

/** How long a probe through a poisoned link may take: the toxic's longest delay and then some. */
function probeTimeoutMs(spec: ToxicSpec): number {
  if (spec.type === 'timeout') return CUT_PROBE_MS;
  const a = spec.attributes;
  if (spec.type === 'latency') return 2 * ((a['latency'] ?? 0) + (a['jitter'] ?? 0)) + 5000;
  return 3 * BANDWIDTH_PROBE_MS + 5000;
}

/** The quicker answer of two probes of one link; any answer beats none. */
function fastest(a: LinkProbe, b: LinkProbe): LinkProbe {
  if (a.kind !== 'answered') return b;
  return b.kind === 'answered' && b.ms < a.ms ? b : a;
}

/** Padding that makes a bandwidth toxic delay the probe by about BANDWIDTH_PROBE_MS (rate KB/s = bytes per ms). */
function padFor(spec: ToxicSpec): number {
  return spec.type === 'bandwidth' ? Math.ceil((spec.attributes['rate'] ?? 0) * BANDWIDTH_PROBE_MS) : 0;
}

/**
 * A toxic on every link of the given kinds of each named member: the shape
 * of every network fault. Each link is probed just before and with the
 * toxic in; a toxic no probe saw is removed again and the fault fails.
 */
export async function poisonLinks(cluster: StartedCluster, names: readonly string[], kinds: readonly LinkKind[], label: string, spec: ToxicSpec): Promise<Injected> {
  const net = networkControl(cluster);
  const links = names.flatMap((n) => kinds.flatMap((k) => net.links(n, k)));
  const probe = () => Promise.all(links.map((l) => net.probeLink(l, { timeoutMs: probeTimeoutMs(spec), padBytes: padFor(spec) })));
  // The link's own round trip is the best of three: one slow probe on a busy machine must not hide a toxic's delay.
  const before = (await Promise.all([probe(), probe(), probe()])).reduce((best, next) => best.map((b, i) => fastest(b, next[i] as LinkProbe)));
  const startedAt = now();
  const heal = await poison(cluster, links, label, spec);
  const inForceAt = now();
  let effect: string;
  try {
    const during = await probe();
    effect = proveToxic(label, spec, links.map((link, i) => ({ link, before: before[i] as LinkProbe, during: during[i] as LinkProbe })));
  } catch (err) {
    await heal().catch(() => undefined); // the missing proof is the error to report
    throw err;
  }
  return { detail: `${spec.type} ${JSON.stringify(spec.attributes)} on ${links.join(', ')}`, effect, heal, startedAt, inForceAt };
}

/**
 * Blackholes every link of the given kinds of each named member: dropped
 * packets where the provider cuts links itself (iptables), else the proxies'
 * blackhole. Either way nothing answers and nothing is refused, as on a
 * real partition. Probes across every path cut prove it acted, and the heal
 * proves every path answers again. On a failure part-way, what was cut is
 * healed again.
 */
export async function cutLinks(cluster: StartedCluster, names: readonly string[], kinds: readonly LinkKind[], label: string): Promise<Injected> {
  if (!hasLinkCut(cluster)) return poisonLinks(cluster, names, kinds, label, BLACKHOLE);
  const cuts: Cut[] = [];
  let effect: string;
  try {
    for (const n of names) cuts.push(await cluster.cutLinks(n, kinds));
    effect = proveCut(label, cuts.flatMap((c) => c.probes));
  } catch (err) {
    for (const c of cuts) await c.cure().catch(() => undefined); // the cut's own error is the one to report
    throw err;
  }
  return {
    detail: cuts.map((c) => c.detail).join('; '),
    effect,
    startedAt: Math.min(...cuts.map((c) => c.span.from)),
    inForceAt: Math.max(...cuts.map((c) => c.span.to)),
    heal: async () => `removed the rules of ${label}; ${await healCuts(label, cuts)}` };
}

/** Runs every cure, then judges them together: a rule left in place, or a path still silent, fails the heal. */
export async function healCuts(label: string, cuts: readonly Pick<Cut, 'cure'>[]): Promise<string> {
  const after: (CutPath & { after: Reach })[] = [];
  const errors: string[] = [];
  for (const c of cuts) {
    await c.cure().then((a) => after.push(...a), (e: unknown) => errors.push(errorMessage(e)));
  }
  if (errors.length > 0) throw new HarnessError('FAULT_FAILED', `healing ${label} failed: ${errors.join('; ')}`);
  return proveHealed(label, after);
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
