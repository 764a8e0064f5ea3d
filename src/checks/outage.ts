import type { FaultEvent, WriteEvent } from '../history/events.js';
import { type Events, writesByEnd } from '../history/history.js';
import { heals } from './timeline.js';

/**
 * While a fault is in force: from its injection to its heal, or to the next
 * fault's injection when that comes first, or to the end of the history.
 * A heal that failed leaves the fault in force.
 */
export interface FaultWindow {
  fault: FaultEvent;
  until: number;
  /** The next fault was injected while this one was still in force. */
  overlapped: boolean;
  /**
   * Where this fault's window joins earlier ones, each ended by the next
   * injection: the injection of the first of them. A stretch without acks
   * that began there is still open at this one's injection only because the
   * faults followed each other; it counts here in full.
   */
  chainFrom: number | undefined;
  /**
   * The fault's aftermath: to the next fault's injection, or the end of the
   * history. A heal does not end what the fault set going: Patroni may
   * demote the old primary, or HAProxy mark it down, after the heal, and the
   * leader that then takes over is still the one this fault left.
   */
  aftermath: number;
}

export function faultWindows(events: Events, faults: readonly FaultEvent[]): FaultWindow[] {
  const cures = heals(events).filter((h) => h.error === undefined);
  const windows: FaultWindow[] = [];
  for (const [i, fault] of faults.entries()) {
    const healedAt = cures.find((h) => h.id === fault.id && h.t >= fault.t)?.t ?? Infinity;
    const nextAt = faults[i + 1]?.t ?? Infinity;
    const previous = windows[i - 1];
    const chainFrom = previous?.overlapped === true ? (previous.chainFrom ?? previous.fault.t) : undefined;
    windows.push({ fault, until: Math.min(healedAt, nextAt), overlapped: nextAt < healedAt, chainFrom, aftermath: nextAt });
  }
  return windows;
}

/** What the workload's acknowledgements say about one fault. */
export interface WriteOutage {
  fault: FaultEvent;
  /**
   * End of the first ok write that started once the fault was in force and
   * was acknowledged by the node, on the timeline, of the last ok write
   * started in the fault's aftermath (when that differs from the last ok
   * write before the injection: the old primary's stale acks are not a
   * recovery, even when they go on past the heal); undefined when none.
   */
  recoveredAt: number | undefined;
  /** The longest stretch without an acknowledged write that this fault answers for; 0 when none. */
  longestGapMs: number;
  /**
   * Start of a stretch without acks that began while the fault was in force
   * (or after its heal with no later fault to answer for it) and never
   * ended, though writes were tried.
   */
  neverAckedSince: number | undefined;
}

/** Who acknowledged a write; undefined when the workload could not tell. */
function ackedBy(w: WriteEvent): string | undefined {
  return w.node === undefined || w.timeline === undefined ? undefined : `${w.node} on timeline ${w.timeline}`;
}

class OutageTracker {
  #before: string | undefined;
  #last: string | undefined;
  #firstAny: number | undefined;
  readonly #firstBy = new Map<string, number>();
  #gap = 0;
  /** The longest stretch without acks that began after the heal, in the aftermath. */
  #afterHeal = 0;
  /** `#afterHeal` as it stood when the current run of acks by `#last` began: the stretches before its takeover. */
  #beforeTakeover = 0;
  readonly #inForce: number;

  constructor(readonly window: FaultWindow) {
    this.#inForce = Math.max(window.fault.t, window.fault.end ?? window.fault.t);
  }

  /** One ok write, in order of acknowledgement, `by` whom; `previous` is the end of the ok write before it. */
  ack(w: WriteEvent, by: string | undefined, previous: number): void {
    const { fault, until, aftermath } = this.window;
    if (w.end < fault.t) this.#before = by;
    this.#gap = Math.max(this.#gap, this.#gapLength(previous, w.end));
    if (previous >= until && previous < aftermath) this.#afterHeal = Math.max(this.#afterHeal, w.end - previous);
    if (w.start >= this.#inForce) {
      this.#firstAny ??= w.end;
      if (by !== undefined && !this.#firstBy.has(by)) this.#firstBy.set(by, w.end);
      // An anonymous ack neither starts nor ends a run: the workload could not say whose it was.
      if (w.start < aftermath && by !== undefined && by !== this.#last) {
        this.#last = by;
        this.#beforeTakeover = this.#afterHeal;
      }
    }
  }

  /** The part of the stretch (from, to) without acks that this fault answers for. */
  #gapLength(from: number, to: number): number {
    const { fault, until, overlapped, chainFrom } = this.window;
    if (to < fault.t) return 0;
    if (from >= fault.t) {
      if (from >= until) return 0;
      // Still open when the next fault came: that fault's, whole (see chainFrom).
      return overlapped && to > until ? 0 : to - from;
    }
    return chainFrom !== undefined && from >= chainFrom ? to - from : to - fault.t;
  }

  /** `lastAck`: the end of the history's last ok write; `triedAfter`: a write started after it. */
  result(lastAck: number | undefined, triedAfter: boolean): WriteOutage {
    const { fault, until, overlapped, aftermath } = this.window;
    const moved = this.#last !== undefined && this.#last !== this.#before;
    // Stopped in force (not handed to the next fault), or after the heal with no later fault to answer for it.
    const stopped = lastAck !== undefined && lastAck >= fault.t && (lastAck < until ? !overlapped : aftermath === Infinity);
    return {
      fault,
      recoveredAt: moved ? this.#firstBy.get(this.#last ?? '') : this.#firstAny,
      // After the heal, only what came before the leader the fault left took over for good is
      // this fault's: a hiccup once it leads, or on a leader that never moved, is not.
      longestGapMs: moved ? Math.max(this.#gap, this.#beforeTakeover) : this.#gap,
      neverAckedSince: triedAfter && stopped ? lastAck : undefined,
    };
  }
}

/**
 * Each fault's write outage, in one pass over the writes (a run's are read
 * back from disk). A stretch without acks counts in full for the fault in
 * force when it began, even past its heal: a 42 s outage that began with a
 * partition healed after 20 s is the partition's. One still open at the
 * next fault's injection, this one not healed, is the next one's in full:
 * a replica killed a minute before the primary does not answer for the
 * primary's failover, and two faults in a row cannot split an outage into
 * halves that each pass. One that began after the heal is the fault's
 * when a new leader it left took over at its end (see `aftermath`).
 */
export function writeOutages(events: Events, faults: readonly FaultEvent[]): WriteOutage[] {
  const trackers = faultWindows(events, faults).map((w) => new OutageTracker(w));
  let lastAck: number | undefined;
  let lastStart = -Infinity;
  for (const w of writesByEnd(events)) {
    lastStart = Math.max(lastStart, w.start);
    if (w.outcome !== 'ok') continue;
    const by = ackedBy(w);
    for (const t of trackers) t.ack(w, by, lastAck ?? -Infinity);
    lastAck = w.end;
  }
  const triedAfter = lastAck !== undefined && lastStart > lastAck;
  return trackers.map((t) => t.result(lastAck, triedAfter));
}
