import { isPrimaryRole } from '../cluster/patroni-api.js';
import { queryOne, withSql } from '../cluster/sql.js';
import type { StartedCluster } from '../cluster/types.js';
import { clusterView, REPLICA_STATES } from '../cluster/wait/healthy.js';
import type { MemberSnapshot } from '../history/events.js';
import { WRITES_TABLE } from '../workload/schema.js';

/** The set of keys as one value: equal digests, equal sets (counts can agree on different rows). */
const ROWS_SQL = `SELECT count(*) AS n, md5(coalesce(string_agg(k::text, ',' ORDER BY k), '')) AS d FROM ${WRITES_TABLE}`;

/** Each member's state, and with `rows` its row count and key-set digest, for the convergence checks and the report. */
export async function snapshot(cluster: StartedCluster, o: { rows: boolean }): Promise<MemberSnapshot[]> {
  const view = await clusterView(cluster);
  return Promise.all(view.map(async (m): Promise<MemberSnapshot> => {
    const handle = cluster.members.find((h) => h.name === m.name);
    const rows = handle && o.rows
      ? await queryOne<{ n: string; d: string }>(handle.pg, cluster.credentials, ROWS_SQL, { timeoutMs: 30_000 }).then((r) => r ?? undefined, () => undefined)
      : undefined;
    const lag = typeof m.lag === 'number' ? m.lag : m.lag === undefined ? 0 : undefined;
    return {
      name: m.name, role: m.role, state: m.state,
      ...(m.timeline === undefined ? {} : { timeline: m.timeline }),
      ...(lag === undefined ? {} : { lagBytes: lag }),
      ...(rows === undefined ? {} : { rows: Number(rows.n), digest: rows.d }),
    };
  }));
}

/**
 * Converged: every member registered, one leader, the rest streaming on its
 * timeline with zero lag; with `rows` (after the workload stopped), also
 * the same set of rows on every member.
 */
export function convergedReason(members: readonly MemberSnapshot[], size: number, o: { rows: boolean }): true | string {
  if (members.length !== size) return `${members.length} of ${size} members registered`;
  const leaders = members.filter((m) => isPrimaryRole(m.role));
  if (leaders.length !== 1) return `${leaders.length} leaders`;
  const tl = leaders[0]?.timeline;
  const off = members.filter((m) => !isPrimaryRole(m.role) && (!REPLICA_STATES.has(m.state) || m.timeline !== tl || (m.lagBytes ?? 1) !== 0));
  if (off.length > 0) return `not streaming with zero lag on timeline ${tl}: ${off.map((m) => `${m.name} ${m.state} tl${m.timeline ?? '?'} lag ${m.lagBytes ?? '?'}`).join(', ')}`;
  if (!o.rows) return true;
  const digests = new Set(members.map((m) => m.digest));
  if (digests.size !== 1 || digests.has(undefined)) return `row sets differ: ${members.map((m) => `${m.name} ${m.rows ?? '?'} rows (${m.digest?.slice(0, 8) ?? 'unread'})`).join(', ')}`;
  return true;
}

/** The one member Patroni reports as leader, or why there is none to read from. */
export async function leaderName(cluster: StartedCluster): Promise<string | { none: string }> {
  const leaders = (await clusterView(cluster)).filter((m) => isPrimaryRole(m.role));
  if (leaders.length === 1 && leaders[0] !== undefined) return leaders[0].name;
  return { none: leaders.length === 0 ? 'no leader' : `${leaders.length} leaders (${leaders.map((l) => l.name).join(', ')})` };
}

/** Keys per page of the final read: a page's text is under a megabyte. */
const KEYS_PAGE = 100_000;

/**
 * Every workload key on a member, read directly (not through HAProxy), in
 * order. The keys come as comma-separated text, a page at a time: a long
 * run has over a million of them, and a row object each (or one text of
 * them all) costs the harness tens of megabytes at once. Every page is
 * read in one REPEATABLE READ snapshot, so together they are one read.
 */
export async function readKeys(cluster: StartedCluster, member: string): Promise<number[]> {
  const handle = cluster.members.find((m) => m.name === member);
  if (!handle) throw new Error(`no member ${member}`);
  return withSql(handle.pg, cluster.credentials, async (c) => {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const keys: number[] = [];
    let after: string | null = null;
    for (;;) {
      const page: { rows: { keys: string | null; last: string | null }[] } = await c.query(
        `SELECT string_agg(k::text, ',' ORDER BY k) AS keys, max(k)::text AS last FROM (SELECT k FROM ${WRITES_TABLE} WHERE $1::bigint IS NULL OR k > $1::bigint ORDER BY k LIMIT ${KEYS_PAGE}) p`,
        [after],
      );
      const row = page.rows[0];
      if (row === undefined || row.keys === null || row.last === null) break;
      parseKeyList(row.keys, keys);
      after = row.last;
    }
    await c.query('COMMIT');
    return keys;
  }, { timeoutMs: 30_000 });
}

/** The integers of a comma-separated list ('' is none), appended to `keys`, without a string per key; anything else is an error. */
export function parseKeyList(text: string, keys: number[] = []): number[] {
  if (text === '') return keys;
  let value = 0;
  let digits = 0;
  let sign = 1;
  for (let i = 0; i <= text.length; i++) {
    const c = i === text.length ? 44 : text.charCodeAt(i);
    if (c === 44) {
      if (digits === 0) throw new Error(`key list: no number before position ${i}`);
      keys.push(sign * value);
      value = 0;
      digits = 0;
      sign = 1;
    } else if (c === 45 && digits === 0 && sign === 1) {
      sign = -1;
    } else if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits += 1;
      if (!Number.isSafeInteger(value)) throw new Error(`key list: a key beyond 2^53 at position ${i}`);
    } else {
      throw new Error(`key list: unexpected ${JSON.stringify(text[i])} at position ${i}`);
    }
  }
  return keys;
}
