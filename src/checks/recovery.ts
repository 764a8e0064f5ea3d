import type { HistoryEvent } from '../history/events.js';
import { ofKind, type Events } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import type { CheckOutput } from './checker.js';
import { byTime } from './timeline.js';

/**
 * A drill's recovery time (004: "Verify recovery takes < 5 minutes"): from
 * the first thing done to the cluster (a fault, or an operator's command in
 * an exec step) to the first convergence seen after the last one of them
 * (its end, or a heal). It includes the procedure itself, as an operator's
 * stopwatch would: a runbook that takes four minutes of commands and one of
 * recovery has taken five. The runner's final convergence check decides
 * whether the cluster recovered at all; without it the check cannot tell.
 */
export function checkRecovery(_scenario: Scenario, events: Events): CheckOutput {
  const actions = [
    ...ofKind(events, 'fault').map((f) => ({ start: f.t, end: f.phase === 'inject' ? (f.end ?? f.t) : f.t })),
    ...ofKind(events, 'step').filter((s) => s.type === 'exec').map((s) => ({ start: s.t, end: s.t })),
  ];
  if (actions.length === 0) return { metrics: {}, valid: true };
  const first = Math.min(...actions.map((a) => a.start));
  const last = Math.max(...actions.map((a) => a.end));
  const checks = byTime(ofKind(events, 'converged'));
  const final = checks.filter((c) => c.final === true).at(-1);
  if (final === undefined) return { metrics: {}, valid: 'unknown', error: 'the final convergence check never ran: no evidence the cluster recovered' };
  if (!final.ok) return { metrics: { recovery_ms: null }, valid: false, error: `the cluster did not recover: ${final.reason ?? 'no reason recorded'}` };
  const recovered = checks.find((c) => c.ok && c.t >= last) ?? final;
  return { metrics: { recovery_ms: recovered.t - first }, valid: true };
}
