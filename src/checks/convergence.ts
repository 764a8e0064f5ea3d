import type { HistoryEvent } from '../history/events.js';
import { ofKind, type Events } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import type { CheckOutput } from './checker.js';
import { byTime, heals } from './timeline.js';

/**
 * Did the cluster heal, and how long did it take? The runner's final
 * convergence check (after the workload stopped, the only one that compares
 * every member's set of rows) decides whether it converged at all; a run
 * whose cluster never did is invalid whatever else it measured. The figure
 * runs from the last heal to the first convergence seen after it (a
 * scenario's own `wait_for: converged` counts, once the final check has
 * confirmed the rows); 0 when nothing was ever healed. Without a final
 * check (the run was cut short) the check cannot decide.
 */
export function checkConvergence(_scenario: Scenario, events: Events): CheckOutput {
  const checks = byTime(ofKind(events, 'converged'));
  const final = checks.filter((c) => c.final === true).at(-1);
  if (final === undefined) return { metrics: {}, valid: 'unknown', error: 'the final convergence check never ran' };
  if (!final.ok) {
    return { metrics: { convergence_ms: null }, valid: false, error: `the cluster did not converge after the run: ${final.reason ?? 'no reason recorded'}` };
  }
  const lastHeal = heals(events).at(-1);
  if (lastHeal === undefined) return { metrics: { convergence_ms: 0 }, valid: true };
  const first = checks.find((c) => c.ok && c.t >= lastHeal.t) ?? final;
  return { metrics: { convergence_ms: first.t - lastHeal.t }, valid: true };
}
