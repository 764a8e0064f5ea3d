import type { FaultEvent, HistoryEvent, WriteEvent } from '../history/events.js';
import { type Events, isView, ofKind, writesByEnd, writesOf } from '../history/history.js';

/** A write is placed at its acknowledgement; everything else at `t`. */
export function eventTime(e: HistoryEvent): number {
  return e.kind === 'write' ? e.end : e.t;
}

/** Latest timestamp in the history, or undefined for an empty one. */
export function historyEnd(events: Events): number | undefined {
  let end: number | undefined;
  const later = (t: number): void => {
    if (end === undefined || t > end) end = t;
  };
  for (const e of isView(events) ? events.others : events) later(eventTime(e));
  if (isView(events)) for (const w of events.writes) later(w.end);
  return end;
}

/**
 * Sorted by time; the sort is stable, so events with the same timestamp
 * keep history order (the order they were appended in).
 */
export function byTime<T extends { t: number }>(events: readonly T[]): T[] {
  return [...events].sort((a, b) => a.t - b.t);
}

export function injects(events: Events): FaultEvent[] {
  return byTime(ofKind(events, 'fault').filter((f) => f.phase === 'inject'));
}

export function heals(events: Events): FaultEvent[] {
  return byTime(ofKind(events, 'fault').filter((f) => f.phase === 'heal'));
}

export function firstInject(events: Events): FaultEvent | undefined {
  return injects(events)[0];
}

/** Ok writes in acknowledgement order, one at a time: a run's writes are read back from disk. */
export function* okWrites(events: Events): Generator<WriteEvent> {
  for (const w of writesByEnd(events)) if (w.outcome === 'ok') yield w;
}

/** Earliest start and latest end over all writes, or undefined without any. */
export function writeSpan(events: Events): { start: number; end: number } | undefined {
  let start = Infinity;
  let end = -Infinity;
  for (const w of writesOf(events)) {
    start = Math.min(start, w.start);
    end = Math.max(end, w.end);
  }
  return start === Infinity ? undefined : { start, end };
}

/**
 * The fault window, for latency: from the first inject to the last heal.
 * It stays open (end undefined) while any inject lacks a heal with its id,
 * since the cluster is still faulted then, whatever later heals say.
 */
export function faultWindow(events: Events): { start: number; end: number | undefined } | undefined {
  const ins = injects(events);
  const first = ins[0];
  if (first === undefined) return undefined;
  const hs = heals(events);
  const healed = new Set(hs.map((h) => h.id));
  const allHealed = ins.every((i) => healed.has(i.id));
  return { start: first.t, end: allHealed ? hs.at(-1)?.t : undefined };
}
