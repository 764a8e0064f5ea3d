import type { DcsEvent, HistoryEvent, ProbeEvent } from '../history/events.js';
import { ofKind, type Events } from '../history/history.js';
import { byTime } from './timeline.js';

/**
 * The leader when a fault was injected at `at`: the last DCS leader strictly
 * before it. Falls back to the last probe (before `at`) reporting
 * inRecovery false when there is no DCS view or the DCS had no leader then,
 * so a run whose etcd observer lagged still names the primary it hit.
 */
export function leaderBefore(events: Events, at: number): string | null {
  const dcs = byTime(ofKind(events, 'dcs')).filter((d) => d.t < at);
  const fromDcs = dcs.at(-1)?.leader ?? null;
  if (fromDcs !== null) return fromDcs;
  const primaries = byTime(ofKind(events, 'probe')).filter((p) => p.t < at && p.inRecovery === false);
  return primaries.at(-1)?.member ?? null;
}

/**
 * The first DCS event at or after `at` showing the leader key gone or held
 * by another member. An event at exactly the inject time counts as after
 * it, since `leaderBefore` only looks strictly before. A change at or
 * after `before` (the next fault's injection) belongs to that fault.
 */
export function detectionAfter(events: Events, at: number, oldLeader: string, before = Infinity): DcsEvent | undefined {
  return byTime(ofKind(events, 'dcs')).find((d) => d.t >= at && d.t < before && d.leader !== oldLeader);
}

/**
 * The first probe at or after the detection in which the new primary
 * reports inRecovery false. Any member other than the old leader counts
 * from the detection on. The old leader itself counts only once the DCS
 * shows it holding the key again (a restarted node retaking the lock), and
 * only from that moment: before it, a probe of a still-running old primary
 * would be the stale primary, not a promotion.
 */
export function promotionAfter(events: Events, detection: DcsEvent, oldLeader: string): ProbeEvent | undefined {
  const retaken = byTime(ofKind(events, 'dcs')).find((d) => d.t >= detection.t && d.leader !== null);
  const oldLeaderFrom = retaken?.leader === oldLeader ? retaken.t : Infinity;
  return byTime(ofKind(events, 'probe')).find(
    (p) =>
      p.t >= detection.t &&
      p.inRecovery === false &&
      (p.member !== oldLeader || p.t >= oldLeaderFrom),
  );
}
