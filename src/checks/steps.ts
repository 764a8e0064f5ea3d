import { ofKind, type Events } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import type { CheckOutput } from './checker.js';
import { byTime } from './timeline.js';

/** One step that did not happen; `index` is the scenario step's when the failure was a step's own (a failed cure has none). */
interface FailedStep {
  t: number;
  what: string;
  index?: number;
}

/** The run's failed steps from its history: a step's end that was not ok, and a cure that failed. */
function failedSteps(events: Events): FailedStep[] {
  return [
    ...byTime(ofKind(events, 'step')).flatMap((s) => (s.phase === 'end' && s.ok === false ? [{ t: s.t, index: s.index, what: `steps[${s.index}] ${s.step}: ${s.error ?? 'failed'}` }] : [])),
    ...ofKind(events, 'fault').flatMap((f) => (f.phase === 'heal' && f.error !== undefined ? [{ t: f.t, what: `heal of ${f.id} (${f.action} on ${f.resolved.join(', ')}) failed: ${f.error}` }] : [])),
  ].sort((a, b) => a.t - b.t);
}

/**
 * Steps that did not happen: a `wait_for` that timed out (no new leader,
 * never writable again) and a cure that failed (a heal step's, or the
 * runner's final heal of what was still active). Either way the cluster
 * did not do what the scenario requires, so failed_steps is judged in
 * every run. Each is named, for report.md and junit.xml. A step the run
 * never reached (it ended before) recorded no end and is not counted here.
 */
export function checkSteps(_scenario: Scenario, events: Events): CheckOutput {
  const failed = failedSteps(events);
  return {
    metrics: { failed_steps: failed.length },
    valid: failed.length === 0,
    ...(failed.length > 0 ? { error: failed.map((f) => f.what).join('; ') } : {}),
  };
}

/**
 * Why the run's failed steps are not exactly the failure of steps[index]
 * itself, or undefined when that one step failed and nothing else did: a
 * known finding on that step excuses its failure and nothing bigger. Read
 * from the step events' indexes, never from the text that names them.
 */
export function notOnlyStep(events: Events, index: number): string | undefined {
  const failed = failedSteps(events);
  const others = failed.filter((f) => f.index !== index);
  const own = others.length < failed.length;
  if (others.length === 0) return own ? undefined : `the history records no failure of steps[${index}]`;
  return `${own ? 'also failed' : `steps[${index}] did not fail; what failed`}: ${others.map((f) => f.what).join('; ')}`;
}
