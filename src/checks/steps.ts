import type { HistoryEvent } from '../history/events.js';
import { ofKind, type Events } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import type { CheckOutput } from './checker.js';
import { byTime } from './timeline.js';

/**
 * Steps that did not happen: a `wait_for` that timed out (no new leader,
 * never writable again) and a cure that failed (a heal step's, or the
 * runner's final heal of what was still active). Either way the cluster
 * did not do what the scenario requires, so failed_steps is judged in
 * every run. Each is named, for report.md and junit.xml.
 */
export function checkSteps(_scenario: Scenario, events: Events): CheckOutput {
  const failed = [
    ...byTime(ofKind(events, 'step')).flatMap((s) => (s.phase === 'end' && s.ok === false ? [{ t: s.t, what: `steps[${s.index}] ${s.step}: ${s.error ?? 'failed'}` }] : [])),
    ...ofKind(events, 'fault').flatMap((f) => (f.phase === 'heal' && f.error !== undefined ? [{ t: f.t, what: `heal of ${f.id} (${f.action} on ${f.resolved.join(', ')}) failed: ${f.error}` }] : [])),
  ].sort((a, b) => a.t - b.t);
  return {
    metrics: { failed_steps: failed.length },
    valid: failed.length === 0,
    ...(failed.length > 0 ? { error: failed.map((f) => f.what).join('; ') } : {}),
  };
}
