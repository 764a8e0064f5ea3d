/**
 * Everything the harness writes lives in a schema of its own, created at the
 * start of a run and dropped by it, so that a run against a cluster it did
 * not start (the external provider) touches no one else's table.
 */
import { HarnessError } from '../errors.js';
import type pg from 'pg';

export const SCHEMA = 'patroni_chaos';
/** The workload's writes: one row per acknowledged key (Jepsen's set). */
export const WRITES_TABLE = `${SCHEMA}.chaos_writes`;
/** The observers' direct write probes on each member. */
export const PROBES_TABLE = `${SCHEMA}.chaos_probes`;

/**
 * Creates the schema and its tables, marked with the run's id; a schema left
 * from another run is an error, never reused: its rows would read as writes
 * nobody made.
 */
export async function createSchema(sql: pg.ClientBase, runId: string): Promise<void> {
  const exists = (await sql.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [SCHEMA])).rowCount ?? 0;
  if (exists > 0) {
    throw new HarnessError('CLUSTER_UNHEALTHY', `schema ${SCHEMA} already exists: another run is using this cluster, or one died. If none is running: DROP SCHEMA ${SCHEMA} CASCADE`);
  }
  await sql.query(`CREATE SCHEMA ${SCHEMA}`);
  await sql.query(`COMMENT ON SCHEMA ${SCHEMA} IS ${quote(runId)}`);
  await sql.query(`CREATE TABLE ${WRITES_TABLE} (k bigint PRIMARY KEY, writer int NOT NULL, at timestamptz NOT NULL DEFAULT now())`);
  await sql.query(`CREATE TABLE ${PROBES_TABLE} (member text, at timestamptz DEFAULT now())`);
}

export const DROP_SCHEMA_SQL = `DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`;

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Drops the schema if this run created it (another run's is left alone); true when dropped. */
export async function dropOwnSchema(sql: pg.ClientBase, runId: string): Promise<boolean> {
  const r = await sql.query(`SELECT obj_description(oid, 'pg_namespace') AS run FROM pg_namespace WHERE nspname = $1`, [SCHEMA]);
  if ((r.rows[0] as { run?: string } | undefined)?.run !== runId) return false;
  await sql.query(DROP_SCHEMA_SQL);
  return true;
}
