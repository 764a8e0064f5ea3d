import type { HistoryEvent, WriteEvent } from '../history/events.js';
import { ofKind } from '../history/history.js';

/** Two acknowledged writes that prove two primaries at once. */
export interface ConflictingAcks {
  a: WriteEvent;
  b: WriteEvent;
}

const attributed = (w: WriteEvent): w is WriteEvent & { node: string; timeline: number } =>
  w.outcome === 'ok' && w.node !== undefined && w.timeline !== undefined;

/**
 * Ok writes acknowledged by different members on different timelines whose
 * [start, end] intervals overlap (closed: touching counts, since both were
 * in flight at that instant). Writes lacking node or timeline cannot be
 * attributed and are skipped. One witness pair per pair of members.
 *
 * Sorted by start, a write can only overlap writes still in flight when it
 * starts, so the scan keeps just those: linear in writes times concurrency.
 */
export function conflictingAcks(events: readonly HistoryEvent[]): ConflictingAcks[] {
  const writes = ofKind(events, 'write').filter(attributed).sort((x, y) => x.start - y.start);
  const found = new Map<string, ConflictingAcks>();
  let inFlight: typeof writes = [];
  for (const w of writes) {
    inFlight = inFlight.filter((o) => o.end >= w.start);
    for (const o of inFlight) {
      if (o.node === w.node || o.timeline === w.timeline) continue;
      const pair = [o.node, w.node].sort().join('|');
      if (!found.has(pair)) found.set(pair, { a: o, b: w });
    }
    inFlight.push(w);
  }
  return [...found.values()];
}

export function describeConflict({ a, b }: ConflictingAcks): string {
  return `ok writes acknowledged by ${a.node} (timeline ${a.timeline}, key ${a.key}) and ${b.node} (timeline ${b.timeline}, key ${b.key}) overlap in time`;
}
