import { errorMessage, HarnessError } from '../errors.js';
import { pollUntil } from '../cluster/wait/poll.js';
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

/** The PIDs of a member's components now, to tell afterwards whether they went. */
export async function pidsOf(pc: ProcessControl, components: readonly Component[], name: string): Promise<Array<[Component, number | undefined]>> {
  return Promise.all(components.map(async (c): Promise<[Component, number | undefined]> => [c, await pc.pid(c, name)]));
}

/**
 * Waits until every process seen before the fault is gone (not running, or
 * replaced by a new one, as Patroni restarts PostgreSQL): a signal that
 * reached nothing must not pass for a kill. Returns the observation; throws
 * FAULT_FAILED when one is still there.
 */
export async function observeGone(pc: ProcessControl, name: string, before: ReadonlyArray<[Component, number | undefined]>, timeoutMs = 10_000): Promise<string> {
  const seen = before.flatMap(([c, pid]) => (pid === undefined ? [] : [[c, pid] as const]));
  if (seen.length === 0) throw new HarnessError('FAULT_FAILED', `no process of ${name} was running to see go`);
  try {
    await pollUntil(async () => {
      const left = (await Promise.all(seen.map(async ([c, pid]) => ((await pc.pid(c, name)) === pid ? `${c} pid ${pid}` : undefined)))).filter((x) => x !== undefined);
      return left.length === 0 ? true : `${left.join(' and ')} still running`;
    }, { timeoutMs, intervalMs: 50, what: `the processes of ${name} to go` });
  } catch (err) {
    throw new HarnessError('FAULT_FAILED', `${name}: ${errorMessage(err)}`, { cause: err });
  }
  return `${name}: ${seen.map(([c, pid]) => `${c} pid ${pid}`).join(' and ')} gone`;
}

/** Applies `each` to every resolved name and joins their details and their effects. */
export async function forEachNameSeen(names: readonly string[], each: (name: string) => Promise<{ detail: string; effect: string }>): Promise<{ detail: string; effect: string }> {
  const all: Array<{ detail: string; effect: string }> = [];
  for (const n of names) all.push(await each(n));
  return { detail: all.map((x) => x.detail).join('; '), effect: all.map((x) => x.effect).join('; ') };
}
