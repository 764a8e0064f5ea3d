/**
 * A fault on keepalived alone, beside one HAProxy of the seeds topology's
 * VIP pair (keepalived:haproxy-active, keepalived:haproxy-passive; issue 22:
 * "kill keepalived"): 002's "Virtual IP: Shared via keepalived (VRRP
 * protocol)" with the HAProxy itself left running. A host's death takes
 * both (vip.ts); this takes the VRRP side only, so the proof must show both
 * halves: keepalived gone, and the HAProxy still answering on its own
 * address. On the VIP's holder the VIP must also answer from the other
 * HAProxy; on the passive it must stay where it was.
 *
 * A SIGKILL gives keepalived no chance to take the VIP off its interface:
 * the killed holder keeps the address while the other claims it with
 * gratuitous ARP. A client follows the announcement (what the proof reads),
 * and one that reached the old holder still meets a live HAProxy there.
 */
import { HarnessError } from '../errors.js';
import { hasKeepalived, hasVipPair, type ClientTraffic, type Keepalived, type StartedCluster, type VipPair } from '../cluster/types.js';
import { pollUntil } from '../cluster/wait/poll.js';
import { now } from '../history/clock.js';
import { HAPROXY_ROLES, KEEPALIVED_PREFIX, keepalivedHost } from '../scenario/catalog.js';
import type { Healed, Injected } from './types.js';
import { holderBefore, resolveHaproxyRole, VIP_MOVE_TIMEOUT_MS, vipEffect } from './vip.js';

/** How long keepalived's processes get to go after SIGKILL, and its HAProxy to answer after that. */
export const KEEPALIVED_TIMEOUT_MS = 10_000;
const ASK_MS = 500;

type Pair = StartedCluster & VipPair & Keepalived;

/** keepalived:<haproxy target> resolved: the HAProxy as haproxy-active/-passive resolves it, prefixed again. */
export async function resolveKeepalived(cluster: StartedCluster, haproxyTarget: string): Promise<string[]> {
  if (!hasVipPair(cluster) || !hasKeepalived(cluster)) throw new HarnessError('FAULT_FAILED', `target "${KEEPALIVED_PREFIX}${haproxyTarget}" needs the seeds topology's keepalived beside two HAProxies; this ${cluster.provider} cluster has none`);
  // Only the pair's roles: resolveHaproxyRole reads anything but haproxy-active as the passive.
  if (!(HAPROXY_ROLES as readonly string[]).includes(haproxyTarget)) return [];
  return (await resolveHaproxyRole(cluster, haproxyTarget)).map((h) => `${KEEPALIVED_PREFIX}${h}`);
}

/** The HAProxies whose keepalived the names are, when every name is one; undefined when none is. */
export function keepalivedFor(cluster: StartedCluster, names: readonly string[]): { cluster: Pair; hosts: string[] } | undefined {
  const hosts = names.map(keepalivedHost);
  if (hosts.every((h) => h === undefined)) return undefined;
  const other = names.find((n) => keepalivedHost(n) === undefined);
  if (other !== undefined) throw new HarnessError('FAULT_FAILED', `${other} is not an HAProxy's keepalived: one fault acts on keepalived or on hosts, not both`);
  if (!hasVipPair(cluster) || !hasKeepalived(cluster)) throw new HarnessError('FAULT_FAILED', `this ${cluster.provider} cluster runs no keepalived (the seeds topology does)`);
  const stranger = (hosts as string[]).find((h) => !cluster.haproxies.includes(h));
  if (stranger !== undefined) throw new HarnessError('FAULT_FAILED', `${stranger} is not an HAProxy of the VIP pair (${cluster.haproxies.join(', ')})`);
  return { cluster, hosts: hosts as string[] };
}

const LEFT = 'left without keepalived';

/**
 * SIGKILL of every keepalived process (the parent and its VRRP child) in
 * each named HAProxy's host, once keepalived was seen running and the
 * HAProxy answering (a HAProxy already silent would make its "still
 * running" prove nothing). Which part the host plays comes from the VIP's
 * holder read just before acting, as for a host fault.
 */
export async function injectOnKeepalived(cluster: Pair, hosts: readonly string[]): Promise<Injected> {
  const before = await holderBefore(cluster, hosts, 'killed');
  const pids = new Map<string, number[]>();
  for (const h of hosts) {
    const running = await cluster.keepalivedPids(h);
    if (running.length === 0) throw new HarnessError('FAULT_FAILED', `${h}: no keepalived runs there, so nothing was killed`);
    if (!(await cluster.haproxyAnswers(h, 2_000))) throw new HarnessError('FAULT_FAILED', `${h}: HAProxy does not answer on its own address before the fault: that it still runs afterwards could not be told, so nothing was killed`);
    pids.set(h, running);
  }
  // Set once the VIP answered from the other HAProxy: from then on the clients must go there, not to the killed holder.
  let moved: Moved | undefined;
  const heal = async (): Promise<string | Healed> => {
    const clients = moved === undefined ? undefined : judgeClients(moved, await trafficOf(cluster, cluster.haproxies));
    // keepalived is started again whatever the clients did: a run must not be left without it.
    const healed = await healKeepalived(cluster, hosts);
    if (clients?.error !== undefined) throw new HarnessError('FAULT_FAILED', `${clients.error} (keepalived itself: ${healed})`);
    if (clients === undefined) return healed;
    const detail = `${clients.said}; ${healed}`;
    return clients.unknown === undefined ? detail : { detail, unknown: clients.unknown };
  };
  const fresh = cluster.haproxies.filter((h) => !hosts.includes(h));
  const trafficBefore = hosts.includes(before) ? await trafficOf(cluster, fresh) : undefined;
  const startedAt = now();
  try {
    for (const h of hosts) {
      if (!(await cluster.signalKeepalived(h, 'SIGKILL'))) throw new HarnessError('FAULT_FAILED', `${h}: keepalived pid ${(pids.get(h) as number[]).join(', ')} was gone before its SIGKILL`);
    }
    const inForceAt = now();
    const effect = await keepalivedEffect(cluster, hosts, before, pids);
    // Read after the VIP answered from the other: the host's ARP already named it, so a client reaching the old holder from here on followed its stale address.
    if (trafficBefore !== undefined) moved = { from: before, to: fresh, before: trafficBefore, atMove: await trafficOf(cluster, [before]) };
    return {
      detail: `${hosts.map((h) => `${h}: keepalived pid ${(pids.get(h) as number[]).join(', ')} killed (SIGKILL)`).join('; ')}; HAProxy left running; the VIP ${cluster.vip} was held by ${before}`,
      effect, startedAt, inForceAt, heal,
    };
  } catch (err) {
    await heal().catch(() => undefined); // not injected, so never healed by the runner
    throw err;
  }
}

/** The VIP's move as the heal judges the clients by: from whom to whom, and their clients' counters before the kill and at the move. */
export interface Moved {
  from: string;
  to: readonly string[];
  /** The new holders' counters before the kill. */
  before: ReadonlyMap<string, ClientTraffic | undefined>;
  /** The old holder's counters once the VIP answered from the other. */
  atMove: ReadonlyMap<string, ClientTraffic | undefined>;
}

async function trafficOf(cluster: Keepalived, names: readonly string[]): Promise<Map<string, ClientTraffic | undefined>> {
  const read = new Map<string, ClientTraffic | undefined>();
  for (const n of names) read.set(n, await cluster.clientTraffic(n, 2_000));
  return read;
}

/**
 * Where the clients went while the holder was without keepalived, from
 * each HAProxy's own counters: the VIP answering one probe from the other
 * HAProxy shows the host's ARP named it once, not that the clients stayed
 * there. A SIGKILL leaves the address on the old holder, whose HAProxy
 * still serves, so a neighbour entry turned back to it (an ARP request
 * it sends from that address re-teaches the host) sends the clients to the
 * killed keepalived's host: writes flow, and the run would pass without the
 * VIP's move in force. A session or a byte from clients there after the
 * move is that, and fails the fault; sessions through the new holder are
 * the clients' reconnection. Both halves prove the move: without a session
 * seen through the new holder (no workload, or none reconnected), or
 * without counters to compare, the move is `unknown` (the run's verdict
 * too), never proven.
 */
export function judgeClients(moved: Moved, nowRead: ReadonlyMap<string, ClientTraffic | undefined>): { said: string; error?: string; unknown?: string } {
  const said: string[] = [];
  const unknown: string[] = [];
  // Said in the heal's text as ever, and kept apart for the run's verdict.
  const doubt = (what: string) => { said.push(what); unknown.push(what); };
  const at = moved.atMove.get(moved.from);
  const later = nowRead.get(moved.from);
  const to = moved.to.join(' or ');
  if (at === undefined || later === undefined || later.sessions < at.sessions || later.bytesIn < at.bytesIn) {
    doubt(`whether clients reached ${moved.from} after the VIP left it is unknown (its HAProxy's stats ${at === undefined || later === undefined ? 'could not be read' : 'went back: restarted'})`);
  } else if (later.sessions > at.sessions || later.bytesIn > at.bytesIn) {
    return {
      said: '',
      error: `clients still reached ${moved.from} after the VIP answered from ${to}: ${later.sessions - at.sessions} new session(s) and ${later.bytesIn - at.bytesIn} byte(s) from clients on the address a SIGKILL left there, so the clients did not all go through ${to} while the fault was in force`,
    };
  } else {
    said.push(`no client reached ${moved.from} after the VIP left it`);
  }
  for (const h of moved.to) {
    const [b, n] = [moved.before.get(h), nowRead.get(h)];
    if (b === undefined || n === undefined || n.sessions < b.sessions) doubt(`how many clients went through ${h} is unknown (its HAProxy's stats ${b === undefined || n === undefined ? 'could not be read' : 'went back: restarted'})`);
    else if (n.sessions === b.sessions) doubt(`no client session through ${h} while the fault was in force: that the clients went through it is unknown`);
    else said.push(`${n.sessions - b.sessions} client session(s) through ${h} while the fault was in force`);
  }
  return { said: said.join('; '), ...(unknown.length > 0 ? { unknown: unknown.join('; ') } : {}) };
}

/**
 * What shows keepalived alone was killed, or FAULT_FAILED: its processes
 * gone; on the holder the VIP answering from the other HAProxy; on the
 * passive the VIP still answering from the holder; and either way the
 * host's own HAProxy still answering (a host gone down with keepalived is
 * the haproxy-active fault, not this one).
 */
export async function keepalivedEffect(cluster: VipPair & Keepalived, hosts: readonly string[], before: string, pids: ReadonlyMap<string, readonly number[]>, timeoutMs = KEEPALIVED_TIMEOUT_MS): Promise<string> {
  const t0 = Date.now();
  const seconds = () => ((Date.now() - t0) / 1000).toFixed(1);
  const effects: string[] = [];
  for (const h of hosts) {
    let left: number[] = [];
    await pollUntil(async () => ((left = await cluster.keepalivedPids(h)).length === 0 ? true : `keepalived pid ${left.join(', ')} still running`), { timeoutMs, intervalMs: 100, what: `${h}'s keepalived to go` })
      .catch(() => { throw new HarnessError('FAULT_FAILED', `${h}: keepalived was sent SIGKILL, but ${(timeoutMs / 1000).toFixed(0)} s later pid ${left.join(', ')} still ran`); });
    effects.push(`${h}: keepalived pid ${(pids.get(h) ?? []).join(', ')} gone (${seconds()} s)`);
  }
  if (hosts.includes(before)) {
    effects.push(await vipEffect(cluster, hosts, before, LEFT, VIP_MOVE_TIMEOUT_MS));
  } else {
    let holder: string | undefined;
    await pollUntil(async () => ((holder = await cluster.vipHolder(ASK_MS)) === undefined ? 'no HAProxy answered on the VIP' : true), { timeoutMs: 5_000, intervalMs: 100, what: 'the VIP\'s holder' })
      .catch(() => { throw new HarnessError('FAULT_FAILED', `no HAProxy answered on the VIP ${cluster.vip} for 5 s after ${hosts.join(', ')} was ${LEFT}: the passive's keepalived holds no VIP to lose, so this fault did more than it says`); });
    if (holder !== before) throw new HarnessError('FAULT_FAILED', `the VIP ${cluster.vip} moved from ${before} to ${holder as string} after ${hosts.join(', ')} was ${LEFT}: the passive's keepalived holds no VIP to lose, so this fault did more than it says`);
    effects.push(`the VIP ${cluster.vip} still answers from ${before}`);
  }
  for (const h of hosts) {
    // One answer is enough: a dead HAProxy ends its container and never answers again.
    await pollUntil(async () => ((await cluster.haproxyAnswers(h, ASK_MS)) ? true : `${h} does not answer`), { timeoutMs, intervalMs: 100, what: `${h}'s HAProxy to answer` })
      .catch(() => { throw new HarnessError('FAULT_FAILED', `${h}: its HAProxy did not answer on its own address within ${(timeoutMs / 1000).toFixed(0)} s after keepalived was killed: the host went down with it, not keepalived alone`); });
  }
  effects.push(`${hosts.join(', ')}: HAProxy still answering on its own address`);
  return effects.join('; ');
}

/**
 * Starts keepalived again where it is gone, as the entrypoint did, and waits
 * for the VIP to settle where VRRP puts it. keepalivedConf sets no
 * `nopreempt`, so keepalived's default, preemption, holds: with both
 * running, the higher priority (100, the pair's first) takes the VIP, a
 * holder's keepalived started again taking it back from the other within
 * its master-down interval (about 3.6 s at advert_int 1), which clients see
 * as a second move. So the heal is done when every named keepalived runs and
 * the VIP answers from the first of the pair, in priority order, whose
 * keepalived runs.
 */
export async function healKeepalived(cluster: VipPair & Keepalived, hosts: readonly string[], timeoutMs = VIP_MOVE_TIMEOUT_MS): Promise<string> {
  const started: string[] = [];
  for (const h of hosts) {
    if ((await cluster.keepalivedPids(h)).length > 0) continue;
    await cluster.startKeepalived(h);
    const pids = await cluster.keepalivedPids(h);
    if (pids.length === 0) throw new HarnessError('FAULT_FAILED', `${h}: keepalived started again, but no keepalived process runs there`);
    started.push(`${h}: keepalived pid ${pids.join(', ')} started`);
  }
  let expected: string | undefined;
  for (const h of cluster.haproxies) {
    if ((await cluster.keepalivedPids(h)).length > 0) {
      expected = h;
      break;
    }
  }
  if (expected === undefined) throw new HarnessError('FAULT_FAILED', `no keepalived runs beside ${cluster.haproxies.join(' or ')}: nothing holds the VIP ${cluster.vip}`);
  let last: string | undefined;
  await pollUntil(async () => ((last = await cluster.vipHolder(ASK_MS)) === expected ? true : `the VIP answered from ${last ?? 'no HAProxy'}`), { timeoutMs, intervalMs: 100, what: `the VIP ${cluster.vip} to answer from ${expected}` })
    .catch(() => { throw new HarnessError('FAULT_FAILED', `keepalived runs again beside ${hosts.join(', ')}, but ${(timeoutMs / 1000).toFixed(0)} s later the VIP ${cluster.vip} answered from ${last ?? 'no HAProxy'}, not ${expected as string} (the higher VRRP priority, which preempts)`); });
  return `${started.length > 0 ? started.join('; ') : `keepalived already running beside ${hosts.join(', ')}`}; the VIP ${cluster.vip} answers from ${expected}`;
}
