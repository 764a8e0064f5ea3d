import type { HistoryEvent, ProbeEvent } from '../history/events.js';
import { ofKind, type Events } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import type { CheckOutput } from './checker.js';
import { byTime } from './timeline.js';

/**
 * The documented limit (001: maximum_lag_on_failover 1048576). Never the
 * scenario's own setting: a check that takes its limit from the
 * configuration under test cannot catch a misconfigured cluster. A
 * scenario that accepts more says so in its SLA (promotion_lag_bytes).
 */
export const DOCUMENTED_MAX_LAG = 1_048_576;

/**
 * How far behind the old leader each promoted member was, and the
 * promotions beyond the documented limit. For each change of the leader
 * key from A to B: A's furthest WAL position observed before the change,
 * minus B's position at its last probe before the change (while still a
 * replica). promotion_lag_bytes is the largest such lag (0 without a
 * promotion). Without WAL positions in the probes the check cannot decide.
 */
export function checkLaggingPromotions(_scenario: Scenario, events: Events): CheckOutput {
  const maxLag = DOCUMENTED_MAX_LAG;
  const probes = byTime(ofKind(events, 'probe')).filter((p) => p.walPosition !== undefined);
  if (probes.length === 0) return { metrics: {}, valid: 'unknown', error: 'no probe recorded a WAL position' };
  const lagging: string[] = [];
  let worst = 0;
  let previous: string | null = null;
  for (const d of byTime(ofKind(events, 'dcs'))) {
    if (d.leader !== null && previous !== null && d.leader !== previous) {
      const before = (p: ProbeEvent) => p.t < d.t;
      const oldFurthest = Math.max(...probes.filter((p) => before(p) && p.member === previous).map((p) => p.walPosition as number));
      const candidate = probes.filter((p) => before(p) && p.member === d.leader && p.inRecovery === true).at(-1);
      const lag = candidate === undefined ? undefined : oldFurthest - (candidate.walPosition as number);
      if (lag !== undefined) worst = Math.max(worst, lag);
      if (lag !== undefined && lag > maxLag) lagging.push(`${d.leader} promoted ${lag} bytes behind ${previous} (documented limit ${maxLag}, 001)`);
    }
    if (d.leader !== null) previous = d.leader;
  }
  return {
    metrics: { lagging_promotions: lagging.length, promotion_lag_bytes: worst },
    valid: lagging.length === 0,
    ...(lagging.length > 0 ? { error: lagging.join('; ') } : {}),
  };
}
