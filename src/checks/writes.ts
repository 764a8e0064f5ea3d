import { type Events, writesOf } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import type { CheckOutput } from './checker.js';

/** Counts writes by outcome; a pure tally, so it is always valid. */
export function checkWrites(_scenario: Scenario, events: Events): CheckOutput {
  const writes = { ok: 0, fail: 0, info: 0, attempted: 0 };
  for (const w of writesOf(events)) {
    writes[w.outcome] += 1;
    writes.attempted += 1;
  }
  return { metrics: { writes }, valid: true };
}
