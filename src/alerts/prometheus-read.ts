/**
 * What the run's Prometheus evaluated, read from its HTTP API: whether every
 * rule group was evaluating (before the first step, and still at the end),
 * and per rule when it was pending and firing, from the raw samples of
 * Prometheus's own ALERTS series (one per evaluation while active). Never
 * throws: what could not be read is said in `why`.
 */
import { request } from 'undici';
import { errorMessage } from '../errors.js';
import type { AlertEvaluationEvent } from '../history/events.js';
import { now } from '../history/clock.js';
import { EVALUATION_INTERVAL_MS } from './prom-config.js';

type Interval = AlertEvaluationEvent['rules'][number]['intervals'][number];

export interface ApiRule { name: string; type?: string; health?: string; lastError?: string; lastEvaluation?: string; labels?: Record<string, string> }
export interface ApiGroup { name: string; file: string; lastEvaluation?: string; rules: ApiRule[] }
export interface ApiTarget { labels?: Record<string, string>; health?: string; lastError?: string }
export interface AlertSeries { metric: Record<string, string>; values: Array<[number, string]> }

/** One reading of the API, as fetched (times: Prometheus's, epoch seconds or RFC 3339). */
export interface ApiReading {
  startTime: string | null;
  groups: ApiGroup[];
  targets: ApiTarget[];
  alerts: AlertSeries[];
  /** `up`'s raw samples over the same range as ALERTS (absent when not asked). */
  up?: AlertSeries[];
  /** Per selector of the rules, `count by (instance)` of it at every evaluation interval over that range (absent when not asked). */
  inputs?: Array<{ selector: string; series: AlertSeries[] }>;
}

const TIMEOUT_MS = 5000;

async function api<T>(base: string, path: string): Promise<T> {
  const res = await request(`${base.replace(/\/+$/, '')}${path}`, { headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS, signal: AbortSignal.timeout(TIMEOUT_MS) });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${path}: HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
  const body = JSON.parse(text) as { status?: string; data?: T; error?: string };
  if (body.status !== 'success' || body.data === undefined) throw new Error(`${path}: ${body.error ?? 'no data'}`);
  return body.data;
}

/**
 * The rule groups, targets and start time; `alertsSinceMs`: also, since then (epoch ms, wall clock), ALERTS' and
 * `up`'s raw samples and whether each of `selectors` matched series, instance by instance, at every interval.
 */
export async function readApi(base: string, alertsSinceMs?: number, selectors: readonly string[] = []): Promise<ApiReading> {
  const [runtime, rules, targets] = await Promise.all([
    api<{ startTime?: string }>(base, '/api/v1/status/runtimeinfo'),
    api<{ groups: ApiGroup[] }>(base, '/api/v1/rules?type=alert'),
    api<{ activeTargets: ApiTarget[] }>(base, '/api/v1/targets?state=active'),
  ]);
  const reading: ApiReading = { startTime: runtime.startTime ?? null, groups: rules.groups, targets: targets.activeTargets, alerts: [] };
  if (alertsSinceMs === undefined) return reading;
  const at = Date.now() / 1000;
  const range = Math.max(1, Math.ceil(at - alertsSinceMs / 1000) + 1);
  const matrix = async (query: string): Promise<AlertSeries[]> => {
    const q = await api<{ resultType: string; result: AlertSeries[] }>(base, `/api/v1/query?query=${encodeURIComponent(query)}&time=${at}`);
    return q.resultType === 'matrix' ? q.result : [];
  };
  reading.alerts = await matrix(`ALERTS[${range}s]`);
  // What only a never-fires line needs: when it cannot be read, those lines say so (unknown), the others stand.
  // One query at a time: a long run's subqueries on a busy machine must not time each other out.
  try {
    reading.up = await matrix(`up[${range}s]`);
    const inputs: NonNullable<ApiReading['inputs']> = [];
    for (const selector of new Set(selectors)) {
      // A subquery at the evaluation interval: the instants a rule over the selector had series to evaluate.
      inputs.push({ selector, series: await matrix(`(count by (instance) (${selector}))[${range}s:${EVALUATION_INTERVAL_MS}ms]`) });
    }
    reading.inputs = inputs;
  } catch {
    delete reading.up;
  }
  return reading;
}

/**
 * The stretches of [from, to] without any of `timesMs`, where consecutive times
 * more than 2.5 intervals apart (one late or failed scrape is not a gap) or the
 * window's edges that far from the nearest time leave one.
 */
export function gaps(timesMs: readonly number[], from: number, to: number, intervalMs = EVALUATION_INTERVAL_MS): Array<{ from: number; to: number }> {
  const inside = [...timesMs].filter((t) => t >= from && t <= to).sort((a, b) => a - b);
  const out: Array<{ from: number; to: number }> = [];
  let last = from;
  for (const t of [...inside, to]) {
    if (t - last > intervalMs * 2.5) out.push({ from: last, to: t });
    last = t;
  }
  return out;
}

const epochMs = (iso: string | undefined): number | null => {
  if (iso === undefined) return null;
  const ms = Date.parse(iso);
  // Go's zero time ("0001-01-01T00:00:00Z") is what Prometheus says of a group never evaluated.
  return Number.isFinite(ms) && ms > 0 ? ms : null;
};

/** The oldest of the groups' last evaluations (epoch ms, Prometheus's clock): when every rule was last evaluated; null when a group never was, or there is none. */
export function lastEvaluationMs(groups: readonly ApiGroup[]): number | null {
  const each = groups.map((g) => epochMs(g.lastEvaluation));
  return each.length === 0 || each.some((x) => x === null) ? null : Math.min(...(each as number[]));
}

/**
 * Whether every rule group has been evaluated at or after `untilWallMs` (epoch ms, wall clock), or why not:
 * the end reading must cover the judged span, or a rule's quiet up to its end is not seen.
 */
export function evaluatedUntil(groups: readonly ApiGroup[], untilWallMs: number): true | string {
  const behind = groups.flatMap((g) => {
    const last = epochMs(g.lastEvaluation);
    return last !== null && last >= untilWallMs ? [] : [`${g.name} (${last === null ? 'never evaluated' : `${Math.round(untilWallMs - last)} ms before`})`];
  });
  if (groups.length === 0) return 'no rule group loaded';
  return behind.length === 0 ? true : `rule groups last evaluated before the end of the judged span: ${behind.join(', ')}`;
}

/**
 * Why the rules are not all being evaluated yet (or true): every group evaluated at least once, every
 * expected target discovered and scraped. Prometheus answers before its service discovery has handed
 * the scrape loops any target: an empty target list is "up" everywhere, and the rules run over nothing.
 */
export function evaluating(r: ApiReading, expectedRules: readonly string[], expectedTargets: readonly string[] = []): true | string {
  const seen = r.groups.flatMap((g) => g.rules.map((x) => x.name));
  const missing = expectedRules.filter((n) => !seen.includes(n));
  if (missing.length > 0) return `Prometheus has not loaded ${missing.join(', ')}`;
  const idle = r.groups.filter((g) => epochMs(g.lastEvaluation) === null).map((g) => g.name);
  if (idle.length > 0) return `rule groups not evaluated yet: ${idle.join(', ')}`;
  if (r.targets.length === 0) return 'no target discovered yet';
  const instances = r.targets.map((t) => t.labels?.['instance']);
  const undiscovered = expectedTargets.filter((t) => !instances.includes(t));
  if (undiscovered.length > 0) return `targets not discovered yet: ${undiscovered.join(', ')}`;
  const down = r.targets.filter((t) => t.health !== 'up').map((t) => `${t.labels?.['instance'] ?? '?'} ${t.health ?? '?'}`);
  if (down.length > 0) return `targets not scraped yet: ${down.join(', ')}`;
  return true;
}

/**
 * The raw samples of one ALERTS series as stretches: consecutive samples at
 * most 2.5 intervals apart are one stretch; its `to` is the evaluation
 * after its last sample (the one that no longer found it active), null when
 * its last sample is the last evaluation's.
 */
export function stretches(timesMs: readonly number[], state: Interval['state'], lastEvalMs: number | null, intervalMs = EVALUATION_INTERVAL_MS): Interval[] {
  const sorted = [...timesMs].sort((a, b) => a - b);
  const out: Interval[] = [];
  let from: number | undefined;
  let last: number | undefined;
  const close = (open: boolean) => {
    if (from === undefined || last === undefined) return;
    out.push({ state, from, to: open ? null : last + intervalMs });
  };
  for (const t of sorted) {
    if (last !== undefined && t - last > intervalMs * 2.5) {
      close(false);
      from = undefined;
    }
    from ??= t;
    last = t;
  }
  close(last !== undefined && lastEvalMs !== null && lastEvalMs - last <= intervalMs * 1.5);
  return out;
}

/** A documented rule as the run's Prometheus was given it. */
export interface WatchedRule {
  name: string;
  file: string;
  severity: string | null;
  /** The selectors of its expression, as loaded. */
  selectors?: readonly string[];
  /** Those of them its expression aggregates `instance` away over (pooled.ts). */
  pooled?: readonly string[];
}

export interface Readings {
  /** The reading once every group was evaluating, before the first step; absent when that never came. */
  ready?: { at: number; reading: ApiReading } | { at: number; why: string };
  /** The reading at the end of the run. */
  end: { reading: ApiReading } | { why: string };
  /** The documented rules by name: file, severity label and the selectors of the expression Prometheus was given. */
  rules: readonly WatchedRule[];
  /** Epoch ms (wall clock) minus the history clock at the end reading. */
  wallOffsetMs: number;
  notifications?: AlertEvaluationEvent['notifications'];
  adapted: string[];
}

/** The history event, from what was read. Pure. */
export function evaluationEvent(r: Readings, t = now()): AlertEvaluationEvent {
  const toHistory = (wallMs: number) => wallMs - r.wallOffsetMs;
  const base = { kind: 'alert-evaluation' as const, t, interval_ms: EVALUATION_INTERVAL_MS, adapted: r.adapted, ...(r.notifications === undefined ? {} : { notifications: r.notifications }) };
  const unread = (why: string): AlertEvaluationEvent => ({
    ...base, evaluated: false, why, from: null, to: null, targets: [],
    rules: r.rules.map((x) => ({ name: x.name, file: x.file, severity: x.severity, health: 'unknown', intervals: [] })),
  });
  if ('why' in r.end) return unread(`Prometheus could not be read at the end of the run: ${r.end.why}`);
  const end = r.end.reading;
  const lastEval = lastEvaluationMs(end.groups);
  // What was there to evaluate, from readiness to the last evaluation: a rule over series that were not scraped cannot fire.
  const window = r.ready !== undefined && 'reading' in r.ready && lastEval !== null ? { from: r.ready.at, to: toHistory(lastEval) } : undefined;
  const times = (s: AlertSeries, only?: string) => s.values.filter(([, v]) => only === undefined || v === only).map(([ts]) => toHistory(ts * 1000));
  const targets = end.targets.map((x) => {
    const instance = x.labels?.['instance'] ?? '?';
    const job = x.labels?.['job'] ?? '?';
    const up = end.up?.filter((s) => s.metric['instance'] === instance && s.metric['job'] === job).flatMap((s) => times(s, '1'));
    return { job, instance, health: x.health ?? 'unknown', ...(x.lastError ? { last_error: x.lastError } : {}), ...(up === undefined || window === undefined ? {} : { down: gaps(up, window.from, window.to) }) };
  });
  const byName = new Map(end.groups.flatMap((g) => g.rules.map((x) => [x.name, x] as const)));
  const rules = r.rules.map((x) => {
    const api = byName.get(x.name);
    const samples = (state: Interval['state']) => end.alerts.filter((s) => s.metric['alertname'] === x.name && s.metric['alertstate'] === state).flatMap((s) => s.values.map(([ts]) => toHistory(ts * 1000)));
    const last = lastEval === null ? null : toHistory(lastEval);
    const intervals = [...stretches(samples('pending'), 'pending', last), ...stretches(samples('firing'), 'firing', last)].sort((a, b) => a.from - b.from);
    const read = x.selectors === undefined || end.inputs === undefined || window === undefined ? undefined : x.selectors.map((selector) => {
      const series = end.inputs?.find((i) => i.selector === selector)?.series ?? [];
      return { selector, ...(x.pooled?.includes(selector) === true ? { pooled: true as const } : {}), instances: series.map((s) => ({ instance: s.metric['instance'] ?? '?', gaps: gaps(times(s), window.from, window.to) })) };
    });
    return { name: x.name, file: x.file, severity: x.severity, health: api?.health ?? 'not loaded', ...(api?.lastError ? { last_error: api.lastError } : {}), intervals, ...(read === undefined ? {} : { inputs: read }) };
  });
  const whyNot = ((): string | undefined => {
    if (r.ready === undefined) return 'Prometheus was never seen evaluating every rule before the first step';
    if ('why' in r.ready) return `Prometheus was not evaluating every rule before the first step: ${r.ready.why}`;
    if (r.ready.reading.startTime !== end.startTime) return `Prometheus restarted during the run (started ${r.ready.reading.startTime ?? '?'}, then ${end.startTime ?? '?'}): its alert state began again`;
    if (lastEval === null) return 'a rule group was never evaluated';
    const notLoaded = rules.filter((x) => x.health === 'not loaded').map((x) => x.name);
    if (notLoaded.length > 0) return `Prometheus did not load ${notLoaded.join(', ')}`;
    return undefined;
  })();
  const from = r.ready !== undefined && 'reading' in r.ready ? r.ready.at : null;
  return { ...base, evaluated: whyNot === undefined, ...(whyNot === undefined ? {} : { why: whyNot }), from, to: lastEval === null ? null : toHistory(lastEval), targets, rules };
}
