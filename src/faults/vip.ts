/**
 * Faults on one HAProxy of the seeds topology's VIP pair (haproxy-active,
 * haproxy-passive): 002's "Passive HAProxy: Standby, takes over on failure".
 * The proof is what a client sees on the VIP: after a fault on its holder,
 * the other HAProxy answers there, or the fault counts as not injected.
 */
import { HarnessError } from '../errors.js';
import { hasHostControl, hasVipPair, type StartedCluster, type VipPair } from '../cluster/types.js';
import { pollUntil } from '../cluster/wait/poll.js';
import { now } from '../history/clock.js';
import type { Injected } from './types.js';

/** How long keepalived gets to move the VIP: VRRP's master-down interval is about 3.6 s at advert_int 1. */
export const VIP_MOVE_TIMEOUT_MS = 15_000;
const ASK_MS = 500;

/** The cluster's VIP pair when every name is one of its HAProxies; undefined when none is (a member or etcd fault). */
export function vipPairFor(cluster: StartedCluster, names: readonly string[]): (StartedCluster & VipPair) | undefined {
  if (!hasVipPair(cluster) || !names.some((n) => cluster.haproxies.includes(n))) return undefined;
  const other = names.find((n) => !cluster.haproxies.includes(n));
  if (other !== undefined) throw new HarnessError('FAULT_FAILED', `${other} is not an HAProxy of the VIP pair (${cluster.haproxies.join(', ')})`);
  return cluster;
}

/** haproxy-active: the HAProxy answering on the VIP now; haproxy-passive: the other one. */
export async function resolveHaproxyRole(cluster: StartedCluster, role: string): Promise<string[]> {
  if (!hasVipPair(cluster)) throw new HarnessError('FAULT_FAILED', `target "${role}" needs the seeds topology's VIP pair; this ${cluster.provider} cluster has none`);
  const holder = await cluster.vipHolder(2_000);
  if (holder === undefined) throw new HarnessError('FAULT_FAILED', `target "${role}": no HAProxy answers on the VIP ${cluster.vip} right now`);
  return role === 'haproxy-active' ? [holder] : cluster.haproxies.filter((h) => h !== holder).slice(0, 1);
}

type How = 'kill' | 'freeze';

/**
 * How long a downed HAProxy must stay silent on its own address: one missed
 * answer (a slow reply under load) is no proof that the host went down.
 */
export const SILENT_FOR_MS = 1_000;

/**
 * Kills or freezes each named HAProxy's whole container (keepalived with
 * it) and proves the effect: a holder's VIP answered from the other, a
 * passive one silent on its own address with the VIP left where it was.
 * Which of the two a name is comes from the VIP's holder read just before
 * acting, so none answering then fails the fault before anything is done:
 * the kill of an active HAProxy must never be judged as a passive's.
 */
export async function injectOnHaproxies(cluster: StartedCluster & VipPair, names: readonly string[], how: How): Promise<Injected> {
  if (!hasHostControl(cluster)) throw new HarnessError('FAULT_FAILED', `provider ${cluster.provider} cannot kill or freeze an HAProxy's host`);
  const act = how === 'kill' ? (n: string) => cluster.killHost(n) : (n: string) => cluster.freezeHost(n);
  const undo = how === 'kill' ? (n: string) => cluster.startHost(n) : (n: string) => cluster.thawHost(n);
  const verb = how === 'kill' ? 'killed' : 'frozen';
  const healed = how === 'kill' ? 'started' : 'thawed';
  const heal = async () => {
    for (const n of names) await undo(n);
    // A cure is done when the HAProxy serves again, as a fault is when it stopped.
    for (const n of names) {
      await pollUntil(async () => ((await cluster.haproxyAnswers(n, ASK_MS)) ? true : `${n} does not answer`), { timeoutMs: VIP_MOVE_TIMEOUT_MS, intervalMs: 100, what: `${n} to answer` })
        .catch(() => { throw new HarnessError('FAULT_FAILED', `${n} ${healed} but not answering on its own address ${(VIP_MOVE_TIMEOUT_MS / 1000).toFixed(0)} s later`); });
    }
    return `${names.join(', ')} ${healed} and answering`;
  };
  const before = await holderBefore(cluster, names, verb);
  const startedAt = now();
  for (const n of names) await act(n);
  const inForceAt = now();
  try {
    const effect = await vipEffect(cluster, names, before, verb);
    return { detail: `${names.join(', ')}: host ${verb} (HAProxy and keepalived); the VIP ${cluster.vip} was held by ${before}`, effect, startedAt, inForceAt, heal };
  } catch (err) {
    await heal().catch(() => undefined); // not injected, so never healed by the runner
    throw err;
  }
}

/**
 * The VIP's holder just before a fault acts on `names`, or FAULT_FAILED when
 * none answers for 5 s: a fault on the active must never be judged as one on the passive.
 */
export async function holderBefore(cluster: VipPair, names: readonly string[], verb: string): Promise<string> {
  let before: string | undefined;
  await pollUntil(async () => ((before = await cluster.vipHolder(ASK_MS)) === undefined ? 'no HAProxy answered on the VIP' : true), { timeoutMs: 5_000, intervalMs: 100, what: 'the VIP\'s holder' })
    .catch(() => { throw new HarnessError('FAULT_FAILED', `no HAProxy answered on the VIP ${cluster.vip} for 5 s before the fault: which of ${names.join(', ')} is active cannot be told, so nothing was ${verb}`); });
  return before as string;
}

/** What shows the fault acted, or throws FAULT_FAILED: the VIP's move from a holder, a passive's silence. */
export async function vipEffect(cluster: VipPair, names: readonly string[], before: string | undefined, verb: string, timeoutMs = VIP_MOVE_TIMEOUT_MS): Promise<string> {
  const t0 = Date.now();
  const seconds = () => ((Date.now() - t0) / 1000).toFixed(1);
  const others = cluster.haproxies.filter((h) => !names.includes(h));
  if (before === undefined || names.includes(before)) {
    let last: string | undefined;
    await pollUntil(async () => {
      last = await cluster.vipHolder(ASK_MS);
      return last !== undefined && others.includes(last) ? true : `the VIP answered from ${last ?? 'no HAProxy'}`;
    }, { timeoutMs, intervalMs: 100, what: `the VIP ${cluster.vip} to answer from ${others.join(' or ')}` }).catch(() => {
      throw new HarnessError('FAULT_FAILED', `the VIP ${cluster.vip} did not move: ${(timeoutMs / 1000).toFixed(0)} s after ${names.join(', ')} was ${verb} it answered from ${last ?? 'no HAProxy'}, not ${others.join(' or ')}`);
    });
    return `the VIP ${cluster.vip} answered from ${last as string} ${seconds()} s after ${names.join(', ')} was ${verb}`;
  }
  for (const n of names) {
    let silentSince: number | undefined;
    await pollUntil(async () => {
      if (await cluster.haproxyAnswers(n, ASK_MS)) {
        silentSince = undefined;
        return `${n} still answers`;
      }
      silentSince ??= Date.now();
      return Date.now() - silentSince >= SILENT_FOR_MS ? true : `${n} silent for ${Date.now() - silentSince} ms`;
    }, { timeoutMs, intervalMs: 100, what: `${n} to stop answering` })
      .catch(() => { throw new HarnessError('FAULT_FAILED', `${n} did not stay silent on its own address for ${SILENT_FOR_MS / 1000} s within ${(timeoutMs / 1000).toFixed(0)} s after it was ${verb}`); });
  }
  const holder = await cluster.vipHolder(2_000);
  return `${names.join(', ')} answers no more on its own address (${seconds()} s); the VIP ${cluster.vip} answers from ${holder ?? 'no HAProxy'}`;
}
