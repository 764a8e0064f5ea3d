import type { HistoryEvent } from '../history/events.js';
import type { Events } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import type { MetricName } from '../sla/types.js';
import type { Checker } from './checker.js';
import { CHECKERS } from './checkers.js';
import { emptyMetrics } from './empty-metrics.js';
import type { Analysis, CheckResult, Metrics } from './metrics.js';
import { evaluateSla } from './sla.js';
import { withInvariants } from './invariants.js';
import { verdictOf } from './verdict.js';
import { judgeAlertLines } from './alert-lines.js';

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export interface AnalyzeOptions {
  /** Lines with a `stat` wait for the other iterations (run with --iterations > 1). */
  deferStats?: boolean;
  /** For tests that add a failing check. */
  checkers?: readonly Checker[];
}

/**
 * Runs every check on the history and judges the scenario's SLA plus the
 * promises every run is held to. Pure: the same history always gives the
 * same analysis, which is what lets a run be re-checked from its file. A
 * check that throws becomes 'unknown' with the error and contributes no
 * metric; the others still run. A failed line carries its check's
 * explanation (which steps, which keys, which members); an unmeasured one
 * whose check had no evidence is 'unknown', not a failure of the cluster.
 */
export function analyze(scenario: Scenario, events: Events, o: AnalyzeOptions = {}): Analysis {
  const metrics: Metrics = emptyMetrics();
  const checks: CheckResult[] = [];
  const producedBy = new Map<MetricName, string>();
  for (const checker of o.checkers ?? CHECKERS) {
    checker.metrics.forEach((m) => producedBy.set(m, checker.name));
    try {
      const out = checker.check(scenario, events);
      Object.assign(metrics, out.metrics);
      checks.push({ name: checker.name, valid: out.valid, ...(out.error === undefined ? {} : { error: out.error }) });
    } catch (err) {
      checks.push({ name: checker.name, valid: 'unknown', error: message(err) });
    }
  }
  const byName = new Map(checks.map((c) => [c.name, c]));
  const sla = evaluateSla(withInvariants(scenario.sla, scenario.cluster.replication), metrics, o).map((r) => {
    const check = byName.get(producedBy.get(r.metric) ?? '');
    if (check?.valid === 'unknown' && r.observed === null) return { ...r, status: 'unknown' as const, note: `not measured: check ${check.name} could not decide: ${check.error ?? ''}` };
    if (r.status === 'fail' && check?.valid === false && check.error !== undefined) return { ...r, note: check.error };
    return r;
  });
  const alertSla = judgeAlertLines(scenario, events);
  return { metrics, checks, sla, alertSla, verdict: verdictOf(sla, checks, alertSla) };
}
