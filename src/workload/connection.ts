import type pg from 'pg';

/** Which member a connection reached and on which timeline (HAProxy pins a connection to one backend). */
export interface Identity {
  /** The server's own address on this connection: which member it is. */
  addr: string;
  port: number;
  timeline: number;
  inRecovery: boolean;
}

export const IDENTITY_SQL = `SELECT host(inet_server_addr()) AS addr, inet_server_port() AS port, pg_is_in_recovery() AS r,
  CASE WHEN pg_is_in_recovery() THEN (SELECT received_tli FROM pg_stat_wal_receiver)
       ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END AS tl`;

export async function identify(client: pg.Client): Promise<Identity> {
  const row = (await client.query(IDENTITY_SQL)).rows[0] as { addr: string | null; port: number; r: boolean; tl: number | null };
  return { addr: row.addr ?? '', port: row.port, inRecovery: row.r, timeline: row.tl ?? 0 };
}

/** The key a member is known by in `nodeByAddress`. */
export function addressKey(host: string, port: number): string {
  return `${host}:${port}`;
}
