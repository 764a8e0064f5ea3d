import { isPrimaryRole } from '../cluster/patroni-api.js';
import { queryOne, withSql } from '../cluster/sql.js';
import type { StartedCluster } from '../cluster/types.js';
import { clusterView, REPLICA_STATES } from '../cluster/wait/healthy.js';
import type { MemberSnapshot } from '../history/events.js';
import { TABLE } from '../workload/workload.js';


/** Each member's state and row count, for the convergence condition and the report. */
export async function snapshot(cluster: StartedCluster): Promise<MemberSnapshot[]> {
  const view = await clusterView(cluster);
  return Promise.all(view.map(async (m): Promise<MemberSnapshot> => {
    const handle = cluster.members.find((h) => h.name === m.name);
    const rows = handle
      ? await queryOne<{ n: string }>(handle.pg, cluster.credentials, `SELECT count(*) AS n FROM ${TABLE}`, { timeoutMs: 5000 }).then((r) => Number(r?.n), () => undefined)
      : undefined;
    const lag = typeof m.lag === 'number' ? m.lag : m.lag === undefined ? 0 : undefined;
    return {
      name: m.name, role: m.role, state: m.state,
      ...(m.timeline === undefined ? {} : { timeline: m.timeline }),
      ...(lag === undefined ? {} : { lagBytes: lag }),
      ...(rows === undefined ? {} : { rows }),
    };
  }));
}

/** Converged: every member registered, one leader, the rest streaming on its timeline with zero lag, the same rows everywhere. */
export function convergedReason(members: MemberSnapshot[], size: number): true | string {
  if (members.length !== size) return `${members.length} of ${size} members registered`;
  const leaders = members.filter((m) => isPrimaryRole(m.role));
  if (leaders.length !== 1) return `${leaders.length} leaders`;
  const tl = leaders[0]?.timeline;
  const off = members.filter((m) => !REPLICA_STATES.has(m.state) || m.timeline !== tl || (m.lagBytes ?? 1) !== 0);
  if (off.length > 0) return `not streaming with zero lag on timeline ${tl}: ${off.map((m) => `${m.name} ${m.state} tl${m.timeline ?? '?'} lag ${m.lagBytes ?? '?'}`).join(', ')}`;
  const counts = new Set(members.map((m) => m.rows));
  if (counts.size !== 1 || counts.has(undefined)) return `row counts differ: ${members.map((m) => `${m.name}=${m.rows ?? '?'}`).join(', ')}`;
  return true;
}

/** Every workload key on the current primary, read directly (not through HAProxy). */
export async function readFinalKeys(cluster: StartedCluster): Promise<{ node: string; keys: number[] }> {
  const leader = (await clusterView(cluster)).find((m) => isPrimaryRole(m.role));
  const handle = cluster.members.find((m) => m.name === leader?.name) ?? cluster.members[0];
  if (!handle) throw new Error('no member to read from');
  const keys = await withSql(handle.pg, cluster.credentials, async (c) => (await c.query(`SELECT k FROM ${TABLE} ORDER BY k`)).rows.map((r: { k: string }) => Number(r.k)), { timeoutMs: 30_000 });
  return { node: handle.name, keys };
}
