import { build } from 'hdr-histogram-js';
import type { Events } from '../history/history.js';
import type { Scenario } from '../scenario/types.js';
import type { CheckOutput } from './checker.js';
import type { LatencySummary } from './metrics.js';
import { faultWindow, okWrites } from './timeline.js';

/** Recorded in microseconds, 1 µs .. 60 s, 3 significant digits. */
const LOWEST_US = 1;
const HIGHEST_US = 60_000_000;

const toMs = (us: number): number => Math.round(us / 10) / 100;

/**
 * Percentiles from an HDR histogram, recorded one duration at a time (a long
 * run's million latencies are never held as a list). A duration beyond 60 s
 * is recorded as 60 s rather than thrown away (a write's timeout is normally
 * far below); max_ms is the exact maximum, not the histogram's bucket of it.
 */
export class LatencyRecorder {
  // Pure JS packed buckets: no WebAssembly to initialise in Node, compact for sparse data.
  readonly #h = build({
    bitBucketSize: 'packed',
    useWebAssembly: false,
    autoResize: false,
    lowestDiscernibleValue: LOWEST_US,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
  });
  #count = 0;
  #max = 0;

  record(ms: number): void {
    const us = Math.round(ms * 1000);
    this.#h.recordValue(Math.min(Math.max(us, 0), HIGHEST_US));
    this.#max = Math.max(this.#max, us);
    this.#count += 1;
  }

  summary(): LatencySummary {
    if (this.#count === 0) return { count: 0, p50_ms: null, p95_ms: null, p99_ms: null, max_ms: null };
    return {
      count: this.#count,
      p50_ms: toMs(this.#h.getValueAtPercentile(50)),
      p95_ms: toMs(this.#h.getValueAtPercentile(95)),
      p99_ms: toMs(this.#h.getValueAtPercentile(99)),
      max_ms: toMs(this.#max),
    };
  }
}

export function summarize(durationsMs: readonly number[]): LatencySummary {
  const r = new LatencyRecorder();
  for (const ms of durationsMs) r.record(ms);
  return r.summary();
}

/**
 * Ok-write latency by start time: before the first inject, during the fault
 * window (to the last heal, or the end while a fault is unhealed), after.
 * Without a fault every write is "before".
 */
export function checkLatency(_scenario: Scenario, events: Events): CheckOutput {
  const window = faultWindow(events);
  const before = new LatencyRecorder();
  const during = new LatencyRecorder();
  const after = new LatencyRecorder();
  for (const w of okWrites(events)) {
    const bucket =
      window === undefined || w.start < window.start ? before : window.end === undefined || w.start < window.end ? during : after;
    bucket.record(w.end - w.start);
  }
  return { metrics: { latency: { before: before.summary(), during: during.summary(), after: after.summary() } }, valid: true };
}
