import type { FaultEvent, HistoryEvent, WriteEvent } from '../history/events.js';
import { ofKind } from '../history/history.js';

/** A write is placed at its acknowledgement; everything else at `t`. */
export function eventTime(e: HistoryEvent): number {
  return e.kind === 'write' ? e.end : e.t;
}

/** Latest timestamp in the history, or undefined for an empty one. */
export function historyEnd(events: readonly HistoryEvent[]): number | undefined {
  let end: number | undefined;
  for (const e of events) {
    const t = eventTime(e);
    if (end === undefined || t > end) end = t;
  }
  return end;
}

/**
 * Sorted by time; the sort is stable, so events with the same timestamp
 * keep history order (the order they were appended in).
 */
export function byTime<T extends { t: number }>(events: readonly T[]): T[] {
  return [...events].sort((a, b) => a.t - b.t);
}

export function injects(events: readonly HistoryEvent[]): FaultEvent[] {
  return byTime(ofKind(events, 'fault').filter((f) => f.phase === 'inject'));
}

export function heals(events: readonly HistoryEvent[]): FaultEvent[] {
  return byTime(ofKind(events, 'fault').filter((f) => f.phase === 'heal'));
}

export function firstInject(events: readonly HistoryEvent[]): FaultEvent | undefined {
  return injects(events)[0];
}

/** Ok writes in acknowledgement order. */
export function okWrites(events: readonly HistoryEvent[]): WriteEvent[] {
  return ofKind(events, 'write')
    .filter((w) => w.outcome === 'ok')
    .sort((a, b) => a.end - b.end);
}

/**
 * The fault window, for latency: from the first inject to the last heal.
 * It stays open (end undefined) while any inject lacks a heal with its id,
 * since the cluster is still faulted then, whatever later heals say.
 */
export function faultWindow(events: readonly HistoryEvent[]): { start: number; end: number | undefined } | undefined {
  const ins = injects(events);
  const first = ins[0];
  if (first === undefined) return undefined;
  const hs = heals(events);
  const healed = new Set(hs.map((h) => h.id));
  const allHealed = ins.every((i) => healed.has(i.id));
  return { start: first.t, end: allHealed ? hs.at(-1)?.t : undefined };
}
