import type { LatencySummary, Metrics } from './metrics.js';
import { METRICS, type MetricName } from '../sla/types.js';

const noLatency = (): LatencySummary => ({ count: 0, p50_ms: null, p95_ms: null, p99_ms: null, max_ms: null });

/** Metrics before any check ran: every scalar null, so what no check measured reads as unmeasured. */
export function emptyMetrics(): Metrics {
  const scalars = Object.fromEntries(METRICS.map((m) => [m, null])) as Record<MetricName, null>;
  return {
    ...scalars,
    writes: { ok: 0, fail: 0, info: 0, attempted: 0 },
    faults: [],
    latency: { before: noLatency(), during: noLatency(), after: noLatency() },
    samples: { lost: [], unexpected: [], recovered: [], ghost: [] },
  };
}
