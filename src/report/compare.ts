import { COMPONENTS, type Component } from '../sla/known-findings.js';
import {
  CHANGE_CLASSES, COMPARE_RULE, GATING, LATENCY_FLOOR_MS, TIME_FLOOR_MS, bandOf, classifyLine, classifyMetric, classifyScenarioVerdict, classifyVerdicts, countStatuses, distribution, incompleteBefore,
  type Band, type ChangeClass, type Classified, type Distribution, type MetricKind, type StatusCount,
} from './compare-rule.js';
import { alertEvidenceAfter, alertLineKey, alertRuleRows, type AlertRuleRow } from './compare-alerts.js';
import type { ReportJson, SlaLine } from './json.js';
import { readReportSide, type ReportSide } from './read-reports.js';
import type { Verdict } from './types.js';
import { verdictExitCode, worstVerdict } from './verdict.js';

// Reports are read back from disk, perhaps written by an older version: a figure that is not a number was not measured.
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const field = (o: unknown, key: string): unknown => (typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[key] : undefined);
const metric = (key: string) => (r: ReportJson) => num(field(r.metrics, key));

const time = (get: (r: ReportJson) => number | null, floor = TIME_FLOOR_MS) => ({ get, floor, kind: 'time' as const, spansHolds: false });
// A figure that runs from a fault to a recovery, across the scenario's sleeps: its floor leaves the sleeps out (floorAt).
const spanning = (key: string) => ({ ...time(metric(key)), spansHolds: true });
const count = (key: string) => ({ get: metric(key), floor: 0, kind: 'count' as const, spansHolds: false });

/**
 * The scenario's scripted hold inside a figure of a run: the time its
 * `sleep` steps overlap the figure, taken to run `spanMs` from the first
 * fault or exec step (where rto, unavailability and recovery start, or
 * after). A sleep after the figure ended (kill-primary's, once writable)
 * is not in it. 0 without a timeline, as in an older or hand-made report.
 */
export function scriptedHoldMs(r: ReportJson, spanMs: number | null): number {
  const entries: unknown[] = Array.isArray(r.timeline) ? r.timeline : [];
  const steps = entries.filter((e) => field(e, 'kind') === 'step');
  const starts = steps.filter((e) => field(e, 'phase') === 'start');
  const isSleep = (e: unknown) => field(e, 'type') === 'sleep' || String(field(e, 'step')).startsWith('sleep ');
  const isAction = (e: unknown) => field(e, 'type') === 'fault' || field(e, 'type') === 'exec' || /^(fault|exec) /.test(String(field(e, 'step')));
  const from = num(field(starts.find(isAction), 'at_ms'));
  if (from === null || spanMs === null) return 0;
  const until = from + spanMs;
  let held = 0;
  for (const s of starts.filter(isSleep)) {
    const a = num(field(s, 'at_ms'));
    const b = num(field(steps.find((e) => field(e, 'phase') === 'end' && field(e, 'index') === field(s, 'index')), 'at_ms'));
    if (a !== null && b !== null) held += Math.max(0, Math.min(b, until) - Math.max(a, from));
  }
  return held;
}

/**
 * The figures that decide a change, in the order they are read; lower is
 * better for each. Times have a floor and a band, counts neither. A figure
 * an older report lacks (leader_changes) is not measured there.
 */
export const COMPARED_METRICS = {
  rto_ms: spanning('rto_ms'),
  detection_ms: time(metric('detection_ms')),
  promotion_ms: time(metric('promotion_ms')),
  reroute_ms: time(metric('reroute_ms')),
  unavailability_ms: spanning('unavailability_ms'),
  lost_writes: count('lost_writes'),
  max_concurrent_primaries: count('max_concurrent_primaries'),
  stale_leader_writes: count('stale_leader_writes'),
  unexpected_writes: count('unexpected_writes'),
  failed_steps: count('failed_steps'),
  leader_changes: count('leader_changes'),
  convergence_ms: time(metric('convergence_ms')),
  recovery_ms: spanning('recovery_ms'),
  p99_during_ms: time((r: ReportJson) => num(field(field(field(r.metrics, 'latency'), 'during'), 'p99_ms')), LATENCY_FLOOR_MS),
} satisfies Record<string, { get: (r: ReportJson) => number | null; floor: number; kind: MetricKind; spansHolds: boolean }>;
export type ComparedMetric = keyof typeof COMPARED_METRICS;
const METRIC_NAMES = Object.keys(COMPARED_METRICS) as ComparedMetric[];

/** What a side ran on: every distinct value over its runs, so that a mixed folder shows as mixed. */
export interface SideSummary {
  dir: string;
  providers: string[];
  /** `cluster.release` of its runs; empty for providers that run what the machine has. */
  releases: string[];
  versions: Record<Component, string[]>;
  scenarios: number;
  runs: number;
  /** summary.json's `parallel`: at most this many of its runs at once on one machine; 1 for a single run or a summary written before the key. */
  parallel: number;
}

export interface ScenarioSide {
  verdict: Verdict | null;
  runs: number;
  verdict_runs: number;
}

export interface ScenarioEntry {
  scenario: string;
  /**
   * The verdict run gave the scenario on each side: the worst of its runs and of its lines over the iterations (summary.json);
   * `verdict_runs` of its `runs` had that verdict themselves (0 when it came from a line judged over the iterations alone).
   */
  before: ScenarioSide;
  after: ScenarioSide;
  /** A side has a single run: its range is one run, not a distribution. */
  indicative: boolean;
  note?: string;
}

export interface MetricRow {
  scenario: string;
  metric: ComparedMetric;
  before: Distribution | null;
  after: Distribution | null;
  /** after median − before median. */
  change: number | null;
  floor: number;
  kind: MetricKind;
  /** A time metric's limits from the before side (COMPARE_RULE); null for counts and when a side did not measure it. */
  band: Band | null;
  class: ChangeClass;
  indicative: boolean;
  note?: string;
}

export interface FindingRow {
  scenario: string;
  /** The SLA line's metric (with its statistic, when judged over the iterations), or `verdict`. */
  line: string;
  threshold: string | null;
  before: StatusCount | null;
  after: StatusCount | null;
  class: ChangeClass;
  note?: string;
  known?: { reason: string; reference: string };
}

/** comparison.json, and what `compare --json` prints. */
export interface Comparison {
  rule: string;
  floors: Record<ComparedMetric, number>;
  before: SideSummary;
  after: SideSummary;
  scenarios: ScenarioEntry[];
  metrics: MetricRow[];
  findings: FindingRow[];
  /** Per scenario run on both sides, each documented alert rule either side's runs name: fired, did not fire, can never fire. */
  alert_rules: AlertRuleRow[];
  counts: Record<ChangeClass, number>;
  /** Null when every scenario had several runs on both sides. */
  indicative: IndicativeNote | null;
  /** Scenarios run on both sides that run could not judge before (verdict error): their comparison is incomplete. */
  incomplete: string[];
  /** 1 when a row's class gates (GATING; a metric's only when not indicative); else 3 when a scenario's comparison is incomplete or a row is unknown; else 0. */
  exit_code: 0 | 1 | 3;
}

/** Scenarios with a single run on a side: their metric rows are shown, and those that would have gated are named, but do not gate. */
export interface IndicativeNote {
  scenarios: string[];
  would_gate: Array<{ scenario: string; metric: ComparedMetric; class: ChangeClass }>;
}

/** Reads two report folders (a run's or a suite's) and compares them. Throws ReportFolderError (invalid input) when one is missing or unreadable. */
export function compareReports(beforeDir: string, afterDir: string): Comparison {
  return compareSides(readReportSide(beforeDir), readReportSide(afterDir));
}

/** The comparison of two read report folders, scenario by scenario. Pure. */
export function compareSides(before: ReportSide, after: ReportSide): Comparison {
  const a = byScenario(before.reports);
  const b = byScenario(after.reports);
  const scenarios: ScenarioEntry[] = [];
  const metrics: MetricRow[] = [];
  const findings: FindingRow[] = [];
  const alertRules: AlertRuleRow[] = [];
  for (const name of new Set([...a.keys(), ...b.keys()])) {
    const ra = a.get(name) ?? [];
    const rb = b.get(name) ?? [];
    const indicative = ra.length === 1 || rb.length === 1;
    const only = ra.length === 0 ? 'not run before' : rb.length === 0 ? 'not run after' : indicative ? 'indicative: one run on a side' : undefined;
    const judged = { before: judgedVerdict(before, name, ra), after: judgedVerdict(after, name, rb) };
    scenarios.push({
      scenario: name,
      before: { verdict: judged.before, runs: ra.length, verdict_runs: ra.filter((r) => r.verdict === judged.before).length },
      after: { verdict: judged.after, runs: rb.length, verdict_runs: rb.filter((r) => r.verdict === judged.after).length },
      indicative: ra.length > 0 && rb.length > 0 && indicative,
      ...(only === undefined ? {} : { note: only }),
    });
    const rows: MetricRow[] = ra.length > 0 && rb.length > 0 ? metricRows(name, ra, rb, indicative) : [];
    const verdict = classifyVerdicts(verdictCount(ra), verdictCount(rb));
    const verdictRow = verdict === null ? null : { scenario: name, line: 'verdict', threshold: null, before: verdictCount(ra), after: verdictCount(rb), ...verdict };
    // A scenario not run after has nothing to judge; one not run before shows only what fails after.
    const judgedLines = rb.length > 0 ? lineRows(name, linesOf(ra, before.overIterations.get(name)), linesOf(rb, after.overIterations.get(name)), ra.length > 0).filter((r) => ra.length > 0 || r.class !== 'not compared') : [];
    const { lines, rules: alerts } = alertEvidenceAfter(judgedLines, ra.length > 0 && rb.length > 0 ? alertRuleRows(name, ra, rb) : [], rb.length);
    metrics.push(...rows);
    alertRules.push(...alerts);
    findings.push(...withScenarioVerdict(verdictRow, [...rows.filter((r) => !r.indicative), ...lines, ...alerts], name, judged, verdictCount(ra), verdictCount(rb)), ...lines);
  }
  const counts = Object.fromEntries(CHANGE_CLASSES.map((c) => [c, 0])) as Record<ChangeClass, number>;
  for (const r of [...metrics, ...findings, ...alertRules]) counts[r.class] += 1;
  const single = scenarios.filter((s) => s.indicative).map((s) => s.scenario);
  const wouldGate = metrics.filter((r) => r.indicative && GATING.includes(r.class)).map((r) => ({ scenario: r.scenario, metric: r.metric, class: r.class }));
  const incomplete = scenarios.filter((s) => incompleteBefore(s.before.verdict, s.after.verdict)).map((s) => s.scenario);
  const gates = [...metrics.filter((r) => !r.indicative), ...findings, ...alertRules].some((r) => GATING.includes(r.class));
  const unknown = [...findings, ...alertRules].some((r) => r.class === 'unknown');
  return {
    rule: COMPARE_RULE,
    floors: Object.fromEntries(METRIC_NAMES.map((m) => [m, COMPARED_METRICS[m].floor])) as Record<ComparedMetric, number>,
    before: summarize(before),
    after: summarize(after),
    scenarios,
    metrics,
    findings,
    alert_rules: alertRules,
    counts,
    indicative: single.length === 0 ? null : { scenarios: single, would_gate: wouldGate },
    incomplete,
    // A finding after outranks an incomplete comparison: it is what the user must act on. Unknown is run's exit 3.
    exit_code: gates ? 1 : incomplete.length > 0 || unknown ? 3 : 0,
  };
}

/**
 * The verdict run gave a scenario on a side: the worst of its runs, of its
 * lines judged over the iterations, and of what summary.json says of it
 * (null: not run on that side).
 */
function judgedVerdict(side: ReportSide, name: string, runs: readonly ReportJson[]): Verdict | null {
  if (runs.length === 0) return null;
  const over = (side.overIterations.get(name) ?? []).map((l): Verdict => {
    const status = lineStatus(l);
    return status === 'fail' ? 'fail' : status === 'pass' || status === 'known' || status === 'deferred' ? 'pass' : 'error';
  });
  const given = side.scenarioVerdicts?.get(name);
  return worstVerdict([...runs.map((r) => r.verdict), ...over, ...(given === undefined ? [] : [given])]);
}

/** A side's verdict as `run` gave it (worst over its scenarios); a saved before folder is held to it as a before side that ran is. */
function sideVerdict(side: ReportSide): Verdict {
  const names = [...new Set(side.reports.map((r) => r.scenario.name))];
  return worstVerdict(names.map((n) => judgedVerdict(side, n, side.reports.filter((r) => r.scenario.name === n)) ?? 'error'));
}

/** The exit code run would have given a saved report folder. Throws ReportFolderError when it is not one. */
export function savedSideExitCode(dir: string): number {
  return verdictExitCode(sideVerdict(readReportSide(dir)));
}

/**
 * The verdict row, made to gate when run judged the scenario red after
 * (classifyScenarioVerdict) and no other row of the scenario gates, so
 * that the exit code never says 0 over it.
 */
function withScenarioVerdict(
  row: FindingRow | null, others: ReadonlyArray<{ class: ChangeClass }>, scenario: string,
  judged: { before: Verdict | null; after: Verdict | null }, before: StatusCount | null, after: StatusCount | null,
): FindingRow[] {
  const net = classifyScenarioVerdict(judged.before, judged.after);
  if (net === null || [...(row === null ? [] : [row]), ...others].some((r) => GATING.includes(r.class))) return row === null ? [] : [row];
  const note = [net.note, row?.note ?? ''].filter((s) => s !== undefined && s !== '').join('; ');
  return [{ scenario, line: 'verdict', threshold: null, before, after, class: net.class, note }];
}

function byScenario(reports: readonly ReportJson[]): Map<string, ReportJson[]> {
  const out = new Map<string, ReportJson[]>();
  for (const r of reports) out.set(r.scenario.name, [...(out.get(r.scenario.name) ?? []), r]);
  return out;
}

function metricRows(scenario: string, ra: ReportJson[], rb: ReportJson[], indicative: boolean): MetricRow[] {
  return METRIC_NAMES.flatMap((m) => {
    const { get, floor, kind, spansHolds } = COMPARED_METRICS[m];
    const da = distribution(ra.map(get));
    const db = distribution(rb.map(get));
    // Neither side measures it (an RTO in a scenario without a fault): nothing to say.
    if (da === null && db === null) return [];
    // The longest hold of the before runs: the smaller floor when they differ.
    const held = spansHolds ? Math.max(0, ...ra.map((r) => scriptedHoldMs(r, get(r)))) : 0;
    const c: Classified = classifyMetric(da, db, floor, kind, held);
    const band = kind === 'time' && da !== null && db !== null ? bandOf(da, floor, held) : null;
    return [{ scenario, metric: m, before: da, after: db, change: da === null || db === null ? null : db.median - da.median, floor, kind, band, indicative, ...c }];
  });
}

interface SideLines {
  statuses: Map<string, string[]>;
  threshold: Map<string, string>;
  known: Map<string, { reason: string; reference: string }>;
}

/** Each line's status in every run; lines judged on a statistic count once, from the suite's judgement over the iterations. */
function linesOf(reports: readonly ReportJson[], overIterations: readonly SlaLine[] | undefined): SideLines {
  const out: SideLines = { statuses: new Map(), threshold: new Map(), known: new Map() };
  const add = (l: JudgedLine) => {
    const status = lineStatus(l);
    if (status === 'deferred') return;
    const key = `${String(l.metric)}${l.stat ? ` ${l.stat}` : ''}`;
    out.statuses.set(key, [...(out.statuses.get(key) ?? []), status]);
    if (typeof l.threshold === 'string') out.threshold.set(key, l.threshold);
    if (l.known && typeof l.known.reason === 'string') out.known.set(key, { reason: l.known.reason, reference: String(l.known.reference) });
  };
  for (const r of reports) for (const l of Array.isArray(r.sla) ? r.sla : []) add(l);
  // Alert lines (sla.alerts) are SLA lines, judged by the same rule; an older report has no alert_sla.
  for (const r of reports) for (const l of Array.isArray(r.alert_sla) ? r.alert_sla : []) add(alertLine(l));
  for (const l of overIterations ?? []) add(l);
  return out;
}

/** What linesOf reads of a line: an SLA line, or an alert line keyed `alerts.<rule>`, the scenario's key for it (no SLA metric has a dot). */
type JudgedLine = Pick<SlaLine, 'threshold' | 'status' | 'pass' | 'stat' | 'known'> & { metric: string };
const alertLine = (l: ReportJson['alert_sla'][number]): JudgedLine => ({ metric: alertLineKey(String(l.rule)), threshold: l.threshold, pass: l.pass, status: l.status });

// An older report has `pass` but no `status`.
const lineStatus = (l: Pick<SlaLine, 'status' | 'pass'>): string => (typeof l.status === 'string' ? l.status : l.pass === true ? 'pass' : 'fail');

function lineRows(scenario: string, a: SideLines, b: SideLines, ranBefore: boolean): FindingRow[] {
  return [...new Set([...a.statuses.keys(), ...b.statuses.keys()])].map((line) => {
    const sa = a.statuses.get(line);
    const sb = b.statuses.get(line);
    const before = sa === undefined ? null : countStatuses(sa);
    const after = sb === undefined ? null : countStatuses(sb);
    const c = classifyLine(before, after);
    const threshold = b.threshold.get(line) ?? a.threshold.get(line) ?? null;
    const changed = a.threshold.has(line) && b.threshold.has(line) && a.threshold.get(line) !== b.threshold.get(line) ? `threshold before ${a.threshold.get(line)}` : '';
    const note = [c.note === 'not judged before' && !ranBefore ? 'scenario not run before' : c.note, changed].filter((s) => s !== undefined && s !== '').join('; ');
    const known = a.known.get(line) ?? b.known.get(line);
    return { scenario, line, threshold, before, after, class: c.class, ...(note === '' ? {} : { note }), ...(known === undefined ? {} : { known }) };
  });
}

function verdictCount(rs: readonly ReportJson[]): StatusCount | null {
  // error is the verdict of a run that could not be judged: unknown, in a line's terms.
  return rs.length === 0 ? null : countStatuses(rs.map((r) => (r.verdict === 'error' ? 'unknown' : r.verdict)));
}

function summarize(side: ReportSide): SideSummary {
  const distinct = (values: unknown[]) => [...new Set(values.filter((v): v is string => typeof v === 'string' && v !== ''))].sort();
  const rs = side.reports;
  return {
    dir: side.dir,
    providers: distinct(rs.map((r) => r.provider)),
    releases: distinct(rs.map((r) => field(r.cluster, 'release'))),
    versions: Object.fromEntries(COMPONENTS.map((c) => [c, distinct(rs.map((r) => field(r.versions, c)))])) as Record<Component, string[]>,
    scenarios: new Set(rs.map((r) => r.scenario.name)).size,
    runs: rs.length,
    parallel: side.parallel ?? 1,
  };
}
