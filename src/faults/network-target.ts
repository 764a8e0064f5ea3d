import { Toxiproxy, type Toxic } from 'toxiproxy-node-client';
import { HarnessError } from '../errors.js';
import { hasNetworkControl, type NetworkControl, type StartedCluster } from '../cluster/types.js';

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
    const left = await Promise.all(proxies.map(async (n) => {
      const p = (await tp.get(n)).toJson();
      return p.enabled && p.toxics.length === 0 ? [] : [`${n} (enabled ${p.enabled}, ${p.toxics.length} toxics)`];
    }));
    const dirty = left.flat();
    if (dirty.length > 0) throw new HarnessError('FAULT_FAILED', `proxies not clean after heal: ${dirty.join(', ')}`);
    return `removed ${added.length} toxics from ${proxies.join(', ')}; all enabled and clean`;
  };
}
