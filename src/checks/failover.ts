import type { Events } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import type { CheckOutput } from './checker.js';
import { detectionAfter, leaderBefore, promotionAfter } from './leader.js';
import { leaderChangesIn } from './leader-changes.js';
import type { FaultPhases } from './metrics.js';
import { writeOutages, type WriteOutage } from './outage.js';
import { injects } from './timeline.js';

/**
 * RTO and its phases for one injection; the phases stay null when no leader
 * change was seen. RTO is the write outage the fault caused: the longer of
 * the time to recovery (injection to `outage.recoveredAt`: the first ack,
 * by the leader the fault left, of a write started once the fault was in
 * force) and the longest stretch without acks the fault answers for. The
 * leader the fault left is the one acknowledging last before the next
 * fault (or the end), not at the heal. So a fenced old primary's stale
 * acks are no recovery, even past the heal, and a 40 s stop after them is
 * never an RTO of 84 ms. A leader change at or after `nextFaultAt` is the
 * next fault's, not this one's.
 */
export function phasesOf(events: Events, outage: WriteOutage, nextFaultAt = Infinity): FaultPhases {
  const { fault } = outage;
  const ack = outage.recoveredAt;
  const recovered = ack !== undefined && outage.neverAckedSince === undefined;
  const phases: FaultPhases = {
    fault_id: fault.id,
    action: fault.action,
    injected_at: fault.t,
    detection_ms: null,
    promotion_ms: null,
    reroute_ms: null,
    rto_ms: recovered ? Math.max(ack - fault.t, outage.longestGapMs) : null,
    old_leader: leaderBefore(events, fault.t),
    new_leader: null,
    leader_changes: leaderChangesIn(events, fault.t, nextFaultAt),
    effect: fault.effect ?? null,
  };
  if (phases.old_leader === null) return phases;
  const detection = detectionAfter(events, fault.t, phases.old_leader, nextFaultAt);
  if (detection === undefined) return phases;
  phases.detection_ms = detection.t - fault.t;
  const promotion = promotionAfter(events, detection, phases.old_leader);
  if (promotion === undefined) return phases;
  phases.promotion_ms = promotion.t - detection.t;
  phases.new_leader = promotion.member;
  // An ack can precede the promotion probe (probes are sampled): that is a
  // zero re-route, not a negative one.
  if (ack !== undefined) phases.reroute_ms = Math.max(0, ack - promotion.t);
  return phases;
}

type Phase = 'detection_ms' | 'promotion_ms' | 'reroute_ms';

/** The worst (longest) measured figure of one phase over the faults; null when no fault had it. */
function worstPhase(faults: readonly FaultPhases[], phase: Phase): number | null {
  const measured = faults.flatMap((f) => (f[phase] === null ? [] : [f[phase]]));
  return measured.length === 0 ? null : Math.max(...measured);
}

/**
 * Per-fault phases, and the worst of them at the top level, which is what
 * an SLA is judged on: a harmless fault must not stand in for a later one
 * that took the cluster down. rto_ms is null as soon as one fault was
 * never recovered from (no write acknowledged after it, or writes stopped
 * while it was in force, or after its heal with no later fault, and were never acknowledged again); the phases skip
 * faults that caused no leader change, since a fault that moves no leader
 * has no detection to measure.
 */
export function checkFailover(_scenario: Scenario, events: Events): CheckOutput {
  // A leader change is the latest fault's doing: a replica killed before the primary was
  // must not be credited with the failover the primary's kill caused (found in a soak).
  const injected = injects(events).filter((f) => f.error === undefined);
  const outages = writeOutages(events, injected);
  const faults = outages.map((o, i) => phasesOf(events, o, injected[i + 1]?.t ?? Infinity));
  const never = outages.filter((o) => o.recoveredAt === undefined).map((o) => o.fault.id);
  const stopped = outages.filter((o) => o.recoveredAt !== undefined && o.neverAckedSince !== undefined).map((o) => o.fault.id);
  const errors = [
    ...(never.length > 0 ? [`no write was acknowledged after fault ${never.join(', ')}`] : []),
    ...(stopped.length > 0 ? [`writes stopped after fault ${stopped.join(', ')} and were never acknowledged again`] : []),
  ];
  const rto = faults.length === 0 || errors.length > 0 ? null : Math.max(...faults.map((f) => f.rto_ms ?? 0));
  return {
    metrics: {
      faults,
      rto_ms: rto,
      detection_ms: worstPhase(faults, 'detection_ms'),
      promotion_ms: worstPhase(faults, 'promotion_ms'),
      reroute_ms: worstPhase(faults, 'reroute_ms'),
    },
    valid: errors.length === 0,
    ...(errors.length > 0 ? { error: errors.join('; ') } : {}),
  };
}
