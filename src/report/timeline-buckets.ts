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

/**
 * Buckets the writes of a run lasting `durationMs`; `rel` turns epoch ms into
 * ms from the run start. Pure. The writes must come in order of `end`
 * (writesByEnd): they then fill the buckets one after another, and only one
 * bucket's latencies are held at a time. Another order is refused, since a
 * bucket already summed up could not take a late write.
 */
export function writeBuckets(writes: Iterable<WriteEvent>, rel: (t: number) => number, durationMs: number): WriteBuckets {
  const bucketMs = Math.max(BUCKET_MS, Math.ceil(durationMs / MAX_BUCKETS / BUCKET_MS) * BUCKET_MS);
  const n = Math.ceil(durationMs / bucketMs);
  const counts = { ok: new Array<number>(n).fill(0), fail: new Array<number>(n).fill(0), info: new Array<number>(n).fill(0) };
  const p50 = new Array<number | null>(n).fill(null);
  const max = new Array<number | null>(n).fill(null);
  // In order of end, the bucket index never goes back: one bucket's latencies are open at a time.
  let current = -1;
  let latencies: number[] = [];
  const close = (): void => {
    if (latencies.length === 0) return;
    latencies.sort((a, b) => a - b);
    // Nearest rank, as the SLA statistics are: a median that was actually observed.
    p50[current] = latencies[Math.ceil(latencies.length / 2) - 1] ?? null;
    max[current] = latencies.at(-1) ?? null;
    latencies = [];
  };
  let lastEnd = -Infinity;
  for (const w of writes) {
    if (w.end < lastEnd) throw new Error(`writeBuckets: write ${w.key} ends at ${w.end}, before the previous one (${lastEnd}): the writes must come in order of end`);
    lastEnd = w.end;
    const i = Math.min(n - 1, Math.max(0, Math.floor(rel(w.end) / bucketMs)));
    counts[w.outcome][i] = (counts[w.outcome][i] ?? 0) + 1;
    if (i !== current) {
      close();
      current = i;
    }
    if (w.outcome === 'ok') latencies.push(w.end - w.start);
  }
  close();
  return { bucketMs, ...counts, latency: { p50, max } };
}
