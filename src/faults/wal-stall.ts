import { HarnessError } from '../errors.js';
import { withSql } from '../cluster/sql.js';
import type { MemberHandle, StartedCluster } from '../cluster/types.js';

/** A WAL position as PostgreSQL prints it (0/5A3C000) and in bytes, to compare. */
export interface WalPosition {
  lsn: string;
  bytes: number;
}

/** A member's replication position: received (a replica) or flushed (a primary); null when it has none (no WAL received yet). */
export interface WalReading {
  inRecovery: boolean;
  position: WalPosition | null;
}

/** How the stall is observed: SQL on the members in the fault, hand-made readings in the tests. */
export interface WalAccess {
  read(member: MemberHandle): Promise<WalReading>;
  /** Writes a WAL record on the primary and flushes it there (not waiting for any standby); the flushed position. */
  advance(primary: MemberHandle): Promise<WalPosition>;
  sleep(ms: number): Promise<void>;
}

const POSITION_SQL = `SELECT pg_is_in_recovery() AS r, l::text AS lsn, pg_wal_lsn_diff(l, '0/0')::float8 AS bytes
  FROM (SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_flush_lsn() END AS l) x`;

type Row = { r: boolean; lsn: string | null; bytes: number | null };

export function sqlWalAccess(cluster: StartedCluster): WalAccess {
  const toPosition = (row: Row | undefined): WalPosition | null => (row?.lsn == null || row.bytes === null ? null : { lsn: row.lsn, bytes: row.bytes });
  return {
    read: (m) => withSql(m.pg, cluster.credentials, async (c) => {
      const row = (await c.query(POSITION_SQL)).rows[0] as Row | undefined;
      if (row === undefined) throw new Error(`${m.name}: no answer to the WAL position query`);
      return { inRecovery: row.r, position: toPosition(row) };
    }),
    // A logical message in a transaction of its own (no table is touched): its commit flushes it locally; a
    // synchronous standby whose stream is paused must not hold the commit, hence synchronous_commit = local.
    advance: (m) => withSql(m.pg, cluster.credentials, async (c) => {
      await c.query('BEGIN');
      await c.query('SET LOCAL synchronous_commit = local');
      await c.query("SELECT pg_logical_emit_message(true, 'patroni-chaos', 'pause-replication: proof of a stalled stream')");
      await c.query('COMMIT');
      const position = toPosition((await c.query(POSITION_SQL)).rows[0] as Row | undefined);
      if (position === null) throw new Error(`${m.name}: no flushed WAL position`);
      return position;
    }, { timeoutMs: 5000 }),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
}

const fail = (message: string): never => { throw new HarnessError('FAULT_FAILED', message); };

/**
 * Proves that a member's WAL stream stalled after its walsenders (a primary)
 * or its walreceiver (a replica) were paused. Under no write load nothing
 * moves either way, so a stall of nothing proves nothing: a WAL record is
 * written and flushed on the primary after the pause, and each replica fed by
 * the paused processes must still be short of it `windowMs` later (a live
 * stream delivers it in milliseconds) without having received anything in
 * the window. Returns the observation; throws FAULT_FAILED when it cannot be
 * made or does not hold.
 */
export async function proveWalStalled(cluster: StartedCluster, target: string, access: WalAccess, windowMs: number): Promise<string> {
  const readings = await Promise.all(cluster.members.map(async (m) => ({ m, r: await access.read(m).catch((err: unknown) => err as Error) })));
  const self = readings.find((x) => x.m.name === target);
  if (self === undefined || self.r instanceof Error) return fail(`cannot read the WAL position of ${target} to see its stream stall: ${self?.r instanceof Error ? self.r.message : 'no such member'}`);
  const answered = readings.flatMap((x) => (x.r instanceof Error ? [] : [{ m: x.m, r: x.r }]));
  let primary: MemberHandle;
  let watched: MemberHandle[];
  if (!self.r.inRecovery) {
    primary = self.m;
    watched = answered.filter((x) => x.m !== self.m && x.r.inRecovery && x.r.position !== null).map((x) => x.m);
    if (watched.length === 0) return fail(`no replica of ${target} answered with a received WAL position: a stall of its WAL senders cannot be seen`);
  } else {
    const primaries = answered.filter((x) => !x.r.inRecovery);
    if (primaries.length !== 1) return fail(`${primaries.length} members out of recovery (${primaries.map((x) => x.m.name).join(', ') || 'none answered'}): no primary to write the WAL that ${target} must not receive`);
    if (self.r.position === null) return fail(`${target} has received no WAL at all: nothing of its stream to see stall`);
    primary = (primaries[0] as { m: MemberHandle }).m;
    watched = [self.m];
  }
  const written = await access.advance(primary).catch((err: unknown) => fail(`could not write WAL on the primary ${primary.name} to see the stall: ${(err as Error).message}`));
  const first = await readAll(access, watched);
  await access.sleep(windowMs);
  const last = await readAll(access, watched);
  const seconds = (windowMs / 1000).toFixed(1);
  return watched.map((m, i) => {
    const [a, b] = [first[i], last[i]];
    if (a === undefined || b === undefined || a === null || b === null) return fail(`${m.name} reported no received WAL position while its stream was paused`);
    if (b.bytes >= written.bytes) return fail(`WAL still streams to ${m.name}: it received ${b.lsn}, past ${written.lsn} written on ${primary.name} after the pause`);
    if (b.bytes !== a.bytes) return fail(`WAL still streams to ${m.name}: its received position moved from ${a.lsn} to ${b.lsn} in ${seconds} s after the pause`);
    return `${m.name} received WAL position stalled at ${b.lsn} for ${seconds} s while ${primary.name} flushed ${written.lsn}`;
  }).join('; ');
}

async function readAll(access: WalAccess, members: readonly MemberHandle[]): Promise<Array<WalPosition | null>> {
  return Promise.all(members.map(async (m) => {
    const r = await access.read(m).catch((err: unknown) => fail(`lost sight of ${m.name}'s WAL position while its stream was paused: ${(err as Error).message}`));
    return r.position;
  }));
}
