import type { HistoryEvent } from '../history/events.js';
import { ofKind } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import type { CheckOutput } from './checker.js';
import { byTime, heals, injects } from './timeline.js';

/**
 * From the last heal to the first successful convergence check after it.
 *
 * - No fault at all: 0, nothing had to heal; unless a convergence check
 *   failed with none succeeding, which is a cluster that never converged.
 * - Injected but never healed: null, the run was cut short before its cure.
 * - Invalid when the runner's convergence wait after the heal gave up
 *   (ok false) and no later check succeeded. A run that never checked
 *   convergence stays valid with a null figure: not checking is the
 *   scenario's choice, and an SLA on it then fails as "not measured".
 */
export function checkConvergence(_scenario: Scenario, events: readonly HistoryEvent[]): CheckOutput {
  const checks = byTime(ofKind(events, 'converged'));
  const lastHeal = heals(events).at(-1);
  const from = lastHeal?.t ?? (injects(events).length === 0 ? -Infinity : undefined);
  if (from === undefined) return { metrics: { convergence_ms: null }, valid: true };
  const after = checks.filter((c) => c.t >= from);
  const ok = after.find((c) => c.ok);
  if (ok === undefined && after.length > 0) {
    return { metrics: { convergence_ms: null }, valid: false, error: 'the cluster did not converge after the heal' };
  }
  if (lastHeal === undefined) return { metrics: { convergence_ms: 0 }, valid: true };
  return { metrics: { convergence_ms: ok === undefined ? null : ok.t - lastHeal.t }, valid: true };
}
