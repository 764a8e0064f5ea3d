import type { Events } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import type { CheckOutput } from './checker.js';
import { firstInject, okWrites, writeSpan } from './timeline.js';

/**
 * The longest stretch without an acknowledged write, within the workload's
 * span (first write start .. last write end). The span's edges count as
 * boundaries: a workload that ends with only failing writes was
 * unavailable up to its end, and one that starts failing was unavailable
 * from its start. The first inject also counts as a boundary, for a fault
 * injected before the workload started. Null without writes; the whole
 * span when none succeeded.
 */
export function unavailabilityMs(events: Events): number | null {
  const span = writeSpan(events);
  if (span === undefined) return null;
  const inject = firstInject(events);
  // One pass over the acknowledgements in order: the gaps between marks span start, acks, span end.
  let longest = 0;
  let previous = span.start;
  let nextAfterInject: number | undefined;
  for (const w of okWrites(events)) {
    longest = Math.max(longest, w.end - previous);
    previous = w.end;
    if (inject !== undefined && nextAfterInject === undefined && w.end >= inject.t) nextAfterInject = w.end;
  }
  longest = Math.max(longest, span.end - previous);
  if (inject !== undefined) longest = Math.max(longest, (nextAfterInject ?? Math.max(span.end, inject.t)) - inject.t);
  return longest;
}

/** Without any write the workload never ran: the check cannot decide. */
export function checkAvailability(_scenario: Scenario, events: Events): CheckOutput {
  const ms = unavailabilityMs(events);
  if (ms === null) return { metrics: {}, valid: 'unknown', error: 'no write events: the workload recorded nothing' };
  return { metrics: { unavailability_ms: ms }, valid: true };
}
