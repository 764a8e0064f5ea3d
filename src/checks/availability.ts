import type { HistoryEvent } from '../history/events.js';
import { ofKind } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import type { CheckOutput } from './checker.js';
import { firstInject, okWrites } from './timeline.js';

/**
 * The longest stretch without an acknowledged write, within the workload's
 * span (first write start .. last write end). The span's edges count as
 * boundaries: a workload that ends with only failing writes was
 * unavailable up to its end, and one that starts failing was unavailable
 * from its start. The first inject also counts as a boundary, for a fault
 * injected before the workload started. Null without writes; the whole
 * span when none succeeded.
 */
export function unavailabilityMs(events: readonly HistoryEvent[]): number | null {
  const writes = ofKind(events, 'write');
  if (writes.length === 0) return null;
  // reduce, not Math.min(...): a long run has more writes than a call has arguments.
  const spanStart = writes.reduce((m, w) => Math.min(m, w.start), Infinity);
  const spanEnd = writes.reduce((m, w) => Math.max(m, w.end), -Infinity);
  const acks = okWrites(events).map((w) => w.end);
  const marks = [spanStart, ...acks, spanEnd];
  let longest = 0;
  for (let i = 1; i < marks.length; i++) {
    longest = Math.max(longest, (marks[i] ?? 0) - (marks[i - 1] ?? 0));
  }
  const inject = firstInject(events);
  if (inject !== undefined) {
    const next = acks.find((a) => a >= inject.t);
    longest = Math.max(longest, (next ?? Math.max(spanEnd, inject.t)) - inject.t);
  }
  return longest;
}

/** Without any write the workload never ran: the check cannot decide. */
export function checkAvailability(_scenario: Scenario, events: readonly HistoryEvent[]): CheckOutput {
  const ms = unavailabilityMs(events);
  if (ms === null) return { metrics: {}, valid: 'unknown', error: 'no write events: the workload recorded nothing' };
  return { metrics: { unavailability_ms: ms }, valid: true };
}
