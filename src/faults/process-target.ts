import { HarnessError } from '../errors.js';
import { hasProcessControl, type ProcessControl, type StartedCluster } from '../cluster/types.js';

export function processControl(cluster: StartedCluster): StartedCluster & ProcessControl {
  if (!hasProcessControl(cluster)) throw new HarnessError('FAULT_FAILED', `provider ${cluster.provider} cannot control processes`);
  return cluster;
}

/** Whether a resolved name is an etcd member rather than a Patroni member. */
export function isEtcdName(cluster: StartedCluster, name: string): boolean {
  return cluster.etcd.some((e) => e.name === name);
}

/** Applies `each` to every resolved name and joins their details. */
export async function forEachName(names: readonly string[], each: (name: string) => Promise<string>): Promise<string> {
  const details: string[] = [];
  for (const n of names) details.push(await each(n));
  return details.join('; ');
}
