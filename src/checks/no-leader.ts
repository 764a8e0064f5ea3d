import type { HistoryEvent } from '../history/events.js';
import { ofKind, type Events } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import type { CheckOutput } from './checker.js';
import { byTime, historyEnd } from './timeline.js';

/**
 * The longest continuous window in which the DCS showed no leader key.
 * A window still open when the history ends closes at its last event:
 * the history is all we know, and the leaderless time so far is a lower
 * bound worth reporting. Null when the DCS was never observed.
 */
export function noLeaderMs(events: Events): number | null {
  const dcs = byTime(ofKind(events, 'dcs'));
  if (dcs.length === 0) return null;
  let longest = 0;
  let since: number | undefined;
  for (const d of dcs) {
    if (d.leader === null) since ??= d.t;
    else if (since !== undefined) {
      longest = Math.max(longest, d.t - since);
      since = undefined;
    }
  }
  if (since !== undefined) longest = Math.max(longest, (historyEnd(events) ?? since) - since);
  return longest;
}

/** Without any DCS event the observer saw nothing: the check cannot decide. */
export function checkNoLeader(_scenario: Scenario, events: Events): CheckOutput {
  const ms = noLeaderMs(events);
  if (ms === null) return { metrics: {}, valid: 'unknown', error: 'no dcs events: the leader key was never observed' };
  return { metrics: { no_leader_ms: ms }, valid: true };
}
