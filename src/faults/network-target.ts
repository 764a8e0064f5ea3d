import { now } from '../history/clock.js';
import { errorMessage, HarnessError } from '../errors.js';
import { hasLinkCut, hasLinkImpairment, type Cut, type CutPath, type LinkEffect, type LinkImpairment, type LinkKind, type LinkProbe, type Reach, type StartedCluster } from '../cluster/types.js';
import type { Injected } from './types.js';
import { BANDWIDTH_PROBE_MS, CUT_PROBE_MS, proveCut, proveHealed, proveToxic } from './network-proof.js';

export function linkImpairment(cluster: StartedCluster): StartedCluster & LinkImpairment {
  if (!hasLinkImpairment(cluster)) throw new HarnessError('FAULT_FAILED', `provider ${cluster.provider} carries no impairable links in this run`);
  return cluster;
}

/** How long a probe through an impaired link may take: the effect's longest delay and then some. */
function probeTimeoutMs(effect: LinkEffect): number {
  if (effect.kind === 'blackhole' || effect.kind === 'reset') return CUT_PROBE_MS;
  if (effect.kind === 'latency') return 2 * (effect.latencyMs + effect.jitterMs) + 5000;
  return 3 * BANDWIDTH_PROBE_MS + 5000;
}

/** The quicker answer of two probes of one link; any answer beats none. */
function fastest(a: LinkProbe, b: LinkProbe): LinkProbe {
  if (a.kind !== 'answered') return b;
  return b.kind === 'answered' && b.ms < a.ms ? b : a;
}

/** Padding that makes a bandwidth limit delay the probe by about BANDWIDTH_PROBE_MS (rate KB/s = bytes per ms). */
function padFor(effect: LinkEffect): number {
  return effect.kind === 'bandwidth' ? Math.ceil(effect.rateKBps * BANDWIDTH_PROBE_MS) : 0;
}

/**
 * An effect on every link of the given kinds of each named member: the
 * shape of every network fault. Each link is probed just before and with
 * the effect in; an effect no probe saw is removed again and the fault fails.
 */
export async function poisonLinks(cluster: StartedCluster, names: readonly string[], kinds: readonly LinkKind[], label: string, effect: LinkEffect): Promise<Injected> {
  const net = linkImpairment(cluster);
  const links = names.flatMap((n) => net.links(n, kinds));
  const probe = () => Promise.all(links.map((l) => net.probeLink(l, { timeoutMs: probeTimeoutMs(effect), padBytes: padFor(effect) })));
  // The link's own round trip is the best of three: one slow probe on a busy machine must not hide a toxic's delay.
  const before = (await Promise.all([probe(), probe(), probe()])).reduce((best, next) => best.map((b, i) => fastest(b, next[i] as LinkProbe)));
  const cures: (() => Promise<string>)[] = [];
  const heal = async () => {
    const done: string[] = [];
    const errors: string[] = [];
    for (const c of cures) await c().then((m) => done.push(m), (e: unknown) => errors.push(errorMessage(e)));
    if (errors.length > 0) throw new HarnessError('FAULT_FAILED', errors.join('; '));
    return done.join('; ');
  };
  const startedAt = now();
  let effectSeen: string;
  let inForceAt: number;
  try {
    for (const n of names) cures.push(await net.impairLinks(n, kinds, effect, label));
    inForceAt = now();
    const during = await probe();
    effectSeen = proveToxic(label, effect, links.map((link, i) => ({ link, before: before[i] as LinkProbe, during: during[i] as LinkProbe })));
  } catch (err) {
    await heal().catch(() => undefined); // the missing proof is the error to report
    throw err;
  }
  return { detail: `${describeEffect(effect)} on ${links.join(', ')}`, effect: effectSeen, heal, startedAt, inForceAt };
}

/** The effect as the fault's detail names it (Toxiproxy's vocabulary, which the reports have always used). */
function describeEffect(e: LinkEffect): string {
  switch (e.kind) {
    case 'latency': return `latency ${JSON.stringify({ latency: e.latencyMs, jitter: e.jitterMs })}`;
    case 'bandwidth': return `bandwidth ${JSON.stringify({ rate: e.rateKBps })}`;
    case 'blackhole': return `timeout ${JSON.stringify({ timeout: 0 })}`;
    case 'reset': return `reset_peer ${JSON.stringify({ timeout: 0 })}`;
  }
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
  if (!hasLinkCut(cluster)) return poisonLinks(cluster, names, kinds, label, { kind: 'blackhole' });
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

const nonNegative = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** Parameters of a latency fault: latency_ms and optionally jitter_ms. */
export function latencyParams(p: Record<string, unknown>): string | undefined {
  const unknown = Object.keys(p).filter((k) => k !== 'latency_ms' && k !== 'jitter_ms');
  if (unknown.length > 0) return `unknown parameter(s) ${unknown.join(', ')}; expected latency_ms and optionally jitter_ms`;
  if (!nonNegative(p['latency_ms'])) return 'expected latency_ms: a number of milliseconds >= 0';
  if (p['jitter_ms'] !== undefined && !nonNegative(p['jitter_ms'])) return 'expected jitter_ms: a number of milliseconds >= 0';
  return undefined;
}

export function latencyEffect(p: Record<string, unknown>): LinkEffect {
  return { kind: 'latency', latencyMs: Number(p['latency_ms']), jitterMs: Number(p['jitter_ms'] ?? 0) };
}
