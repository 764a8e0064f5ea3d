import { getCluster, isPrimaryRole, isSyncRole, wakeHaLoop, type ClusterMember, type RestAuth } from '../patroni-api.js';
import { queryOne } from '../sql.js';
import type { StartedCluster } from '../types.js';

/** States of a replica that follows its leader (Patroni 3.0 says running; later versions streaming). */
export const REPLICA_STATES: ReadonlySet<string> = new Set(['running', 'streaming']);

const lastWake = new Map<string, number>();

/** Wakes the leader's HA loop at most once every 2 s, so that polling does not flood its REST API. */
async function wakeOnce(restUrl: string, auth: RestAuth, ttl: number): Promise<void> {
  if (Date.now() - (lastWake.get(restUrl) ?? 0) < 2000) return;
  lastWake.set(restUrl, Date.now());
  await wakeHaLoop(restUrl, auth, { ttl });
}

/** GET /cluster from the first member that answers. */
export async function clusterView(c: StartedCluster): Promise<ClusterMember[]> {
  let lastErr: unknown;
  for (const m of c.members) {
    try {
      return (await getCluster(m.restUrl, 1500)).members;
    } catch (err) {
      lastErr = err;
    }
  }
  throw lastErr instanceof Error ? lastErr : new Error('no Patroni REST endpoint answered');
}

/** healthy()'s answer when all that is missing is the synchronous standby Patroni names. */
export const NO_SYNC_STANDBY_YET = 'no synchronous standby chosen yet';

/**
 * Whether the leader's PostgreSQL names a synchronous standby: Patroni (3.0
 * and 4) sets synchronous_standby_names, then waits 2 s in that same HA loop
 * before it publishes the standby in the DCS, whatever loop_wait is.
 */
export async function syncStandbyNamedInPostgres(c: StartedCluster): Promise<boolean> {
  const leader = (await clusterView(c)).find((m) => isPrimaryRole(m.role));
  const handle = c.members.find((m) => m.name === leader?.name);
  if (handle === undefined) return false;
  const r = await queryOne<{ s: string }>(handle.pg, c.credentials, "SELECT current_setting('synchronous_standby_names') AS s");
  return (r?.s ?? '') !== '';
}

/**
 * Healthy: one running leader, every other member a streaming replica on the
 * leader's timeline (a sync standby chosen, under synchronous replication),
 * and a write-capable primary behind HAProxy's primary port.
 */
export async function healthy(c: StartedCluster): Promise<true | string> {
  const view = await clusterView(c);
  const leaders = view.filter((m) => isPrimaryRole(m.role));
  if (leaders.length !== 1) return `${leaders.length} leaders in /cluster (${describe(view)})`;
  const leader = leaders[0] as ClusterMember;
  if (leader.state !== 'running') return `leader ${leader.name} is ${leader.state}`;
  const replicas = view.filter((m) => m !== leader);
  const leaderHandle = c.members.find((m) => m.name === leader.name);
  if (leaderHandle === undefined) return `unknown leader ${leader.name}`;
  const needsSync = c.replication === 'synchronous' && !replicas.some((r) => isSyncRole(r.role));
  // Only with a ttl known to be the DCS's own, so that the nudge writes nothing: not guessed for an attached cluster that never set one.
  const ttl = c.dcs['ttl'];
  if (needsSync && ttl !== undefined && replicas.some((r) => REPLICA_STATES.has(r.state))) await wakeOnce(leaderHandle.restUrl, c.credentials.rest, Number(ttl));
  if (replicas.length !== c.members.length - 1) return `${replicas.length} of ${c.members.length - 1} replicas registered (${describe(view)})`;
  const lagging = replicas.filter((r) => !REPLICA_STATES.has(r.state) || r.timeline !== leader.timeline);
  if (lagging.length > 0) return `replica(s) not streaming on timeline ${leader.timeline}: ${describe(lagging)}`;
  if (needsSync) return NO_SYNC_STANDBY_YET;
  const rep = await queryOne<{ n: string }>(leaderHandle.pg, c.credentials, "SELECT count(*) AS n FROM pg_stat_replication WHERE state = 'streaming'");
  if (Number(rep?.n) !== replicas.length) return `leader ${leader.name} sees ${rep?.n ?? 0} streaming replicas`;
  const viaHaproxy = await queryOne<{ r: boolean }>(c.endpoints.primary, c.credentials, 'SELECT pg_is_in_recovery() AS r');
  if (viaHaproxy?.r !== false) return 'HAProxy primary port does not reach a writable primary yet';
  return true;
}

function describe(ms: ClusterMember[]): string {
  return ms.map((m) => `${m.name}:${m.role}/${m.state}/tl${m.timeline ?? '?'}`).join(', ');
}
