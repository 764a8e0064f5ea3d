import type { HistoryEvent } from '../history/events.js';
import { ofKind } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import type { CheckOutput } from './checker.js';
import { conflictingAcks, describeConflict } from './ops-evidence.js';
import { sweep, writableSpans } from './split-brain.js';

/**
 * Never two writable primaries. The probes give the count and the time;
 * overlapping acks on two timelines raise the count to at least 2 even when
 * the sampled probes missed it. split_brain_ms stays the probes' figure:
 * the acks prove an overlap happened, not how long it lasted.
 *
 * Without probes the count cannot be measured (null) unless the acks prove
 * a split brain: then 2, a lower bound, rather than hiding evidence behind
 * "not measured". With neither, the observers recorded nothing and the
 * check cannot decide: 'unknown'.
 */
export function checkPrimaries(scenario: Scenario, events: readonly HistoryEvent[]): CheckOutput {
  const probed = ofKind(events, 'probe').length > 0;
  const overlap = sweep(writableSpans(scenario, events));
  const conflicts = conflictingAcks(events);
  const fromProbes = probed ? overlap.max : null;
  const max = conflicts.length > 0 ? Math.max(2, fromProbes ?? 0) : fromProbes;
  const evidence = [
    overlap.max >= 2 ? `members ${overlap.members.join(', ')} writable at once for ${overlap.splitBrainMs} ms (probes)` : '',
    ...conflicts.map(describeConflict),
  ].filter((e) => e !== '');
  if (max === null) return { metrics: {}, valid: 'unknown', error: 'no probe events: no member was observed' };
  const valid = max <= 1;
  return {
    metrics: { max_concurrent_primaries: max, split_brain_ms: probed ? overlap.splitBrainMs : null },
    valid,
    ...(valid ? {} : { error: evidence.join('; ') }),
  };
}
