/**
 * What the runner needs from the world besides the provider: the client
 * (workload), the observers and the read-only inspections of the cluster.
 * The real ones speak PostgreSQL, Patroni REST and etcd; the fake provider
 * brings in-memory ones, so the runner's rules (a wait that times out fails
 * the run, a cluster that never converges fails it) are tested without a
 * cluster. Each part knows nothing of the others but the history it writes.
 */
import { scrapeCluster, type Scrape } from '../alerts/scrape.js';
import { leaderKey } from '../cluster/etcd-api.js';
import { withSql } from '../cluster/sql.js';
import { etcdClusterIds, incarnation, type EtcdClusterIdReading, type Incarnation } from '../cluster/identity.js';
import type { StartedCluster } from '../cluster/types.js';
import { healthy } from '../cluster/wait/healthy.js';
import type { DcsEvent, MemberSnapshot, ProbeEvent, WriteEvent } from '../history/events.js';
import { DcsObserver } from '../observe/dcs-observer.js';
import { MemberObserver } from '../observe/member-observer.js';
import type { ObserveSpec, WorkloadSpec } from '../scenario/types.js';
import { addressKey } from '../workload/connection.js';
import { createSchema } from '../workload/schema.js';
import { Workload } from '../workload/workload.js';
import { leaderName, readKeys, snapshot } from './final-state.js';

export interface Lifecycle {
  start(): void;
  stop(): Promise<void>;
}

export interface WorkloadHandle extends Lifecycle {
  readonly stats: { ok: number; fail: number; info: number };
}

export interface LeaderView extends Lifecycle {
  /** The leader key's holder as last read; undefined before the first read. */
  readonly leader: string | null | undefined;
}

export interface HarnessParts {
  prepare(c: StartedCluster): Promise<void>;
  workload(c: StartedCluster, spec: WorkloadSpec, record: (e: WriteEvent) => void): WorkloadHandle;
  observers(c: StartedCluster, spec: ObserveSpec, record: (e: ProbeEvent) => void): Lifecycle[];
  dcs(c: StartedCluster, intervalMs: number, record: (e: DcsEvent) => void): LeaderView;
  healthy(c: StartedCluster): Promise<true | string>;
  snapshot(c: StartedCluster, o: { rows: boolean }): Promise<MemberSnapshot[]>;
  leaderName(c: StartedCluster): Promise<string | { none: string }>;
  readKeys(c: StartedCluster, member: string): Promise<number[]>;
  /** A member's data directory and system identifier: what a reinit must change and keep. */
  incarnation(c: StartedCluster, member: string): Promise<Incarnation>;
  /** The etcd cluster id of each etcd member: a rebuild from empty data directories makes a new one. */
  etcdClusterIds(c: StartedCluster): Promise<EtcdClusterIdReading[]>;
  /** Every Patroni and etcd /metrics, for the documented alerts' report; absent where nothing exports metrics (the fake). */
  scrapeMetrics?(c: StartedCluster): Promise<Scrape>;
}

export const REAL_PARTS: HarnessParts = {
  prepare: (c) => withSql(c.endpoints.primary, c.credentials, (sql) => createSchema(sql, c.runId), { timeoutMs: 10_000 }),
  workload: (c, spec, record) => new Workload(spec, { endpoint: c.endpoints.primary, credentials: c.credentials, nodeByAddress: new Map(c.members.map((m) => [addressKey(m.serverAddress.host, m.serverAddress.port), m.name])) }, record),
  observers: (c, spec, record) => c.members.map((m) => new MemberObserver(m, c.credentials, spec.intervalMs, spec.writeProbes, record)),
  dcs: (c, intervalMs, record) => new DcsObserver(c.etcd.map((e) => e.clientUrl), leaderKey(c.scope, c.namespace), intervalMs, record),
  healthy,
  snapshot,
  leaderName,
  readKeys,
  incarnation,
  etcdClusterIds,
  scrapeMetrics: (c) => scrapeCluster(c),
};
