import type { WriteEvent } from '../history/events.js';
import { type Events, writesOf } from '../history/history.js';
import { formatDuration } from '../format.js';

/**
 * Two acknowledged writes that prove two primaries: `newer` was
 * acknowledged on a later timeline before `stale` even started, and yet
 * `stale` was acknowledged on an older one.
 */
export interface ConflictingAcks {
  newer: WriteEvent;
  stale: WriteEvent;
}

export type Attributed = WriteEvent & { node: string; timeline: number };

/** Timeline 0 is what a connection reports when it could not read its timeline: unattributable. */
export const attributed = (w: WriteEvent): w is Attributed =>
  w.outcome === 'ok' && w.node !== undefined && w.timeline !== undefined && w.timeline > 0;

/**
 * Split-brain evidence from the workload alone, by real-time order: a write
 * acknowledged on timeline T that started after some write on a timeline
 * newer than T had been acknowledged. Once a newer timeline has committed,
 * an old-timeline primary accepting a new transaction is a second primary.
 * Writes that merely overlap in time are no evidence: a slow
 * acknowledgement from the old primary can overlap a fast one from the new
 * primary after a perfectly clean switchover, since both were sent before
 * either answered. One witness per pair of (stale node, newer node).
 */
export function conflictingAcks(events: Events): ConflictingAcks[] {
  // The first acknowledgement on each timeline.
  const firstAck = new Map<number, Attributed>();
  for (const w of writesOf(events)) {
    if (!attributed(w)) continue;
    const seen = firstAck.get(w.timeline);
    if (seen === undefined || w.end < seen.end) firstAck.set(w.timeline, w);
  }
  // Per pair, the stale write that started first is the witness.
  const found = new Map<string, ConflictingAcks>();
  for (const stale of writesOf(events)) {
    if (!attributed(stale)) continue;
    for (const [timeline, newer] of firstAck) {
      if (timeline <= stale.timeline || newer.end >= stale.start) continue;
      const pair = `${stale.node}|${newer.node}`;
      const seen = found.get(pair);
      if (seen === undefined || stale.start < seen.stale.start) found.set(pair, { newer, stale });
    }
  }
  return [...found.values()].sort((a, b) => a.stale.start - b.stale.start);
}

export function describeConflict({ newer, stale }: ConflictingAcks): string {
  return `${stale.node} acknowledged key ${stale.key} on timeline ${stale.timeline}, a write started ${formatDuration(stale.start - newer.end)} after ${newer.node} had acknowledged key ${newer.key} on timeline ${newer.timeline}`;
}
