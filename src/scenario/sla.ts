/**
 * The `sla` field: omitted (the default profile), a profile name, or a map
 * of metric → threshold | profile name | {threshold, source}. Validated on
 * its own; profile figures are looked up later, once replication is known.
 */
import * as z from 'zod';
import { STATS, type MetricName, type SlaRequirement, type Stat } from '../sla/types.js';
import { DEFAULT_PROFILE, PROFILE_NAMES, defaultMetrics, documentedFigure } from '../sla/profiles.js';
import type { Replication } from './types.js';
import { isRecord } from './data.js';
import { METRIC_KEYS_HINT, THRESHOLD_HINT, metricFromKey, parseThreshold } from '../sla/threshold.js';
import { unknownKey, type PathIssue } from './zod-issues.js';
import { ALERT_LINE_HINT, parseAlertLine, type AlertExpectation, type AlertRequirement } from '../sla/alert-lines.js';
import { documentedRules, promDurationMs } from '../alerts/rules.js';
import { closest } from './suggest.js';

type SlaEntry = { key: string; metric: MetricName } & ({ requirement: SlaRequirement } | { profile: string });
/** `alerts`: the alert lines; a mapping with alert lines alone keeps the default profile's metric lines. */
export type SlaDraft = { profile: string } | { entries: SlaEntry[]; alerts?: AlertRequirement[] };

/** The key under `sla` that holds alert lines rather than a metric. */
const ALERTS_KEY = 'alerts';

const PROFILES_HINT = `one of ${PROFILE_NAMES.join(', ')}`;
const ENTRY_KEYS = 'expected one of threshold, source, stat';
const STATS_HINT = `expected one of ${STATS.join(', ')}: the statistic over the iterations the line is judged on`;

/** Metrics that only a fault can produce: an RTO with nothing to recover from is a typo, not a pass. */
const NEEDS_FAULT: readonly MetricName[] = ['rto_ms', 'detection_ms', 'promotion_ms', 'reroute_ms'];
/** Measured from the first fault or operator command: a drill's recovery needs something to recover from. */
const NEEDS_ACTION: readonly MetricName[] = ['recovery_ms'];

export const slaSchema = z.unknown().transform((raw, ctx): SlaDraft => {
  const { draft, issues } = readSla(raw);
  for (const { path, message } of issues) ctx.issues.push({ code: 'custom', input: raw, path, message });
  return draft ?? z.NEVER;
});

function readSla(raw: unknown): { draft?: SlaDraft; issues: PathIssue[] } {
  if (typeof raw === 'string') {
    if (PROFILE_NAMES.includes(raw)) return { draft: { profile: raw }, issues: [] };
    return { issues: [{ path: [], message: `unknown SLA profile '${raw}'; expected ${PROFILES_HINT}, or a mapping of metric: threshold` }] };
  }
  if (!isRecord(raw)) return { issues: [{ path: [], message: `expected an SLA profile (${PROFILES_HINT}) or a mapping of metric: threshold` }] };
  if (Object.keys(raw).length === 0) return { issues: [{ path: [], message: 'expected at least one metric; omit sla to use the default profile' }] };
  const issues: PathIssue[] = [];
  const entries: SlaEntry[] = [];
  let alerts: AlertRequirement[] | undefined;
  for (const [key, value] of Object.entries(raw)) {
    if (key === ALERTS_KEY) {
      const read = readAlertLines(value);
      issues.push(...read.issues.map((i) => ({ ...i, path: [ALERTS_KEY, ...i.path] })));
      alerts = read.lines;
      continue;
    }
    const metric = metricFromKey(key);
    const twin = entries.find((e) => e.metric === metric);
    if (metric === undefined) issues.push({ path: [key], message: unknownKey(key, 'sla', METRIC_KEYS_HINT) });
    else if (twin !== undefined) issues.push({ path: [key], message: `${metric} is already set by '${twin.key}'` });
    else {
      const entry = readEntry(metric, value);
      if ('message' in entry) issues.push({ path: [key, ...(entry.path ?? [])], message: entry.message });
      else entries.push({ key, metric, ...entry });
    }
  }
  return issues.length > 0 ? { issues } : { draft: { entries, ...(alerts === undefined ? {} : { alerts }) }, issues };
}

/** `sla.alerts`: documented rule name -> "fires within D" | "never fires". */
function readAlertLines(raw: unknown): { lines: AlertRequirement[]; issues: PathIssue[] } {
  if (!isRecord(raw) || Object.keys(raw).length === 0) return { lines: [], issues: [{ path: [], message: `expected a mapping of documented alert rule: line, e.g. { PostgresNoLeader: "fires within 90s" }; ${ALERT_LINE_HINT}` }] };
  const rules = documentedRules();
  const known = rules.map((r) => r.name);
  const issues: PathIssue[] = [];
  const lines: AlertRequirement[] = [];
  for (const [rule, value] of Object.entries(raw)) {
    if (!known.includes(rule)) {
      const near = closest(rule, known);
      issues.push({ path: [rule], message: `unknown alert rule '${rule}'; expected one of the documented rules (scenarios/alerts/): ${known.join(', ')}${near === undefined ? '' : ` (did you mean '${near}'?)`}` });
      continue;
    }
    if (typeof value !== 'string') { issues.push({ path: [rule], message: ALERT_LINE_HINT }); continue; }
    const expect = parseAlertLine(value);
    const tooShort = 'error' in expect ? undefined : shorterThanFor(expect, rules.find((r) => r.name === rule), value.trim());
    if ('error' in expect) issues.push({ path: [rule], message: expect.error });
    else if (tooShort !== undefined) issues.push({ path: [rule], message: tooShort });
    else lines.push({ rule, expect, threshold: value.trim() });
  }
  return { lines, issues };
}

/**
 * A rule fires at the first evaluation its condition has held for its `for:`, and the condition cannot hold at the
 * fault's instant (the first scrape that sees the fault comes after it): a limit not longer than `for:` can only fail.
 */
function shorterThanFor(expect: AlertExpectation, rule: { name: string; file: string; for?: string } | undefined, written: string): string | undefined {
  const forMs = rule?.for === undefined ? null : promDurationMs(rule.for);
  if (expect.kind !== 'fires-within' || rule === undefined || forMs === null || expect.ms > forMs) return undefined;
  return `"${written}" cannot pass: ${rule.name} (${rule.file}) fires only once its condition has held for its for: ${rule.for ?? ''}, counted from after the fault; expected a duration longer than ${rule.for ?? ''}`;
}

type EntryValue = { requirement: SlaRequirement } | { profile: string } | { message: string; path?: string[] };

function readEntry(metric: MetricName, value: unknown): EntryValue {
  if (typeof value === 'string') {
    if (PROFILE_NAMES.includes(value)) return { profile: value };
    const parsed = parseThreshold(metric, value);
    if (!('error' in parsed)) return { requirement: parsed };
    const looksLikeName = /^[a-z][a-z0-9-]*$/.test(value.trim());
    return { message: looksLikeName ? `unknown SLA profile '${value}'; ${THRESHOLD_HINT}, or ${PROFILES_HINT}` : parsed.error };
  }
  if (!isRecord(value)) return { message: `${THRESHOLD_HINT}, a profile name (${PROFILES_HINT}) or {threshold, source}` };
  const extra = Object.keys(value).find((k) => k !== 'threshold' && k !== 'source' && k !== 'stat');
  if (extra !== undefined) return { path: [extra], message: unknownKey(extra, `sla.${metric}`, ENTRY_KEYS) };
  if (typeof value.threshold !== 'string') return { path: ['threshold'], message: THRESHOLD_HINT };
  if (value.source !== undefined && typeof value.source !== 'string') return { path: ['source'], message: 'expected a string naming where the figure comes from' };
  if (value.stat !== undefined && !STATS.includes(value.stat as Stat)) return { path: ['stat'], message: STATS_HINT };
  const parsed = parseThreshold(metric, value.threshold, value.source);
  if ('error' in parsed) return { path: ['threshold'], message: parsed.error };
  return { requirement: value.stat === undefined ? parsed : { ...parsed, stat: value.stat as Stat } };
}

/**
 * The requirements, with profile figures looked up for this replication
 * mode; paths are under `sla`. A line on a metric the scenario cannot
 * produce (an RTO without any fault) is refused here, before any cluster
 * starts, rather than failing as "not measured" at the end of the run.
 */
export function resolveSla(draft: SlaDraft | undefined, replication: Replication, hasFault = true, hasAction = hasFault): { sla: SlaRequirement[]; alerts: AlertRequirement[] } | { issues: PathIssue[] } {
  const alerts = draft !== undefined && 'alerts' in draft ? draft.alerts ?? [] : [];
  // A mapping of alert lines alone keeps the default profile's metric lines.
  const entries = draft === undefined || 'profile' in draft || draft.entries.length === 0
    ? defaultMetrics(replication, hasFault).map((metric) => ({ key: '', metric, profile: draft !== undefined && 'profile' in draft ? draft.profile : DEFAULT_PROFILE }))
    : draft.entries;
  const issues: PathIssue[] = [];
  if (!hasFault) {
    for (const entry of entries.filter((e) => NEEDS_FAULT.includes(e.metric))) {
      issues.push({ path: ['sla', entry.key], message: `${entry.metric} is measured from a fault's injection, and this scenario injects none; add a fault step or remove this line` });
    }
  }
  if (!hasAction) {
    for (const entry of entries.filter((e) => NEEDS_ACTION.includes(e.metric))) {
      issues.push({ path: ['sla', entry.key], message: `${entry.metric} is measured from the first fault or exec step, and this scenario has neither; add one or remove this line` });
    }
  }
  if (!hasFault) {
    for (const line of alerts.filter((a) => a.expect.kind === 'fires-within')) {
      issues.push({ path: ['sla', ALERTS_KEY, line.rule], message: `"${line.threshold}" is timed from the first fault, and this scenario injects none; add a fault step, or write "never fires"` });
    }
  }
  if (issues.length > 0) return { issues };
  const sla = entries.flatMap((entry): SlaRequirement[] => {
    if ('requirement' in entry) return [entry.requirement];
    const figure = documentedFigure(entry.profile, entry.metric, replication);
    const parsed = figure === undefined ? undefined : parseThreshold(entry.metric, figure.threshold, figure.source);
    if (parsed !== undefined && !('error' in parsed)) return [parsed];
    issues.push({
      path: entry.key === '' ? ['sla'] : ['sla', entry.key],
      message: `the documents give no figure for ${entry.metric} under profile ${entry.profile} with ${replication} replication; write a threshold like "< 30s" instead`,
    });
    return [];
  });
  return issues.length > 0 ? { issues } : { sla, alerts };
}
