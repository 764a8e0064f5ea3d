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

/** The rule groups, targets and start time; `alertsSinceMs`: also ALERTS' raw samples since then (epoch ms, wall clock). */
export async function readApi(base: string, alertsSinceMs?: number): Promise<ApiReading> {
  const [runtime, rules, targets] = await Promise.all([
    api<{ startTime?: string }>(base, '/api/v1/status/runtimeinfo'),
    api<{ groups: ApiGroup[] }>(base, '/api/v1/rules?type=alert'),
    api<{ activeTargets: ApiTarget[] }>(base, '/api/v1/targets?state=active'),
  ]);
  let alerts: AlertSeries[] = [];
  if (alertsSinceMs !== undefined) {
    const at = Date.now() / 1000;
    const range = Math.max(1, Math.ceil(at - alertsSinceMs / 1000) + 1);
    const q = await api<{ resultType: string; result: AlertSeries[] }>(base, `/api/v1/query?query=${encodeURIComponent(`ALERTS[${range}s]`)}&time=${at}`);
    alerts = q.resultType === 'matrix' ? q.result : [];
  }
  return { startTime: runtime.startTime ?? null, groups: rules.groups, targets: targets.activeTargets, alerts };
}

const epochMs = (iso: string | undefined): number | null => {
  if (iso === undefined) return null;
  const ms = Date.parse(iso);
  // Go's zero time ("0001-01-01T00:00:00Z") is what Prometheus says of a group never evaluated.
  return Number.isFinite(ms) && ms > 0 ? ms : null;
};

/** Why the rules are not all being evaluated yet (or true): every group evaluated at least once, every rule healthy or at least run. */
export function evaluating(r: ApiReading, expectedRules: readonly string[]): true | string {
  const seen = r.groups.flatMap((g) => g.rules.map((x) => x.name));
  const missing = expectedRules.filter((n) => !seen.includes(n));
  if (missing.length > 0) return `Prometheus has not loaded ${missing.join(', ')}`;
  const idle = r.groups.filter((g) => epochMs(g.lastEvaluation) === null).map((g) => g.name);
  if (idle.length > 0) return `rule groups not evaluated yet: ${idle.join(', ')}`;
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

export interface Readings {
  /** The reading once every group was evaluating, before the first step; absent when that never came. */
  ready?: { at: number; reading: ApiReading } | { at: number; why: string };
  /** The reading at the end of the run. */
  end: { reading: ApiReading } | { why: string };
  /** The documented rules by name: file and severity label. */
  rules: ReadonlyArray<{ name: string; file: string; severity: string | null }>;
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
    rules: r.rules.map((x) => ({ ...x, health: 'unknown', intervals: [] })),
  });
  if ('why' in r.end) return unread(`Prometheus could not be read at the end of the run: ${r.end.why}`);
  const end = r.end.reading;
  const targets = end.targets.map((x) => ({ job: x.labels?.['job'] ?? '?', instance: x.labels?.['instance'] ?? '?', health: x.health ?? 'unknown', ...(x.lastError ? { last_error: x.lastError } : {}) }));
  const lastEvals = end.groups.map((g) => epochMs(g.lastEvaluation));
  const lastEval = lastEvals.some((x) => x === null) || lastEvals.length === 0 ? null : Math.min(...(lastEvals as number[]));
  const byName = new Map(end.groups.flatMap((g) => g.rules.map((x) => [x.name, x] as const)));
  const rules = r.rules.map((x) => {
    const api = byName.get(x.name);
    const samples = (state: Interval['state']) => end.alerts.filter((s) => s.metric['alertname'] === x.name && s.metric['alertstate'] === state).flatMap((s) => s.values.map(([ts]) => toHistory(ts * 1000)));
    const last = lastEval === null ? null : toHistory(lastEval);
    const intervals = [...stretches(samples('pending'), 'pending', last), ...stretches(samples('firing'), 'firing', last)].sort((a, b) => a.from - b.from);
    return { ...x, health: api?.health ?? 'not loaded', ...(api?.lastError ? { last_error: api.lastError } : {}), intervals };
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
