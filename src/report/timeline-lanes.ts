import type { FaultEvent, ProbeEvent } from '../history/events.js';
import { type Events, ofKind, writesByEnd } from '../history/history.js';
import { historyEnd } from '../checks/timeline.js';
import { type MemberRole, probeRole } from './probe-state.js';
import { type WriteBuckets, writeBuckets } from './timeline-buckets.js';

/** A stretch of time, in ms from the run start, during which a lane showed one state. */
export interface Segment<S extends string = string> {
  from: number;
  to: number;
  state: S;
}

export interface FaultMarker {
  at: number;
  phase: 'inject' | 'heal';
  id: string;
  action: string;
  resolved: string[];
}

/** The time a fault was in force: from its injection to its heal, or to the end of the run when never healed. */
export interface FaultWindow {
  id: string;
  action: string;
  resolved: string[];
  from: number;
  to: number;
  healed: boolean;
}

/** What timeline.html draws, computed apart from the drawing so it can be tested. */
export interface Lanes {
  durationMs: number;
  members: Array<{ name: string; segments: Array<Segment<MemberRole>> }>;
  /** State is the leader's name, or '' when no member held the key. */
  dcs: Segment[];
  faults: FaultMarker[];
  windows: FaultWindow[];
  writes: WriteBuckets;
  /** What the run's Prometheus evaluated: a lane per rule that was ever pending or firing; absent when the run had no Prometheus. */
  alerts?: AlertLanes;
}

export interface AlertLanes {
  /** False when nothing may be concluded (`why`): the lane says so rather than showing an empty, quiet run. */
  evaluated: boolean;
  why?: string;
  rules: Array<{ name: string; severity: string | null; segments: Array<Segment<'pending' | 'firing'>> }>;
}

/** The alert lanes of the last alert-evaluation of the run; an interval still open ends with the run. */
export function alertLanes(events: Events, rel: (t: number) => number, durationMs: number): AlertLanes | undefined {
  const e = ofKind(events, 'alert-evaluation').at(-1);
  if (e === undefined) return undefined;
  const rules = e.rules.filter((r) => r.intervals.length > 0).map((r) => ({
    name: r.name, severity: r.severity,
    segments: r.intervals.map((i) => ({ from: rel(i.from), to: i.to === null ? durationMs : rel(i.to), state: i.state })),
  }));
  return { evaluated: e.evaluated, ...(e.why === undefined ? {} : { why: e.why }), rules };
}

export function buildLanes(events: Events, start: number, end: number): Lanes {
  const rel = (t: number): number => t - start;
  const durationMs = Math.max(end - start, rel(historyEnd(events) ?? start), 1);
  const probes = ofKind(events, 'probe');
  const names = [...new Set(probes.map((p) => p.member))].sort();
  const members = names.map((name) => ({ name, segments: memberSegments(probes.filter((p) => p.member === name), rel) }));
  const dcs = segments(
    ofKind(events, 'dcs').map((e) => ({ at: rel(e.t), state: e.leader ?? '' })),
    durationMs,
  );
  const faults = ofKind(events, 'fault')
    .map((f) => ({ at: rel(f.t), phase: f.phase, id: f.id, action: f.action, resolved: f.resolved }))
    .sort((a, b) => a.at - b.at);
  const windows = faultWindows(ofKind(events, 'fault'), rel, durationMs);
  const alerts = alertLanes(events, rel, durationMs);
  return { durationMs, members, dcs, faults, windows, writes: writeBuckets(writesByEnd(events), rel, durationMs), ...(alerts === undefined ? {} : { alerts }) };
}

/**
 * Pairs each injection with the heal of the same id. An injection that
 * failed put nothing in force and has no window; one never healed lasts to
 * the end of the run, and says so.
 */
export function faultWindows(faults: readonly FaultEvent[], rel: (t: number) => number, durationMs: number): FaultWindow[] {
  const open = new Map<string, FaultWindow>();
  const out: FaultWindow[] = [];
  for (const f of [...faults].sort((a, b) => a.t - b.t)) {
    if (f.phase === 'inject' && f.error === undefined) {
      const w = { id: f.id, action: f.action, resolved: f.resolved, from: rel(f.t), to: durationMs, healed: false };
      open.set(f.id, w);
      out.push(w);
    } else if (f.phase === 'heal') {
      const w = open.get(f.id);
      if (w === undefined) continue;
      w.to = rel(f.t);
      w.healed = true;
      open.delete(f.id);
    }
  }
  return out;
}

/** A member's last probe stands for one more probe interval, not for the rest of the run. */
function memberSegments(probes: readonly ProbeEvent[], rel: (t: number) => number): Array<Segment<MemberRole>> {
  const points = [...probes].sort((a, b) => a.t - b.t).map((p) => ({ at: rel(p.t), state: probeRole(p) }));
  const last = points.at(-1);
  const prev = points.at(-2);
  const interval = last !== undefined && prev !== undefined ? last.at - prev.at : 100;
  return segments(points, last === undefined ? 0 : last.at + interval);
}

/** Merges consecutive points of the same state into segments ending at the next change (or `end`). */
export function segments<S extends string>(points: ReadonlyArray<{ at: number; state: S }>, end: number): Array<Segment<S>> {
  const out: Array<Segment<S>> = [];
  for (const p of [...points].sort((a, b) => a.at - b.at)) {
    const cur = out.at(-1);
    if (cur !== undefined && cur.state === p.state) continue;
    if (cur !== undefined) cur.to = p.at;
    out.push({ from: p.at, to: end, state: p.state });
  }
  return out.filter((s) => s.to > s.from);
}
