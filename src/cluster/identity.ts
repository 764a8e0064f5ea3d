/**
 * What stays and what changes when a member or the DCS is rebuilt: the
 * inspections by which a drill proves its command acted (issue 19).
 */
import { memberStatus } from './etcd-api.js';
import { queryOne } from './sql.js';
import type { StartedCluster } from './types.js';

/** A member's PostgreSQL data directory, as a reinit changes it. */
export interface Incarnation {
  /** pg_control's system identifier: a replica re-created from its primary keeps the cluster's. */
  systemId: string;
  /** PG_VERSION's status-change time: a re-created data directory has a new one (no copy can set it back). */
  dataDirSince: string;
}

/** The etcd cluster id each etcd member reports, or why it could not. */
export interface EtcdClusterIdReading {
  name: string;
  clusterId?: string;
  /** Its store's revision (see EtcdMemberStatus.revision). */
  revision?: number;
  error?: string;
}

export async function incarnation(c: StartedCluster, member: string): Promise<Incarnation> {
  const m = c.members.find((x) => x.name === member);
  if (m === undefined) throw new Error(`no member ${member}`);
  const row = await queryOne<{ id: string; since: string }>(m.pg, c.credentials,
    "SELECT (SELECT system_identifier::text FROM pg_control_system()) AS id, (pg_stat_file('PG_VERSION')).change::text AS since");
  if (row === undefined) throw new Error(`${member}: no answer to the data directory query`);
  return { systemId: row.id, dataDirSince: row.since };
}

export async function etcdClusterIds(c: StartedCluster): Promise<EtcdClusterIdReading[]> {
  return Promise.all(c.etcd.map(async (e) => {
    try {
      const s = await memberStatus(e.clientUrl);
      return { name: e.name, clusterId: s.clusterId, revision: s.revision };
    } catch (err) {
      return { name: e.name, error: err instanceof Error ? err.message : String(err) };
    }
  }));
}
