import type { Metrics } from '../checks/metrics.js';
import { statOf } from '../checks/over-iterations.js';
import type { MetricName, Stat } from '../sla/types.js';
import type { Verdict } from './types.js';

/** The figures a drill or an upgrade is read on, in the order summary.md shows them. */
export const DISTRIBUTED_METRICS = [
  'rto_ms', 'unavailability_ms', 'detection_ms', 'promotion_ms', 'reroute_ms', 'recovery_ms', 'lost_writes', 'split_brain_ms', 'leader_changes',
] as const satisfies readonly MetricName[];
export type DistributedMetric = (typeof DISTRIBUTED_METRICS)[number];

/** The statistics of a distribution; nearest rank, as the SLA lines judged on a statistic. */
export const DISTRIBUTION_STATS = ['min', 'p50', 'p95', 'max'] as const satisfies readonly Stat[];

/**
 * Why an iteration has no value: its harness failed, a fault was never
 * followed by an acknowledged write, or the checks could not measure it.
 */
export type MissingReason = 'harness_error' | 'never_recovered' | 'not_measured';

/**
 * One metric over a scenario's iterations. The statistics are over the
 * `measured` iterations only, so they are null (unknown) when none was
 * measured, never 0; `missing` names every iteration left out.
 */
export type Distribution = Record<(typeof DISTRIBUTION_STATS)[number], number | null> & {
  measured: number;
  iterations: number;
  missing: Array<{ iteration: number; reason: MissingReason }>;
};

/** What a distribution reads of a run; a RunRecord's figures and report.json both have it. */
export interface IterationFigures {
  iteration: number;
  verdict: Verdict;
  metrics: Pick<Metrics, DistributedMetric | 'faults'> & Partial<Pick<Metrics, 'convergence_ms'>>;
}

/** The distribution of one metric over the iterations. Pure. */
export function distributionOf(metric: DistributedMetric, runs: readonly IterationFigures[]): Distribution {
  const values: number[] = [];
  const missing: Distribution['missing'] = [];
  for (const r of runs) {
    // Absent, not only null: a report written before the metric existed, or a run with nothing to recover from.
    const v = r.metrics[metric] ?? null;
    if (v === null) missing.push({ iteration: r.iteration, reason: whyMissing(metric, r) });
    else values.push(v);
  }
  return {
    min: statOf('min', values), p50: statOf('p50', values), p95: statOf('p95', values), max: statOf('max', values),
    measured: values.length, iterations: runs.length, missing,
  };
}

/** Every distributed metric over the iterations. Pure. */
export function distributionsOf(runs: readonly IterationFigures[]): Record<DistributedMetric, Distribution> {
  return Object.fromEntries(DISTRIBUTED_METRICS.map((m) => [m, distributionOf(m, runs)])) as Record<DistributedMetric, Distribution>;
}

function whyMissing(metric: DistributedMetric, r: IterationFigures): MissingReason {
  if (r.verdict === 'error') return 'harness_error';
  // Only the RTO is null because of an unrecovered fault (failover.ts); a
  // phase can also be null for a fault that moved no leader, which is no failure.
  if (metric === 'rto_ms' && r.metrics.faults.some((f) => f.rto_ms === null)) return 'never_recovered';
  // A drill's recovery is null when the final convergence check gave up, which leaves convergence null too.
  if (metric === 'recovery_ms' && r.metrics.convergence_ms === null) return 'never_recovered';
  return 'not_measured';
}
