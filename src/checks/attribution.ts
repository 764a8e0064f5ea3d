/**
 * Which fault a run's evidence of a failure belongs to. A known finding may
 * be scoped to one kind of fault inside a nemesis (`fault: stop`): the soak
 * reports the frozen-primary defect as known and stays a gate for every
 * other fault, which it could not if the whole metric were excused.
 */
import type { FaultEvent } from '../history/events.js';
import type { Events } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import type { MetricName } from '../sla/types.js';
import { formatDuration } from '../format.js';
import { conflictingAcks, describeConflict } from './ops-evidence.js';
import { blindSpot } from './primaries.js';
import { finalState } from './set.js';
import { sweep, writableSpans } from './split-brain.js';
import { injects } from './timeline.js';

/**
 * One injection's era: from when it was in force (the injection returned)
 * to when the next injection was, whatever its kind, or without end. What
 * happens in it is attributed to that fault: a later fault's consequences
 * are its own, an earlier one's are not this one's.
 */
export interface FaultEra {
  id: string;
  /** The fault's action; absent for an injection that failed (it did nothing, so nothing is attributed to it). */
  action?: string;
  from: number;
  to: number;
}

/** A piece of evidence of a failure, over [from, to] (an instant when they are equal). */
export interface Evidence {
  what: string;
  from: number;
  to: number;
}

const inForce = (f: FaultEvent): number => f.end ?? f.t;

export function faultEras(faults: readonly FaultEvent[]): FaultEra[] {
  // By when each was in force, so that the eras tile the run after the first without overlapping.
  const ins = faults.filter((f) => f.phase === 'inject').sort((a, b) => inForce(a) - inForce(b) || a.t - b.t);
  return ins.map((f, i) => {
    const next = ins[i + 1];
    return { id: f.id, ...(f.error === undefined ? { action: f.action } : {}), from: inForce(f), to: next === undefined ? Infinity : inForce(next) };
  });
}

const overlaps = (e: Evidence, era: FaultEra): boolean => era.from <= e.to && e.from < era.to;

function whereIs(e: Evidence, eras: readonly FaultEra[]): string {
  const first = eras[0];
  if (first === undefined) return 'no fault was injected';
  if (e.to < first.from) return `${formatDuration(first.from - e.to)} before the first fault was in force`;
  const era = eras.findLast((x) => x.from <= e.from) ?? first;
  return `in the era of fault ${era.id} (${era.action ?? 'injection failed'})`;
}

/**
 * Why the evidence is not all attributable to faults of `action`, or
 * undefined when it is: every piece must overlap an era of that action. No
 * evidence at all attributes nothing (a failure must be shown to be the
 * fault's, not assumed to be).
 */
export function unattributed(evidence: readonly Evidence[], eras: readonly FaultEra[], action: string): string | undefined {
  if (evidence.length === 0) return 'no evidence of the failure to attribute to a fault';
  if (!eras.some((e) => e.action === action)) return `no ${action} fault was in force in this run`;
  const outside = evidence.filter((e) => !eras.some((era) => era.action === action && overlaps(e, era)));
  const first = outside[0];
  if (first === undefined) return undefined;
  return `${outside.length} of ${evidence.length} outside every ${action} fault's era, e.g. ${first.what} (${whereIs(first, eras)})`;
}

/** Each lost write at its acknowledgement: the moment the client was told it was durable. */
export function lostWriteEvidence(events: Events): Evidence[] | { none: string } {
  const state = finalState(events);
  if (state === undefined) return { none: 'no final read: which writes were lost is not known' };
  return state.lost.map((w) => ({ what: `lost key ${w.key}`, from: w.end, to: w.end }));
}

/**
 * Every moment two primaries were shown: the probes' overlaps and each
 * pair of conflicting acknowledgements (from the newer timeline's first
 * ack to the stale one's). A member never observed could have been writable
 * at any time, so then nothing can be attributed.
 */
export function splitBrainEvidence(scenario: Scenario, events: Events): Evidence[] | { none: string } {
  const blind = blindSpot(events);
  if (blind !== undefined) return { none: blind };
  const overlap = sweep(writableSpans(scenario, events));
  return [
    ...overlap.intervals.map((i) => ({ what: `two writable members for ${formatDuration(i.to - i.from)} (probes)`, ...i })),
    ...conflictingAcks(events).map((c) => ({ what: describeConflict(c), from: c.newer.end, to: c.stale.end })),
  ];
}

/**
 * Why the failure of `metric` (one of FAULT_SCOPED_METRICS) in this history is not all attributable to
 * faults of `action`, or undefined when it is. Pure; reads the writes
 * again, so call it only for a failed line a finding scoped to a fault covers.
 */
export function attribute(scenario: Scenario, events: Events, metric: MetricName, action: string): string | undefined {
  const evidence = metric === 'lost_writes' ? lostWriteEvidence(events)
    : metric === 'max_concurrent_primaries' || metric === 'split_brain_ms' ? splitBrainEvidence(scenario, events)
      : { none: `${metric} cannot be attributed to a fault` };
  if ('none' in evidence) return evidence.none;
  return unattributed(evidence, faultEras(injects(events)), action);
}
