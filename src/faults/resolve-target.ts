import { HarnessError } from '../errors.js';
import { memberList, memberStatus } from '../cluster/etcd-api.js';
import { isPrimaryRole, isSyncRole } from '../cluster/patroni-api.js';
import type { ClusterMember } from '../cluster/patroni-api.js';
import type { StartedCluster } from '../cluster/types.js';
import { clusterView } from '../cluster/wait/healthy.js';
import { HAPROXY_ROLES, keepalivedHost, MEMBER_ROLES, poolerMember } from '../scenario/catalog.js';
import { resolveHaproxyRole } from './vip.js';
import { resolvePooler } from './pgbouncer.js';
import { resolveKeepalived } from './keepalived.js';

/** Reads each member's role as Patroni's /cluster gives it (the runner passes its parts' reading, the fake's in tests). */
export type MemberRoles = (cluster: StartedCluster) => Promise<ReadonlyArray<Pick<ClusterMember, 'name' | 'role' | 'state'>>>;

const byName = (a: string, b: string) => a.localeCompare(b);

async function memberRole(cluster: StartedCluster, target: string, roles: MemberRoles): Promise<string[]> {
  const view = await roles(cluster);
  // A member whose Patroni is stopped stays in /cluster until its key expires: a role target
  // picks a live member of the role first, so that a second `shutdown replica` reaches the other replica.
  const down = (state: string | undefined) => state === 'stopped' || state === 'stopping' || state === 'crashed';
  const pick = (pred: (role: string) => boolean) => view.filter((m) => pred(m.role))
    .sort((x, y) => Number(down(x.state)) - Number(down(y.state)) || byName(x.name, y.name)).map((m) => m.name);
  switch (target) {
    case 'primary': return pick(isPrimaryRole).slice(0, 1);
    // A plain replica first: the sync standby has its own target.
    // Under quorum commit every standby is a voter (quorum_standby): still a replica.
    case 'replica': return [...pick((r) => r === 'replica'), ...pick(isSyncRole)].slice(0, 1);
    case 'sync-standby': return pick(isSyncRole).slice(0, 1);
    case 'any': {
      const all = view.map((m) => m.name);
      return all.length === 0 ? [] : [all[Math.floor(Math.random() * all.length)] as string];
    }
    default: return [];
  }
}

/** etcd members in order leader first, from the first member that answers. */
async function etcdLeaderFirst(cluster: StartedCluster): Promise<string[]> {
  for (const e of cluster.etcd) {
    try {
      const [status, members] = await Promise.all([memberStatus(e.clientUrl), memberList(e.clientUrl)]);
      const leader = members.find((m) => m.id === status.leaderId);
      if (!leader) continue;
      return [leader.name, ...members.filter((m) => m !== leader).map((m) => m.name).sort(byName)];
    } catch {
      continue; // this member is down: ask the next
    }
  }
  return [];
}

/**
 * Resolves a scenario target to member or etcd member names at the moment
 * the step runs: roles move during a run, so they are never resolved early.
 */
export async function resolveTarget(cluster: StartedCluster, target: string, roles: MemberRoles = clusterView): Promise<string[]> {
  if (cluster.members.some((m) => m.name === target) || cluster.etcd.some((e) => e.name === target)) return [target];
  if (target === 'cluster') return [];
  let names: string[];
  const pooled = poolerMember(target);
  if (pooled !== undefined) {
    // Only a Patroni member runs a PgBouncer: an etcd name (or anything else) matches none.
    names = await resolvePooler(cluster, pooled, async (t) => (cluster.members.some((m) => m.name === t) ? [t] : (MEMBER_ROLES as readonly string[]).includes(t) ? memberRole(cluster, t, roles) : []));
  } else if (keepalivedHost(target) !== undefined) {
    names = await resolveKeepalived(cluster, keepalivedHost(target) as string);
  } else if ((HAPROXY_ROLES as readonly string[]).includes(target)) {
    names = await resolveHaproxyRole(cluster, target);
  } else if (target.startsWith('etcd-')) {
    const ordered = await etcdLeaderFirst(cluster);
    const majority = Math.floor(cluster.etcd.length / 2) + 1;
    names = { 'etcd-leader': ordered.slice(0, 1), 'etcd-follower': ordered.slice(1, 2), 'etcd-majority': ordered.slice(0, majority), 'etcd-all': cluster.etcd.map((e) => e.name) }[target] ?? [];
  } else {
    names = await memberRole(cluster, target, roles);
  }
  if (names.length === 0) throw new HarnessError('FAULT_FAILED', `target "${target}" matches no member right now`);
  return names;
}
