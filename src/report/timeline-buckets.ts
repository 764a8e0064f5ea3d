import type { WriteEvent } from '../history/events.js';

export const BUCKET_MS = 250;
/** Past this many buckets the strip is sub-pixel anyway; buckets widen instead. */
const MAX_BUCKETS = 4800;

/**
 * The workload per time bucket: acknowledged writes, the two kinds of
 * errors apart (a `fail` certainly did not happen, an `info` may have), and
 * the latency of the acknowledged ones (median and worst; null where none
 * was acknowledged). Writes are placed at their end, when the outcome became known.
 */
export interface WriteBuckets {
  bucketMs: number;
  ok: number[];
  fail: number[];
  info: number[];
  latency: { p50: Array<number | null>; max: Array<number | null> };
}

/** Buckets the writes of a run lasting `durationMs`; `rel` turns epoch ms into ms from the run start. Pure. */
export function writeBuckets(writes: Iterable<WriteEvent>, rel: (t: number) => number, durationMs: number): WriteBuckets {
  const bucketMs = Math.max(BUCKET_MS, Math.ceil(durationMs / MAX_BUCKETS / BUCKET_MS) * BUCKET_MS);
  const n = Math.ceil(durationMs / bucketMs);
  const counts = { ok: new Array<number>(n).fill(0), fail: new Array<number>(n).fill(0), info: new Array<number>(n).fill(0) };
  const latencies: number[][] = Array.from({ length: n }, () => []);
  for (const w of writes) {
    const i = Math.min(n - 1, Math.max(0, Math.floor(rel(w.end) / bucketMs)));
    counts[w.outcome][i] = (counts[w.outcome][i] ?? 0) + 1;
    if (w.outcome === 'ok') latencies[i]?.push(w.end - w.start);
  }
  const sorted = latencies.map((l) => l.sort((a, b) => a - b));
  return {
    bucketMs,
    ...counts,
    latency: {
      // Nearest rank, as the SLA statistics are: a median that was actually observed.
      p50: sorted.map((l) => (l.length === 0 ? null : (l[Math.ceil(l.length / 2) - 1] ?? null))),
      max: sorted.map((l) => l.at(-1) ?? null),
    },
  };
}
