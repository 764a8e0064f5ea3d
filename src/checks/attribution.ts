/**
 * Which fault a run's evidence of a failure belongs to. A known finding may
 * be scoped to one kind of fault inside a nemesis (`fault: stop`): the soak
 * reports the frozen-primary defect as known and stays a gate for every
 * other fault, which it could not if the whole metric were excused.
 *
 * The rule. A fault's era runs from when its injection was in force to the
 * first of: the next injection's start (whatever its kind, failed or not:
 * from then on what happens may be the next fault's), or the first
 * convergence seen after its successful heal (the cluster was whole again).
 * So the era holds the fault, its heal and what the heal set off (a frozen
 * primary woken by SIGCONT that takes its key back), and never the next
 * fault's own effects. Each piece of evidence is a span of time over which
 * the failure was shown, and it is the fault's only when the whole span lies
 * inside one era of that fault's action:
 * - a lost write: from its acknowledgement to the acknowledgement of the
 *   first write that started after it and survived in the final read (that
 *   write was committed on a history without the lost one, so the loss had
 *   happened by then), or to the final read when none did. A write is not
 *   lost when it is acknowledged but when the history holding it is dropped,
 *   which can be a later fault's doing: a write acknowledged in one era and
 *   first shown lost in the next is neither fault's alone;
 * - two writable members seen by the probes: the overlap, as swept;
 * - a write acknowledged on an old timeline after a newer one had been
 *   (ops-evidence): from the newer timeline's first acknowledgement to the
 *   stale one, up to the last stale acknowledgement that started while the
 *   newer timeline's primary was still acknowledging (once it stops, as
 *   when the frozen-primary defect demotes and rewinds it, the old
 *   timeline's writes are a sole primary's). The first stale one of each
 *   pair of timelines always counts.
 * Evidence before the first era, across two eras, or after an era ended
 * (the cluster converged) is nobody's: a failure must be shown to be the
 * fault's, not assumed to be. The split-brain time (split_brain_ms) is the
 * probes' figure, so only the probes' overlaps are its evidence.
 */
import type { FaultEvent } from '../history/events.js';
import { type Events, ofKind, writesOf } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import type { MetricName } from '../sla/types.js';
import { formatDuration } from '../format.js';
import { attributed, describeConflict, type Attributed } from './ops-evidence.js';
import { blindSpot } from './primaries.js';
import { finalState } from './set.js';
import { sweep, writableSpans } from './split-brain.js';
import { byTime, heals, injects } from './timeline.js';

/** One injection's era, [from, to): see the module comment. */
export interface FaultEra {
  id: string;
  /** The fault's action; absent for an injection that failed (it did nothing, so nothing is attributed to it). */
  action?: string;
  from: number;
  to: number;
}

/** A piece of evidence of a failure, shown over [from, to] (an instant when they are equal). */
export interface Evidence {
  what: string;
  from: number;
  to: number;
}

const inForce = (f: FaultEvent): number => f.end ?? f.t;

export function faultEras(events: Events): FaultEra[] {
  const ins = injects(events);
  const cures = heals(events).filter((h) => h.error === undefined);
  const whole = byTime(ofKind(events, 'converged').filter((c) => c.ok));
  return ins.map((f, i) => {
    const healed = cures.find((h) => h.id === f.id && h.t >= f.t);
    const converged = healed === undefined ? undefined : whole.find((c) => c.t >= healed.t);
    const to = Math.min(ins[i + 1]?.t ?? Infinity, converged?.t ?? Infinity);
    return { id: f.id, ...(f.error === undefined ? { action: f.action } : {}), from: inForce(f), to };
  });
}

const inside = (t: number, era: FaultEra): boolean => era.from <= t && t < era.to;
const within = (e: Evidence, era: FaultEra): boolean => era.from <= e.from && e.to < era.to;
const named = (era: FaultEra): string => `fault ${era.id} (${era.action ?? 'injection failed'})`;

/** Where a moment is among the eras, as a noun phrase; moments in the same place get the same words. */
function place(t: number, eras: readonly FaultEra[], first: FaultEra): string {
  const era = eras.find((x) => inside(t, x));
  if (era !== undefined) return `the era of ${named(era)}`;
  if (t < first.from) return 'before the first fault was in force';
  const ended = eras.findLast((x) => x.to <= t) ?? first;
  return `after the era of ${named(ended)} ended`;
}

function whereIs(e: Evidence, eras: readonly FaultEra[]): string {
  const first = eras[0];
  if (first === undefined) return 'no fault was injected';
  const [from, to] = [place(e.from, eras, first), place(e.to, eras, first)];
  if (from !== to) return `from ${from} to ${to}`;
  if (e.to < first.from) return `${formatDuration(first.from - e.to)} before the first fault was in force`;
  return from.startsWith('the era') ? `in ${from}` : from;
}

/**
 * Why the evidence is not all attributable to faults of `action`, or
 * undefined when it is: every piece must lie inside one era of that action.
 * No evidence at all attributes nothing (a failure must be shown to be the
 * fault's, not assumed to be).
 */
export function unattributed(evidence: readonly Evidence[], eras: readonly FaultEra[], action: string): string | undefined {
  if (evidence.length === 0) return 'no evidence of the failure to attribute to a fault';
  if (!eras.some((e) => e.action === action)) return `no ${action} fault was in force in this run`;
  const outside = evidence.filter((e) => !eras.some((era) => era.action === action && within(e, era)));
  const first = outside[0];
  if (first === undefined) return undefined;
  return `${outside.length} of ${evidence.length} outside every ${action} fault's era, e.g. ${first.what} (${whereIs(first, eras)})`;
}

/**
 * Each lost write from its acknowledgement to the moment it is shown lost:
 * the acknowledgement of the first write started after it that survived,
 * or the final read. One pass over the writes: for each survivor, the lost
 * writes acknowledged before it started are those of a prefix of the lost
 * ones sorted by acknowledgement.
 */
export function lostWriteEvidence(events: Events): Evidence[] | { none: string } {
  const state = finalState(events);
  const read = byTime(ofKind(events, 'final-read')).at(-1);
  if (state === undefined || read === undefined) return { none: 'no final read: which writes were lost is not known' };
  const lost = [...state.lost].sort((a, b) => a.end - b.end);
  const lostKeys = new Set(lost.map((w) => w.key));
  // shown[i]: the earliest ack of a survivor that started after lost[i] but not after lost[i + 1].
  const shown = new Float64Array(lost.length).fill(read.t);
  for (const w of writesOf(events)) {
    if (w.outcome !== 'ok' || lostKeys.has(w.key)) continue;
    let lo = 0;
    let hi = lost.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((lost[mid]?.end ?? Infinity) < w.start) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) shown[lo - 1] = Math.min(shown[lo - 1] ?? Infinity, w.end);
  }
  for (let i = lost.length - 2; i >= 0; i--) shown[i] = Math.min(shown[i] ?? Infinity, shown[i + 1] ?? Infinity);
  return lost.map((w, i) => ({ what: `lost key ${w.key}`, from: w.end, to: Math.max(w.end, shown[i] ?? read.t) }));
}

/**
 * The acknowledgements on an old timeline after a newer one had been, as
 * spans: per stale member and timeline and newer timeline, from the newer
 * timeline's first acknowledgement to the first stale one, stretched to the
 * last stale one that started while the newer timeline's member was still
 * acknowledging. Every stale write is looked at, not one witness per pair:
 * the same pair acknowledging again in a later fault's era is evidence too.
 */
export function staleAckEvidence(events: Events): Evidence[] {
  const firstAck = new Map<number, Attributed>();
  const lastAck = new Map<string, number>();
  for (const w of writesOf(events)) {
    if (!attributed(w)) continue;
    const seen = firstAck.get(w.timeline);
    if (seen === undefined || w.end < seen.end) firstAck.set(w.timeline, w);
    const by = `${w.node}|${w.timeline}`;
    lastAck.set(by, Math.max(lastAck.get(by) ?? -Infinity, w.end));
  }
  const spans = new Map<string, { newer: Attributed; first: Attributed; last?: Attributed }>();
  for (const stale of writesOf(events)) {
    if (!attributed(stale)) continue;
    for (const [timeline, newer] of firstAck) {
      if (timeline <= stale.timeline || newer.end >= stale.start) continue;
      const pair = `${stale.node}|${stale.timeline}|${timeline}`;
      const span = spans.get(pair) ?? { newer, first: stale };
      if (stale.start < span.first.start) span.first = stale;
      const newerStillAcking = stale.start < (lastAck.get(`${newer.node}|${timeline}`) ?? -Infinity);
      if (newerStillAcking && stale.end > (span.last?.end ?? -Infinity)) span.last = stale;
      spans.set(pair, span);
    }
  }
  return [...spans.values()].map(({ newer, first, last = first }) => ({ what: describeConflict({ newer, stale: last }), from: newer.end, to: Math.max(first.end, last.end) }));
}

/** The probes' moments of two writable members; a member never observed could have been writable at any time. */
function overlapEvidence(scenario: Scenario, events: Events): Evidence[] | { none: string } {
  const blind = blindSpot(events);
  if (blind !== undefined) return { none: blind };
  return sweep(writableSpans(scenario, events)).intervals.map((i) => ({ what: `two writable members for ${formatDuration(i.to - i.from)} (probes)`, ...i }));
}

/** Every moment two primaries were shown: the probes' overlaps and the stale acknowledgements. */
export function splitBrainEvidence(scenario: Scenario, events: Events): Evidence[] | { none: string } {
  const overlap = overlapEvidence(scenario, events);
  return 'none' in overlap ? overlap : [...overlap, ...staleAckEvidence(events)];
}

/**
 * Why the failure of `metric` (one of FAULT_SCOPED_METRICS) in this history is not all attributable to
 * faults of `action`, or undefined when it is. Pure; reads the writes
 * again, so call it only for a failed line a finding scoped to a fault covers.
 */
export function attribute(scenario: Scenario, events: Events, metric: MetricName, action: string): string | undefined {
  const evidence = metric === 'lost_writes' ? lostWriteEvidence(events)
    : metric === 'max_concurrent_primaries' ? splitBrainEvidence(scenario, events)
      : metric === 'split_brain_ms' ? overlapEvidence(scenario, events)
        : { none: `${metric} cannot be attributed to a fault` };
  if ('none' in evidence) return evidence.none;
  return unattributed(evidence, faultEras(events), action);
}
