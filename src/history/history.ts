import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { EventOf, HistoryEvent, WriteEvent } from './events.js';
import { WriteLog, type WriteLogOptions, type WriteSource } from './write-log.js';

/** Every kind of event but the workload's writes: few enough to keep as objects. */
export type OtherEvent = Exclude<HistoryEvent, WriteEvent>;
export type OtherKind = OtherEvent['kind'];

/**
 * A recorded history as the checks and reports read it: the writes apart,
 * to be iterated (they may be on disk), everything else as objects.
 */
export interface HistoryView {
  readonly others: readonly OtherEvent[];
  readonly writes: WriteSource;
}

/** What a check takes: a recorded history, or a hand-made list of events (tests, a history re-read from its file). */
export type Events = readonly HistoryEvent[] | HistoryView;

export const isView = (events: Events): events is HistoryView => !Array.isArray(events);

/** Lines go to the file in batches of this size, or after FLUSH_MS, whichever comes first. */
const BATCH_BYTES = 64 * 1024;
const FLUSH_MS = 100;

/**
 * Append-only history. Writes go to a write log on disk and the other
 * events stay in memory, for the checks; everything goes to a JSON-lines
 * file, so that a run can be re-checked later from its file alone. During
 * the run the file gets the other events, in batches (one fs write per event
 * cost the workload some 60 µs of CPU per write); the writes join them when
 * the history is closed, after the workload has stopped. Turning a write
 * into JSON costs the workload's one thread several µs that the cluster
 * under test would otherwise have (bench/workload-profile.mjs: with it,
 * 0.93 of pgbench's throughput; without, 0.97-0.99). So history.jsonl holds
 * the other events in the order they came, then the writes in the order
 * they completed; the checks order events by their times, not their lines.
 */
export class History implements HistoryView {
  readonly #others: OtherEvent[] = [];
  readonly #writes: WriteLog;
  readonly #out: WriteStream | undefined;
  #pending: string[] = [];
  #pendingBytes = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(file?: string, o: WriteLogOptions = {}) {
    this.#out = file === undefined ? undefined : createWriteStream(file, { flags: 'a' });
    this.#writes = new WriteLog(o);
  }

  append(event: HistoryEvent): void {
    if (event.kind === 'write') {
      this.#writes.append(event);
      return;
    }
    this.#others.push(event);
    if (this.#out === undefined) return;
    this.#queue(`${JSON.stringify(event)}\n`);
    if (this.#pendingBytes >= BATCH_BYTES) this.#flush();
    else this.#timer ??= setTimeout(() => this.#flush(), FLUSH_MS).unref();
  }

  get others(): readonly OtherEvent[] {
    return this.#others;
  }

  get writes(): WriteSource {
    return this.#writes;
  }

  /**
   * Puts the writes' last chunk on disk, appends the writes to the file and
   * ends it; the history stays readable. Once only: later events are not filed.
   */
  async close(): Promise<void> {
    this.#writes.seal();
    const out = this.#out;
    if (out === undefined || out.closed || out.writableEnded) return;
    this.#flush();
    for (const w of this.#writes) {
      this.#queue(`${JSON.stringify(w)}\n`);
      if (this.#pendingBytes < BATCH_BYTES) continue;
      // Backpressure: a million writes are more than memory should hold as text at once.
      if (!this.#flush()) await once(out, 'drain');
    }
    this.#flush();
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }

  #queue(line: string): void {
    this.#pending.push(line);
    this.#pendingBytes += line.length;
  }

  /** Frees the write log's (already unlinked) file: for a caller done with the history before the process ends. */
  dispose(): void {
    this.#writes.dispose();
  }

  /** Writes what is queued; false when the stream asks to wait for 'drain'. */
  #flush(): boolean {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    // A lone line (the final read's million keys) is written as it is, not copied by a join.
    const text = this.#pending.length === 1 ? (this.#pending[0] ?? '') : this.#pending.join('');
    this.#pending = [];
    this.#pendingBytes = 0;
    // Late events (none are expected after close) are not kept waiting for a file that is gone.
    if (this.#out === undefined || this.#out.closed || this.#out.writableEnded || text === '') return true;
    return this.#out.write(text);
  }
}

/** The events of one kind other than writes, in history order. */
export function ofKind<K extends OtherKind>(events: Events, kind: K): EventOf<K>[] {
  const all: readonly HistoryEvent[] = isView(events) ? events.others : events;
  return all.filter((e): e is EventOf<K> => e.kind === kind);
}

/** The writes, to iterate; a hand-made list's are taken out of it. */
export function writesOf(events: Events): WriteSource {
  if (isView(events)) return events.writes;
  const writes = events.filter((e): e is WriteEvent => e.kind === 'write');
  return { size: writes.length, sortedByEnd: writes.every((w, i) => i === 0 || (writes[i - 1]?.end ?? -Infinity) <= w.end), [Symbol.iterator]: () => writes[Symbol.iterator]() };
}

/** The writes in order of acknowledgement; sorted in memory only when they were not appended in that order. */
export function writesByEnd(events: Events): Iterable<WriteEvent> {
  const writes = writesOf(events);
  return writes.sortedByEnd ? writes : [...writes].sort((a, b) => a.end - b.end);
}

/** Every event, writes included, as one list: for small histories (tests, tools), never for a run's. */
export function allEvents(events: Events): HistoryEvent[] {
  return isView(events) ? [...events.others, ...events.writes] : [...events];
}
