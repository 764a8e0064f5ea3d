import type pg from 'pg';
import { getPatroni, isPrimaryRole, isReplicaRole } from '../cluster/patroni-api.js';
import type { ClientCredentials } from '../cluster/types.js';
import type { MemberHandle } from '../cluster/types.js';
import { now } from '../history/clock.js';
import type { ProbeEvent } from '../history/events.js';
import { connect, destroy } from '../cluster/pg-connect.js';
import { PROBES_TABLE } from '../workload/schema.js';
import { Ticker } from './ticker.js';


/** Recovery state, timeline and WAL position (Patroni's: the furthest of received and replayed on a replica). */
const STATE_SQL = `SELECT pg_is_in_recovery() AS r,
  CASE WHEN pg_is_in_recovery() THEN (SELECT received_tli FROM pg_stat_wal_receiver)
       ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END AS tl,
  pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN greatest(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())
                       ELSE pg_current_wal_lsn() END, '0/0')::float8 AS lsn`;

/**
 * Probes one member directly (not through HAProxy) at a fixed interval:
 * Patroni's view over REST and PostgreSQL's over SQL, plus a real write when
 * asked. Every call is bounded by the interval, so a frozen node yields gaps
 * in the history, never a stalled observer.
 */
export class MemberObserver {
  #ticker: Ticker;
  #client: pg.Client | undefined;
  readonly #timeoutMs: number;

  constructor(
    private readonly member: MemberHandle,
    private readonly credentials: ClientCredentials,
    intervalMs: number,
    private readonly writeProbes: boolean,
    private readonly record: (e: ProbeEvent) => void,
  ) {
    this.#timeoutMs = Math.max(intervalMs * 5, 500);
    this.#ticker = new Ticker(intervalMs, () => this.#probe());
  }

  start(): void {
    this.#ticker.start();
  }

  async stop(): Promise<void> {
    await this.#ticker.stop();
    if (this.#client) destroy(this.#client);
  }

  async #probe(): Promise<void> {
    // Stamped when the probe starts: a member is known writable only until its next attempt
    // begins, so a probe that then hangs (a write waiting for a vanished sync standby) cannot
    // stretch the last "writable" past the moment another member took over.
    const t = now();
    // `end` is when PostgreSQL answered (the state and any write probe are from [t, end]), not when the
    // slower REST half did: a sample must not be stretched by a late REST answer.
    let sqlEnd = t;
    const [rest, sql] = await Promise.allSettled([getPatroni(this.member.restUrl, this.#timeoutMs), this.#sql().finally(() => { sqlEnd = now(); })]);
    const e: ProbeEvent = { kind: 'probe', t, end: sqlEnd, member: this.member.name };
    if (rest.status === 'fulfilled') {
      e.patroniRole = isPrimaryRole(rest.value.role) ? 'primary' : isReplicaRole(rest.value.role) ? 'replica' : 'other';
      e.patroniState = rest.value.state;
    }
    if (sql.status === 'fulfilled') {
      e.inRecovery = sql.value.inRecovery;
      if (sql.value.timeline) e.timeline = sql.value.timeline;
      if (sql.value.walPosition !== undefined) e.walPosition = sql.value.walPosition;
      if (sql.value.writable !== undefined) e.writable = sql.value.writable;
    }
    const errors = [rest, sql].flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
    if (errors.length > 0) e.error = errors.join('; ');
    this.record(e);
  }

  async #sql(): Promise<{ inRecovery: boolean; timeline: number; walPosition?: number; writable?: boolean }> {
    try {
      this.#client ??= await connect(this.member.pg, this.credentials, this.#timeoutMs, 'chaos-observer');
      const row = (await this.#client.query(STATE_SQL)).rows[0] as { r: boolean; tl: number | null; lsn: number | null };
      let writable: boolean | undefined;
      if (this.writeProbes) writable = await this.#writeProbe(this.#client);
      return { inRecovery: row.r, timeline: row.tl ?? 0, ...(row.lsn === null ? {} : { walPosition: row.lsn }), ...(writable === undefined ? {} : { writable }) };
    } catch (err) {
      if (this.#client) destroy(this.#client);
      this.#client = undefined;
      throw err;
    }
  }

  /** true when the member acknowledged a real write; false when it refused one as read-only. */
  async #writeProbe(client: pg.Client): Promise<boolean | undefined> {
    try {
      await client.query(`INSERT INTO ${PROBES_TABLE} (member) VALUES ($1)`, [this.member.name]);
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === '25006') return false;
      throw err;
    }
  }
}
