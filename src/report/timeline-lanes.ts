import type { FaultEvent, HistoryEvent, ProbeEvent, WriteEvent } from '../history/events.js';
import { type MemberRole, probeRole } from './probe-state.js';

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

/** What timeline.html draws, computed apart from the drawing so it can be tested. */
export interface Lanes {
  durationMs: number;
  members: Array<{ name: string; segments: Array<Segment<MemberRole>> }>;
  /** State is the leader's name, or '' when no member held the key. */
  dcs: Segment[];
  faults: FaultMarker[];
  writes: { bucketMs: number; ok: number[]; bad: number[] };
}

export const BUCKET_MS = 250;
/** Past this many buckets the strip is sub-pixel anyway; buckets widen instead. */
const MAX_BUCKETS = 4800;

export function buildLanes(events: readonly HistoryEvent[], start: number, end: number): Lanes {
  const rel = (t: number): number => t - start;
  const lastEvent = events.reduce((m, e) => Math.max(m, rel(e.kind === 'write' ? e.end : e.t)), 0);
  const durationMs = Math.max(end - start, lastEvent, 1);
  const probes = events.filter((e): e is ProbeEvent => e.kind === 'probe');
  const names = [...new Set(probes.map((p) => p.member))].sort();
  const members = names.map((name) => ({ name, segments: memberSegments(probes.filter((p) => p.member === name), rel) }));
  const dcs = segments(
    events.flatMap((e) => (e.kind === 'dcs' ? [{ at: rel(e.t), state: e.leader ?? '' }] : [])),
    durationMs,
  );
  const faults = events
    .filter((e): e is FaultEvent => e.kind === 'fault')
    .map((f) => ({ at: rel(f.t), phase: f.phase, id: f.id, action: f.action, resolved: f.resolved }))
    .sort((a, b) => a.at - b.at);
  return { durationMs, members, dcs, faults, writes: writeBuckets(events.filter((e): e is WriteEvent => e.kind === 'write'), rel, durationMs) };
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

function writeBuckets(writes: readonly WriteEvent[], rel: (t: number) => number, durationMs: number): Lanes['writes'] {
  const bucketMs = Math.max(BUCKET_MS, Math.ceil(durationMs / MAX_BUCKETS / BUCKET_MS) * BUCKET_MS);
  const n = Math.ceil(durationMs / bucketMs);
  const ok = new Array<number>(n).fill(0);
  const bad = new Array<number>(n).fill(0);
  for (const w of writes) {
    const i = Math.min(n - 1, Math.max(0, Math.floor(rel(w.end) / bucketMs)));
    const target = w.outcome === 'ok' ? ok : bad;
    target[i] = (target[i] ?? 0) + 1;
  }
  return { bucketMs, ok, bad };
}
