import type { HistoryEvent } from '../history/events.js';
import { ofKind } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import type { CheckOutput } from './checker.js';

/** Counts writes by outcome; a pure tally, so it is always valid. */
export function checkWrites(_scenario: Scenario, events: readonly HistoryEvent[]): CheckOutput {
  const writes = { ok: 0, fail: 0, info: 0, attempted: 0 };
  for (const w of ofKind(events, 'write')) {
    writes[w.outcome] += 1;
    writes.attempted += 1;
  }
  return { metrics: { writes }, valid: true };
}
