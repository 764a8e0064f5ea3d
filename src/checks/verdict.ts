import type { Analysis, CheckResult } from './metrics.js';
import type { SlaResult } from '../sla/types.js';

/**
 * The run's verdict, from the statuses of its SLA lines (the scenario's
 * and the promises judged in every run) and the checks' validity:
 *
 * - 'fail': a line failed. A real violation stands even when another
 *   check could not decide.
 * - 'error': otherwise, when a line could not be judged or any check had
 *   no evidence ('unknown'): nothing proved the cluster healthy, and a
 *   harness that could not see is not allowed to say pass.
 * - 'pass': every line held (or is a known finding, or waits for the
 *   statistic over the iterations).
 *
 * Alert lines (sla.alerts) count as SLA lines.
 *
 * A check that is invalid without failing a line (an async run that lost
 * writes within its RPO) gates nothing: the lines say what is required.
 */
export function verdictOf(sla: readonly SlaResult[], checks: readonly CheckResult[], alertLines: ReadonlyArray<Pick<SlaResult, 'status'>> = []): Analysis['verdict'] {
  if (sla.some((r) => r.status === 'fail') || alertLines.some((r) => r.status === 'fail')) return 'fail';
  if (sla.some((r) => r.status === 'unknown') || alertLines.some((r) => r.status === 'unknown') || checks.some((c) => c.valid === 'unknown')) return 'error';
  return 'pass';
}
