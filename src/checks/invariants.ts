import { dataLossMetric, documentedFigure, DEFAULT_PROFILE } from '../sla/profiles.js';
import { parseThreshold } from '../sla/threshold.js';
import type { MetricName, Replication, SlaRequirement } from '../sla/types.js';

/**
 * The promises judged in every run, whatever the scenario lists: the
 * documents' core promises (never two primaries, the data-loss figure for
 * the replication mode, convergence within 5 minutes) and the run's own
 * integrity (every step happened, no key appeared that nobody wrote).
 * A scenario that forgot to ask must still fail when one is broken; one
 * that states its own threshold for the metric (to study split brain on
 * purpose, say) replaces it, and only by naming it.
 */
export function coreMetrics(replication: Replication): MetricName[] {
  return ['max_concurrent_primaries', dataLossMetric(replication), 'convergence_ms', 'unexpected_writes', 'failed_steps'];
}

function coreLine(metric: MetricName, replication: Replication): SlaRequirement {
  const figure = documentedFigure(DEFAULT_PROFILE, metric, replication);
  const parsed = figure === undefined ? undefined : parseThreshold(metric, figure.threshold, `judged in every run: ${figure.source}`);
  if (parsed === undefined || 'error' in parsed) throw new Error(`no usable documented figure for core metric ${metric}`);
  return { ...parsed, core: true };
}

export function withInvariants(sla: readonly SlaRequirement[], replication: Replication): SlaRequirement[] {
  const missing = coreMetrics(replication).filter((m) => !sla.some((r) => r.metric === m));
  return [...sla, ...missing.map((m) => coreLine(m, replication))];
}
