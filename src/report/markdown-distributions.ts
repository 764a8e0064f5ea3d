import { DISTRIBUTED_METRICS, type DistributedMetric, type Distribution, type MissingReason } from './distributions.js';
import { formatMetric } from './format.js';
import { code, mdTable } from './md.js';

const LABEL: Record<DistributedMetric, string> = {
  rto_ms: 'RTO (the write outage the fault caused)',
  unavailability_ms: 'unavailability (longest gap between acks)',
  detection_ms: 'detection (leader key gone or changed)',
  promotion_ms: 'promotion (new leader out of recovery)',
  reroute_ms: 're-route (to the first write acknowledged by the leader the fault left)',
  recovery_ms: 'recovery (first action → converged after the last)',
  lost_writes: 'lost writes',
  split_brain_ms: 'split-brain window (two or more writable)',
  leader_changes: 'leader changes (leader-key owner)',
};

const REASON: Record<MissingReason, string> = {
  harness_error: 'harness error',
  never_recovered: 'never recovered',
  not_measured: 'not measured',
};

/**
 * One table per scenario: each figure's min / p50 / p95 / max over the
 * iterations that measured it, how many those were, and which were not
 * (and why), so that a p95 over fewer iterations never passes for the whole.
 */
export function distributionsSection(scenarios: ReadonlyArray<readonly [string, Record<DistributedMetric, Distribution>]>): string {
  if (scenarios.length === 0) return '';
  const tables = scenarios.map(([name, d]) => `### ${code(name)}\n\n${mdTable(
    ['figure', 'iterations', 'min', 'p50', 'p95', 'max', 'without a value'],
    DISTRIBUTED_METRICS.map((m) => row(m, d[m])),
    ['l', 'r', 'r', 'r', 'r', 'r', 'l'],
  )}`);
  return `## Distributions over the iterations\n\nNearest-rank statistics over the iterations that measured the figure; "unknown" when none did.\n\n${tables.join('\n\n')}`;
}

function row(metric: DistributedMetric, d: Distribution): string[] {
  // null only when no iteration measured it: unknown, which "—" or 0 would hide.
  const cell = (v: number | null): string => (v === null ? 'unknown' : formatMetric(metric, v));
  return [LABEL[metric], `${d.measured} of ${d.iterations}`, cell(d.min), cell(d.p50), cell(d.p95), cell(d.max), missingText(d.missing)];
}

/** "iteration 2 never recovered; iterations 3, 4 not measured". */
export function missingText(missing: Distribution['missing']): string {
  const by = new Map<MissingReason, number[]>();
  for (const m of missing) by.set(m.reason, [...(by.get(m.reason) ?? []), m.iteration]);
  return [...by].map(([reason, its]) => `${iterations(its)} ${REASON[reason]}`).join('; ');
}

/** "iteration 2", "iterations 2, 5". */
export function iterations(its: readonly number[]): string {
  return `${its.length === 1 ? 'iteration' : 'iterations'} ${its.join(', ')}`;
}
