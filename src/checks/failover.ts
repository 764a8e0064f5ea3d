import type { FaultEvent, HistoryEvent } from '../history/events.js';
import type { Events } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import type { CheckOutput } from './checker.js';
import { detectionAfter, leaderBefore, promotionAfter } from './leader.js';
import type { FaultPhases } from './metrics.js';
import { injects, okWrites } from './timeline.js';

/**
 * The first acknowledgement of a write started at or after `at`. "First"
 * is the earliest end, not the earliest start: with several writers, the
 * moment the cluster proved it takes writes again is the earliest ack.
 */
export function firstAckAfter(events: Events, at: number): number | undefined {
  for (const w of okWrites(events)) if (w.start >= at) return w.end;
  return undefined;
}

/**
 * RTO and its phases for one injection; the phases stay null when no leader
 * change was seen. RTO runs from the start of the injection to the first
 * acknowledgement of a write that started once the fault was in force: a
 * write the old primary took while its container was being killed proves
 * nothing about recovery. A leader change at or after `nextFaultAt` is the
 * next fault's, not this one's.
 */
export function phasesOf(events: Events, fault: FaultEvent, nextFaultAt = Infinity): FaultPhases {
  const ack = firstAckAfter(events, Math.max(fault.t, fault.end ?? fault.t));
  const phases: FaultPhases = {
    fault_id: fault.id,
    action: fault.action,
    injected_at: fault.t,
    detection_ms: null,
    promotion_ms: null,
    reroute_ms: null,
    rto_ms: ack === undefined ? null : ack - fault.t,
    old_leader: leaderBefore(events, fault.t),
    new_leader: null,
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
 * never followed by an acknowledged write (the cluster never recovered
 * from it); the phases skip faults that caused no leader change, since a
 * fault that moves no leader has no detection to measure.
 */
export function checkFailover(_scenario: Scenario, events: Events): CheckOutput {
  // A leader change is the latest fault's doing: a replica killed before the primary was
  // must not be credited with the failover the primary's kill caused (found in a soak).
  const injected = injects(events).filter((f) => f.error === undefined);
  const faults = injected.map((f, i) => phasesOf(events, f, injected[i + 1]?.t ?? Infinity));
  const unrecovered = faults.filter((f) => f.rto_ms === null);
  const rto = faults.length === 0 || unrecovered.length > 0 ? null : Math.max(...faults.map((f) => f.rto_ms ?? 0));
  return {
    metrics: {
      faults,
      rto_ms: rto,
      detection_ms: worstPhase(faults, 'detection_ms'),
      promotion_ms: worstPhase(faults, 'promotion_ms'),
      reroute_ms: worstPhase(faults, 'reroute_ms'),
    },
    valid: unrecovered.length === 0,
    ...(unrecovered.length > 0 ? { error: `no write was acknowledged after fault ${unrecovered.map((f) => f.fault_id).join(', ')}` } : {}),
  };
}
