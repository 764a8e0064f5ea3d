import type { Analysis, CheckResult } from './metrics.js';
import type { MetricName, SlaResult } from './sla-types.js';

/**
 * The run's verdict from the SLA lines alone; a check's own validity is
 * reported beside it but gates nothing the scenario did not ask for (an
 * async scenario may lose writes within its RPO).
 *
 * - 'fail': an SLA line failed on a metric whose check decided. A real
 *   violation stands even when another check crashed.
 * - 'error': otherwise, when an SLA line's metric comes from a check that
 *   is 'unknown' (it threw, or its input was missing): the gate could not
 *   be evaluated, which is a harness problem, not a cluster verdict. An
 *   unknown check that no SLA line uses does not change the verdict.
 * - 'pass': every line held.
 */
export function verdictOf(
  sla: readonly SlaResult[],
  checks: readonly CheckResult[],
  producedBy: ReadonlyMap<MetricName, string>,
): Analysis['verdict'] {
  const unknown = new Set(checks.filter((c) => c.valid === 'unknown').map((c) => c.name));
  const undecided = (r: SlaResult): boolean => unknown.has(producedBy.get(r.metric) ?? '');
  if (sla.some((r) => !r.pass && !undecided(r))) return 'fail';
  if (sla.some(undecided)) return 'error';
  return 'pass';
}
