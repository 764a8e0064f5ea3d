import type { Outcome, WriteEvent } from '../history/events.js';
import { type Events, ofKind, writesOf } from '../history/history.js';
import type { WriteSource } from '../history/write-log.js';
import type { Scenario } from '../scenario/types.js';
import type { CheckOutput } from './checker.js';
import { byTime } from './timeline.js';

const SAMPLE_CAP = 20;

const sample = (keys: number[]): number[] => [...keys].sort((a, b) => a - b).slice(0, SAMPLE_CAP);

const RANK: Record<Outcome, number> = { ok: 2, info: 1, fail: 0 };

/** The keys, sorted, for binary search: a run's million keys in 8 bytes each rather than a Set's 30-odd. */
function sortedKeys<T>(items: Iterable<T>, size: number, key: (item: T) => number): Float64Array {
  const all = new Float64Array(size);
  let n = 0;
  for (const item of items) all[n++] = key(item);
  return all.subarray(0, n).sort();
}

/** A sorted list without its repeats (in place), and the keys that were repeated. */
function distinct(sorted: Float64Array): { keys: Float64Array; repeated: Set<number> } {
  const repeated = new Set<number>();
  let n = 0;
  for (let i = 0; i < sorted.length; i++) {
    const k = sorted[i] ?? NaN;
    if (i > 0 && k === sorted[i - 1]) repeated.add(k);
    else sorted[n++] = k;
  }
  return { keys: sorted.subarray(0, n), repeated };
}

function has(sorted: Float64Array, key: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const k = sorted[mid] ?? NaN;
    if (k === key) return true;
    if (k < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * One outcome per key, each write visited once. Keys are unique per
 * operation, but should a key be recorded twice, `ok` wins over `info`
 * over `fail`: the strongest claim the client made is the one the final
 * state is held to.
 */
function* outcomesByKey(writes: WriteSource, repeated: ReadonlySet<number>): Generator<WriteEvent> {
  const strongest = new Map<number, WriteEvent>();
  for (const w of writes) {
    if (!repeated.has(w.key)) {
      yield w;
      continue;
    }
    const seen = strongest.get(w.key);
    if (seen === undefined || RANK[w.outcome] > RANK[seen.outcome]) strongest.set(w.key, w);
  }
  yield* strongest.values();
}

/** What the last final read makes of every write; undefined without a final read. */
export interface FinalState {
  /** Acknowledged writes absent from the final state. */
  lost: WriteEvent[];
  recovered: number[];
  ghost: number[];
  unexpected: number[];
}

/**
 * The writes against the last final read, each write visited once (the
 * write log streams from disk): the set check's evidence, and what a known
 * finding scoped to a fault attributes (attribution.ts).
 */
export function finalState(events: Events): FinalState | undefined {
  const read = byTime(ofKind(events, 'final-read')).at(-1);
  if (read === undefined) return undefined;
  const present = distinct(sortedKeys(read.keys, read.keys.length, (k) => k)).keys;
  const writes = writesOf(events);
  const written = distinct(sortedKeys(writes, writes.size, (w) => w.key));
  const lost: WriteEvent[] = [];
  const recovered: number[] = [];
  const ghost: number[] = [];
  for (const w of outcomesByKey(writes, written.repeated)) {
    if (w.outcome === 'ok' && !has(present, w.key)) lost.push(w);
    if (w.outcome === 'info' && has(present, w.key)) recovered.push(w.key);
    if (w.outcome === 'fail' && has(present, w.key)) ghost.push(w.key);
  }
  const unexpected: number[] = [];
  for (const k of present) if (!has(written.keys, k)) unexpected.push(k);
  return { lost, recovered, ghost, unexpected };
}

/**
 * Jepsen's set checker against the last final read. Invalid when an
 * acknowledged write is lost or a key nobody wrote appears; ghosts (failed
 * writes that are present) are a client misclassification, reported but not
 * an invariant of the database, as in Jepsen. Without a final read (no
 * leader to read from, or the run was cut short) the check cannot decide:
 * 'unknown', every set metric null.
 *
 * rpo_ms is the span of time whose acknowledged writes were lost: from the
 * start of the earliest lost write to the acknowledgement of the latest.
 * It depends on no fault, so writes lost after a fault (a cut-off primary
 * that kept acknowledging) count as much as writes lost before it, and it
 * is never 0 when a write was lost.
 */
export function checkSet(_scenario: Scenario, events: Events): CheckOutput {
  const state = finalState(events);
  if (state === undefined) return { metrics: {}, valid: 'unknown', error: 'no final-read event: the final state was never read on a leader' };
  const { lost, recovered, ghost, unexpected } = state;
  const from = lost.reduce((m, w) => Math.min(m, w.start), Infinity);
  const to = lost.reduce((m, w) => Math.max(m, w.end), -Infinity);
  // At least 1 ms: a loss must never read as "RPO 0", even for a hand-made zero-length write.
  const rpo = lost.length === 0 ? 0 : Math.max(1, to - from);
  const lostKeys = lost.map((w) => w.key);
  const problems = [
    lost.length > 0 ? `${lost.length} acknowledged writes lost over ${Math.round(rpo)} ms (e.g. keys ${sample(lostKeys).join(', ')})` : '',
    unexpected.length > 0 ? `${unexpected.length} keys present that were never written (e.g. ${sample(unexpected).join(', ')})` : '',
    ghost.length > 0 ? `${ghost.length} writes reported failed are present (e.g. ${sample(ghost).join(', ')})` : '',
  ].filter((p) => p !== '');
  const valid = lost.length === 0 && unexpected.length === 0;
  return {
    metrics: {
      lost_writes: lost.length,
      rpo_ms: rpo,
      unexpected_writes: unexpected.length,
      recovered_writes: recovered.length,
      ghost_writes: ghost.length,
      samples: { lost: sample(lostKeys), unexpected: sample(unexpected), recovered: sample(recovered), ghost: sample(ghost) },
    },
    valid,
    // `error` explains an invalid result; ghosts alone leave the check valid and show in the metrics.
    ...(valid ? {} : { error: problems.join('; ') }),
  };
}
