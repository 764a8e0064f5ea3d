import { ofKind, type Events } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import type { CheckOutput } from './checker.js';
import { byTime } from './timeline.js';

/**
 * Every fault's own proof was decided: no injection whose target may not
 * have held its role when it acted, no heal that could not tell where the
 * clients went. The runner records what it could not tell as the fault
 * event's `unknown` and lets the run go on (an invented failure is no
 * better); a run beside one is `unknown`, never a pass. A failing line
 * still fails the run: the verdict puts a violation before an unknown.
 */
export function checkFaultEvidence(_scenario: Scenario, events: Events): CheckOutput {
  const unknown = byTime(ofKind(events, 'fault')).flatMap((f) => (f.unknown === undefined ? [] : [f.unknown]));
  return unknown.length === 0 ? { metrics: {}, valid: true } : { metrics: {}, valid: 'unknown', error: unknown.join('; ') };
}
