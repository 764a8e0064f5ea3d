/**
 * The SLA vocabulary, on the ground floor: scenarios are written in it and
 * checks are judged in it, so neither owns it.
 */
export type Replication = 'synchronous' | 'asynchronous';

/**
 * What stands between the clients and PostgreSQL. `minimal`: one HAProxy
 * straight to each member's PostgreSQL. `seeds`: the documents' own (002's
 * "Client Connection Flow"): a keepalived VIP over two HAProxies (active and
 * passive), to PgBouncer on every member, to its PostgreSQL.
 */
export const TOPOLOGIES = ['minimal', 'seeds'] as const;
export type Topology = (typeof TOPOLOGIES)[number];

/** Component versions of a run, as the provider read them from the binaries; null when it could not. Known findings are ranged over them. */
export interface Versions {
  postgres: string | null;
  patroni: string | null;
  etcd: string | null;
  haproxy: string | null;
}

/** Metric names as they appear under `metrics` in report.json. */
export const METRICS = [
  'rto_ms',
  'detection_ms',
  'promotion_ms',
  'reroute_ms',
  'unavailability_ms',
  'no_leader_ms',
  'lost_writes',
  'rpo_ms',
  'unexpected_writes',
  'recovered_writes',
  'ghost_writes',
  'max_concurrent_primaries',
  'split_brain_ms',
  'convergence_ms',
  'recovery_ms',
  'lagging_promotions',
  'promotion_lag_bytes',
  'stale_leader_writes',
  'leader_changes',
  'failed_steps',
] as const;
export type MetricName = (typeof METRICS)[number];

export type Comparator = '<' | '<=' | '==' | '>=' | '>' | '!=';

/** Statistics a line may be judged on over a scenario's iterations (nearest rank). */
export const STATS = ['min', 'p50', 'p90', 'p95', 'p99', 'max'] as const;
export type Stat = (typeof STATS)[number];

/** One SLA line, normalized: `observed <op> value` must hold. Durations in ms. */
export interface SlaRequirement {
  metric: MetricName;
  op: Comparator;
  value: number;
  /** As the user (or the profile) wrote it, e.g. "< 30s". */
  threshold: string;
  /** Where the figure comes from (seed document), when it comes from a profile. */
  source?: string;
  /**
   * Judge this line on a statistic of the metric over the iterations
   * rather than on every iteration: one noisy run does not flip the gate.
   */
  stat?: Stat;
  /** A promise judged in every run, which the scenario did not list (see invariants.ts). */
  core?: boolean;
}

/**
 * How a line came out. `known`: it failed, as a listed known finding says
 * it does in these component versions; `deferred`: judged on a statistic
 * over the iterations, so this iteration's figure alone does not decide.
 */
export type SlaStatus = 'pass' | 'fail' | 'unknown' | 'known' | 'deferred';

/** One SLA verdict in report.json `sla`. */
export interface SlaResult {
  metric: MetricName;
  threshold: string;
  /** null when the metric could not be measured (e.g. never recovered). */
  observed: number | null;
  pass: boolean;
  status: SlaStatus;
  source?: string;
  note?: string;
  stat?: Stat;
  core?: boolean;
  /** The known finding that covers this failure (status known), or that did not reproduce (status pass). */
  known?: { reason: string; reference: string; reproduced: boolean; up_to?: string; fault?: string; step?: number };
}
