import type { HistoryEvent, ProbeEvent } from '../history/events.js';
import { ofKind, type Events } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import { byTime, historyEnd } from './timeline.js';

/** A probe's sample stops counting after this many probe intervals without a newer one. */
export const SAMPLE_VALIDITY_INTERVALS = 5;

/**
 * A real write probe is the strongest evidence, so when it was made it
 * decides alone; otherwise PostgreSQL's own view. A view that could not be
 * read is unknown and never counts as writable.
 */
export function isWritable(p: ProbeEvent): boolean {
  return p.writable !== undefined ? p.writable : p.inRecovery === false;
}

export interface WritableSpan {
  member: string;
  from: number;
  to: number;
}

/**
 * The spans in which each member was seen writable: a probe's state holds
 * until the member's next probe, at most SAMPLE_VALIDITY_INTERVALS probe
 * intervals (a silent member is not assumed writable forever), at most one
 * interval past the moment PostgreSQL answered (a probe held up by its
 * slower REST half does not stretch the sample), and never past the end of
 * the history.
 */
export function writableSpans(scenario: Scenario, events: Events): WritableSpan[] {
  const end = historyEnd(events) ?? 0;
  const cap = SAMPLE_VALIDITY_INTERVALS * scenario.observe.intervalMs;
  const byMember = new Map<string, ProbeEvent[]>();
  for (const p of byTime(ofKind(events, 'probe'))) {
    byMember.set(p.member, [...(byMember.get(p.member) ?? []), p]);
  }
  const spans: WritableSpan[] = [];
  for (const [member, probes] of byMember) {
    probes.forEach((p, i) => {
      const to = Math.min(probes[i + 1]?.t ?? Infinity, p.t + cap, (p.end ?? Infinity) + scenario.observe.intervalMs, end);
      if (isWritable(p) && to > p.t) spans.push({ member, from: p.t, to });
    });
  }
  return spans;
}

export interface Overlap {
  /** Most members writable at one moment. */
  max: number;
  /** Total time with two or more writable. */
  splitBrainMs: number;
  /** Members seen writable together, for the explanation. */
  members: string[];
  /** When two or more were writable, merged where they touch: what a finding scoped to a fault is checked against. */
  intervals: Array<{ from: number; to: number }>;
}

/**
 * Sweep line over the spans. At equal times ends are processed before
 * starts, so a member handing over at the very moment another takes over
 * is not counted as two.
 */
export function sweep(spans: readonly WritableSpan[]): Overlap {
  const edges = spans.flatMap((s) => [
    { t: s.from, d: 1, member: s.member },
    { t: s.to, d: -1, member: s.member },
  ]);
  edges.sort((a, b) => a.t - b.t || a.d - b.d);
  const active = new Map<string, number>();
  const together = new Set<string>();
  let max = 0;
  let splitBrainMs = 0;
  const intervals: Overlap['intervals'] = [];
  let last = edges[0]?.t ?? 0;
  for (const e of edges) {
    const count = [...active.values()].reduce((n, c) => n + (c > 0 ? 1 : 0), 0);
    if (count >= 2) splitBrainMs += e.t - last;
    if (count >= 2 && e.t > last) {
      const prev = intervals.at(-1);
      if (prev?.to === last) prev.to = e.t;
      else intervals.push({ from: last, to: e.t });
    }
    last = e.t;
    active.set(e.member, (active.get(e.member) ?? 0) + e.d);
    const now = [...active].filter(([, c]) => c > 0).map(([m]) => m);
    max = Math.max(max, now.length);
    if (now.length >= 2) now.forEach((m) => together.add(m));
  }
  return { max, splitBrainMs, members: [...together].sort(), intervals };
}
