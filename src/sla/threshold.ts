import type { Comparator, MetricName, SlaRequirement } from './types.js';
import { METRICS } from './types.js';
import { isDurationUnit, toMs } from '../duration.js';

const THRESHOLD = /^(<=|>=|==|!=|<|>)\s*(\d+(?:\.\d+)?|\.\d+)\s*([A-Za-z]*)$/;

export const THRESHOLD_HINT = 'expected a threshold like "< 30s" or "== 0" (one of <, <=, ==, !=, >=, > then a number)';

/** Metrics measured in milliseconds take a duration unit; the others are counts. */
export function isDurationMetric(metric: MetricName): boolean {
  return metric.endsWith('_ms');
}

/** PostgreSQL's units (1 kB = 1024 bytes), as maximum_lag_on_failover 1048576 is "1 MB" in 001. */
const BYTE_UNITS: Record<string, number> = { B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

function isByteMetric(metric: MetricName): boolean {
  return metric.endsWith('_bytes');
}

/** `rto` and `rto_ms` name the same metric: users write the short form, reports use the long one. */
export function metricFromKey(key: string): MetricName | undefined {
  return METRICS.find((m) => m === key || m === `${key}_ms`);
}

export const METRIC_KEYS_HINT = `expected one of ${METRICS.map((m) => m.replace(/_ms$/, '')).join(', ')} (with or without _ms)`;

/** "< 30s" for rto_ms → { op: '<', value: 30000 }; a message when the text cannot mean that. */
export function parseThreshold(metric: MetricName, text: string, source?: string): SlaRequirement | { error: string } {
  const threshold = text.trim();
  const match = THRESHOLD.exec(threshold);
  if (match === null) return { error: THRESHOLD_HINT };
  const [, op = '', amount = '', unit = ''] = match;
  if (!isComparator(op)) return { error: THRESHOLD_HINT };
  let value = Number(amount);
  if (unit !== '' && isByteMetric(metric)) {
    const factor = BYTE_UNITS[unit];
    if (factor === undefined) return { error: `unknown unit "${unit}"; expected B, kB, MB or GB (1 kB = 1024 bytes)` };
    value *= factor;
  } else if (unit !== '') {
    if (!isDurationMetric(metric)) return { error: `expected a plain number: ${metric} is a count, "${unit}" is not a unit for it` };
    if (!isDurationUnit(unit)) return { error: `unknown unit "${unit}"; expected ms, s, m or h` };
    value = toMs(value, unit);
  }
  return source === undefined ? { metric, op, value, threshold } : { metric, op, value, threshold, source };
}

function isComparator(text: string): text is Comparator {
  return ['<', '<=', '==', '!=', '>=', '>'].includes(text);
}
