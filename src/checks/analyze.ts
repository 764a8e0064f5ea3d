import type { HistoryEvent } from '../history/events.js';
import type { Scenario } from '../scenario/types.js';
import type { Checker } from './checker.js';
import { CHECKERS } from './checkers.js';
import { emptyMetrics } from './empty-metrics.js';
import type { Analysis, CheckResult, Metrics } from './metrics.js';
import { evaluateSla } from './sla.js';
import { withInvariants } from './invariants.js';
import type { MetricName } from './sla-types.js';
import { verdictOf } from './verdict.js';

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Runs every check on the history and judges the scenario's SLA plus the
 * invariants every run is held to. Pure: the
 * same history always gives the same analysis, which is what lets a run be
 * re-checked from its file. A check that throws becomes 'unknown' with the
 * error and contributes no metric; the others still run. `checkers` is a
 * parameter so that tests can add a failing one.
 */
export function analyze(scenario: Scenario, events: readonly HistoryEvent[], checkers: readonly Checker[] = CHECKERS): Analysis {
  const metrics: Metrics = emptyMetrics();
  const checks: CheckResult[] = [];
  const producedBy = new Map<MetricName, string>();
  for (const checker of checkers) {
    checker.metrics.forEach((m) => producedBy.set(m, checker.name));
    try {
      const out = checker.check(scenario, events);
      Object.assign(metrics, out.metrics);
      checks.push({ name: checker.name, valid: out.valid, ...(out.error === undefined ? {} : { error: out.error }) });
    } catch (err) {
      checks.push({ name: checker.name, valid: 'unknown', error: message(err) });
    }
  }
  const unknown = new Map(checks.filter((c) => c.valid === 'unknown').map((c) => [c.name, c.error ?? '']));
  const sla = evaluateSla(withInvariants(scenario.sla), metrics).map((r) => {
    const check = producedBy.get(r.metric);
    const why = check === undefined ? undefined : unknown.get(check);
    return why === undefined || r.observed !== null ? r : { ...r, note: `not measured: check ${check} could not decide: ${why}` };
  });
  return { metrics, checks, sla, verdict: verdictOf(sla, checks, producedBy) };
}
