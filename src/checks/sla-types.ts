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
  'lagging_promotions',
  'stale_leader_writes',
] as const;
export type MetricName = (typeof METRICS)[number];

export type Comparator = '<' | '<=' | '==' | '>=' | '>' | '!=';

/** One SLA line, normalized: `observed <op> value` must hold. Durations in ms. */
export interface SlaRequirement {
  metric: MetricName;
  op: Comparator;
  value: number;
  /** As the user (or the profile) wrote it, e.g. "< 30s". */
  threshold: string;
  /** Where the figure comes from (seed document), when it comes from a profile. */
  source?: string;
}

/** One SLA verdict in report.json `sla`. */
export interface SlaResult {
  metric: MetricName;
  threshold: string;
  /** null when the metric could not be measured (e.g. never recovered). */
  observed: number | null;
  pass: boolean;
  source?: string;
  note?: string;
}
