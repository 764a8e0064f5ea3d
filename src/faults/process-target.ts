import { HarnessError } from '../errors.js';
import { hasProcessControl, type Component, type ProcessControl, type StartedCluster } from '../cluster/types.js';

export function processControl(cluster: StartedCluster): StartedCluster & ProcessControl {
  if (!hasProcessControl(cluster)) throw new HarnessError('FAULT_FAILED', `provider ${cluster.provider} cannot control processes`);
  return cluster;
}

/** Whether a resolved name is an etcd member rather than a Patroni member. */
export function isEtcdName(cluster: StartedCluster, name: string): boolean {
  return cluster.etcd.some((e) => e.name === name);
}

/** What starts a resolved name again: its etcd, or its Patroni (which brings PostgreSQL). */
export function componentOf(cluster: StartedCluster, name: string): 'patroni' | 'etcd' {
  return isEtcdName(cluster, name) ? 'etcd' : 'patroni';
}

/** Applies `each` to every resolved name and joins their details. */
export async function forEachName(names: readonly string[], each: (name: string) => Promise<string>): Promise<string> {
  const details: string[] = [];
  for (const n of names) details.push(await each(n));
  return details.join('; ');
}

/**
 * Signals the components of a member in order and throws when none of them
 * was running: a fault that does nothing must not let the run go on as if
 * it had been injected (its RTO would read as a recovery that never had to
 * happen).
 */
export async function signalSome(pc: ProcessControl, components: readonly Component[], name: string, sig: NodeJS.Signals): Promise<void> {
  let any = false;
  for (const c of components) any = (await pc.signal(c, name, sig)) || any;
  if (!any) throw new HarnessError('FAULT_FAILED', `${components.join(' and ')} of ${name} not running: ${sig} would do nothing`);
}
