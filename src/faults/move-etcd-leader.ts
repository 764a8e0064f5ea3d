import { HarnessError } from '../errors.js';
import { memberList, memberStatus, moveLeader, type EtcdMember, type EtcdMemberStatus } from '../cluster/etcd-api.js';
import type { EtcdHandle } from '../cluster/types.js';
import type { FaultDefinition } from './types.js';

/** The etcd calls the move needs; tests hand in their own. */
export interface EtcdLeadershipOps {
  status(url: string): Promise<EtcdMemberStatus>;
  members(url: string): Promise<EtcdMember[]>;
  move(leaderUrl: string, targetId: string): Promise<void>;
}

const HTTP_OPS: EtcdLeadershipOps = { status: (u) => memberStatus(u), members: (u) => memberList(u), move: (u, id) => moveLeader(u, id) };

/** How long both ends of a move may take to agree on the new leader (a few election ticks). */
const CONFIRM_MS = 5_000;

interface Leadership {
  leader: EtcdMember;
  term: number;
  members: EtcdMember[];
}

/** The leader as the first etcd member that answers sees it. */
async function leadership(etcd: readonly EtcdHandle[], ops: EtcdLeadershipOps): Promise<Leadership> {
  const why: string[] = [];
  for (const e of etcd) {
    try {
      const [status, members] = await Promise.all([ops.status(e.clientUrl), ops.members(e.clientUrl)]);
      const leader = members.find((m) => m.id === status.leaderId);
      if (leader !== undefined) return { leader, term: status.raftTerm, members };
      why.push(`${e.name}: no leader`);
    } catch (err) {
      why.push(`${e.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  throw new HarnessError('FAULT_FAILED', `no etcd member reports a leader (${why.join('; ')})`);
}

/**
 * Moves etcd's raft leadership to `target` and proves it moved: the old
 * leader and the new one must both report the new leader afterwards. A move
 * that changes nothing (the target already leads, or etcd kept its leader)
 * fails the step rather than pass for a fault that happened.
 */
export async function moveEtcdLeaderTo(etcd: readonly EtcdHandle[], target: string, ops: EtcdLeadershipOps = HTTP_OPS, confirmMs = CONFIRM_MS): Promise<string> {
  const before = await leadership(etcd, ops);
  const to = before.members.find((m) => m.name === target);
  if (to === undefined) throw new HarnessError('FAULT_FAILED', `${target} is not an etcd member (members: ${before.members.map((m) => m.name).join(', ')})`);
  if (to.id === before.leader.id) throw new HarnessError('FAULT_FAILED', `${target} already leads etcd: moving the leadership to it would do nothing (target a follower, e.g. etcd-follower)`);
  const url = (name: string) => {
    const h = etcd.find((e) => e.name === name);
    if (h === undefined) throw new HarnessError('FAULT_FAILED', `no client URL for etcd member ${name}`);
    return h.clientUrl;
  };
  try {
    await ops.move(url(before.leader.name), to.id);
  } catch (err) {
    throw new HarnessError('FAULT_FAILED', `etcd refused to move its leadership from ${before.leader.name} to ${target}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const deadline = Date.now() + confirmMs;
  let seen: string[] = [];
  for (;;) {
    const views = await Promise.all([before.leader.name, target].map(async (n) => ({ n, s: await ops.status(url(n)).catch(() => undefined) })));
    if (views.every((v) => v.s?.leaderId === to.id)) {
      const term = views.find((v) => v.n === target)?.s?.raftTerm;
      return `etcd leader ${before.leader.name} -> ${target} (raft term ${before.term} -> ${term}; ${before.leader.name} and ${target} both report ${target})`;
    }
    const nameOf = (id: string | undefined) => before.members.find((m) => m.id === id)?.name ?? (id === undefined ? 'no answer' : `id ${id}`);
    seen = views.map((v) => `${v.n} reports ${v.s === undefined ? 'no answer' : nameOf(v.s.leaderId)}`);
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new HarnessError('FAULT_FAILED', `etcd's leadership did not move from ${before.leader.name} to ${target} within ${confirmMs} ms (${seen.join(', ')})`);
}

/**
 * etcd's raft leadership moves to another etcd member, as `etcdctl
 * move-leader` does: every etcd member stays up, and the cluster's leader
 * key and its lease survive, but requests in flight at the leader may fail
 * (Patroni #3595: "not a primary lessor"). Nothing to undo: the new leader
 * is as healthy as the old one.
 */
export const moveEtcdLeader: FaultDefinition = {
  action: 'move-etcd-leader',
  description: "move etcd's raft leadership to the etcd member targeted (etcd-follower: a follower), proven by both ends reporting the new leader; nothing to heal",
  targets: ['etcd'],
  needs: ['dcs-leadership'],
  params: (p) => {
    const unknown = Object.keys(p);
    return unknown.length > 0 ? `unknown parameter(s) ${unknown.join(', ')}; move-etcd-leader takes none` : undefined;
  },
  async inject(cluster, names) {
    if (names.length !== 1) throw new HarnessError('FAULT_FAILED', `move-etcd-leader moves the leadership to one etcd member; the target resolved to ${names.length} (${names.join(', ')})`);
    return { detail: await moveEtcdLeaderTo(cluster.etcd, names[0] as string) };
  },
};
