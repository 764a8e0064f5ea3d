/**
 * etcd v3 through its JSON gateway (etcd 3.4 serves /v3/...): what the
 * observers and the DCS faults need, each call with a hard timeout so that a
 * cluster without quorum stalls nobody.
 */
import { request } from 'undici';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

async function post<T>(url: string, path: string, body: unknown, timeoutMs: number): Promise<T> {
  const res = await request(`${url}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${url}${path}: HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

/** A key's value (null when absent) and mod_revision (0 when absent) by a linearizable read, which fails without quorum. */
export async function readKey(url: string, key: string, timeoutMs = 1000): Promise<{ value: string | null; revision: number }> {
  // The gateway renders int64 fields as strings.
  const r = await post<{ kvs?: { value?: string; mod_revision?: string }[] }>(url, '/v3/kv/range', { key: b64(key) }, timeoutMs);
  const kv = r.kvs?.[0];
  return { value: kv?.value === undefined ? null : unb64(kv.value), revision: Number(kv?.mod_revision ?? 0) };
}

export interface EtcdMemberStatus {
  memberId: string;
  leaderId: string;
  /** The cluster this member belongs to: a cluster rebuilt from empty data directories has a new one. */
  clusterId: string;
  /** The raft term this member is in; a leadership change starts a new one. */
  raftTerm: number;
  /**
   * The key-value store's revision: it only grows in a living cluster (compaction keeps it), and a
   * store rebuilt from empty data directories starts again at 1. The cluster id does not show a
   * rebuild: etcd derives it from the members' peer URLs and the cluster token, so a rebuild with
   * the same --initial-cluster and token (001's runbook; the docker provider's) keeps it.
   */
  revision: number;
}

export async function memberStatus(url: string, timeoutMs = 1000): Promise<EtcdMemberStatus> {
  const r = await post<{ header: { member_id: string; cluster_id: string; revision?: string }; leader: string; raftTerm?: string }>(url, '/v3/maintenance/status', {}, timeoutMs);
  return { memberId: r.header.member_id, leaderId: r.leader, clusterId: r.header.cluster_id, raftTerm: Number(r.raftTerm ?? NaN), revision: Number(r.header.revision ?? NaN) };
}

/**
 * `etcdctl move-leader`: asks the leader (only it accepts the call) to hand
 * raft leadership to another member. etcd answers once the transfer is done
 * or has failed.
 */
export async function moveLeader(leaderUrl: string, targetId: string, timeoutMs = 10_000): Promise<void> {
  await post<unknown>(leaderUrl, '/v3/maintenance/transfer-leadership', { targetID: targetId }, timeoutMs);
}

/** The leader key Patroni holds for a scope. */
export function leaderKey(scope: string, namespace = '/service/'): string {
  return `${namespace}${scope}/leader`;
}

export interface EtcdMember {
  id: string;
  name: string;
}

export async function memberList(url: string, timeoutMs = 1000): Promise<EtcdMember[]> {
  const r = await post<{ members: { ID: string; name: string }[] }>(url, '/v3/cluster/member/list', {}, timeoutMs);
  return r.members.map((m) => ({ id: m.ID, name: m.name }));
}
