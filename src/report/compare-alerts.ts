/**
 * The documented alert rules of a scenario on each side of a comparison,
 * read back from report.json `alerts` (perhaps written by an older version,
 * or by a run without a Prometheus): what each run says of each rule, and
 * the row that classifyAlertRule makes of both sides.
 */
import { GATING, classifyAlertRule, type AlertRuleSide, type ChangeClass } from './compare-rule.js';
import type { FindingRow } from './compare.js';
import type { ReportJson } from './json.js';

export interface AlertRuleRow {
  scenario: string;
  /** The rule's `alert:` name. */
  rule: string;
  before: AlertRuleSide;
  after: AlertRuleSide;
  class: ChangeClass;
  note?: string;
}

/** What one run says of one rule; `why` when it says nothing of whether the rule fired (or, without `can`, of anything). */
interface RunRule {
  /** Whether the run injected a fault; undefined when its report cannot tell. */
  fault: boolean | undefined;
  can: boolean | null;
  missing: string[];
  /** Fired after the first fault; null when the run had no fault; undefined when not known (`why`). */
  fired?: boolean | null;
  why?: string;
}

const obj = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
const arr = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);

/**
 * When the run's first fault took effect, ms from its start (its timeline's
 * first injection that did not fail: one that failed did nothing to detect);
 * null without one; undefined when its report has no timeline to tell.
 */
function firstFaultMs(r: ReportJson): number | null | undefined {
  const timeline = arr((r as { timeline?: unknown }).timeline);
  if (timeline === undefined) return undefined;
  const inject = timeline.map(obj).find((e) => e?.['kind'] === 'fault' && e['phase'] === 'inject' && e['error'] === undefined && typeof e['at_ms'] === 'number');
  return inject === undefined ? null : inject['at_ms'] as number;
}

type Interval = { from_ms: number; to_ms: number | null; state: string };

function intervalsOf(v: unknown): Interval[] | undefined {
  const list = arr(v);
  if (list === undefined) return undefined;
  return list.flatMap((raw) => {
    const i = obj(raw);
    const to = i?.['to_ms'];
    return i !== undefined && typeof i['from_ms'] === 'number' && (typeof to === 'number' || to === null) && typeof i['state'] === 'string'
      ? [{ from_ms: i['from_ms'], to_ms: to, state: i['state'] }] : [];
  });
}

/**
 * Whether a firing began after the fault and was the fault's: its pending
 * (the one it went on from, within 1.5 evaluation intervals) began at or
 * after the fault too. A rule pending since before the fault fires for a
 * condition that held before it, as the fires-within lines judge it
 * (checks/alert-lines.ts): no detection of the fault.
 */
export function firedForFault(intervals: readonly Interval[], faultMs: number, intervalMs: number): boolean {
  return intervals.some((f) => {
    if (f.state !== 'firing' || f.from_ms < faultMs) return false;
    const pending = intervals.filter((p) => p.state === 'pending' && p.from_ms <= f.from_ms && (p.to_ms === null || p.to_ms >= f.from_ms - intervalMs * 1.5));
    return pending.every((p) => p.from_ms >= faultMs);
  });
}

/** Each rule named in a run's alerts, or why the run has nothing to say of any (no alerts section, one that could not be made). */
function runRules(r: ReportJson): { fault: boolean | undefined; rules: Map<string, RunRule> | string } {
  const faultMs = firstFaultMs(r);
  const fault = faultMs === undefined ? undefined : faultMs !== null;
  return { fault, rules: rulesOf(r, faultMs) };
}

function rulesOf(r: ReportJson, faultMs: number | null | undefined): Map<string, RunRule> | string {
  // An older report has no `alerts` key at all; null is a run that scraped nothing.
  if (!('alerts' in r)) return 'no alerts section in report.json (written before alerts were reported)';
  const alerts = obj(r.alerts);
  if (alerts === undefined) return 'no alerts in report.json (nothing was scraped)';
  if (typeof alerts['error'] === 'string') return `its alerts report could not be made: ${alerts['error']}`;
  const rules = arr(alerts['rules']);
  if (rules === undefined) return 'no rules in its alerts section';
  const prometheus = obj(alerts['prometheus']);
  const evalFrom = prometheus?.['from_ms'];
  const evalTo = prometheus?.['to_ms'];
  const intervalMs = typeof prometheus?.['interval_ms'] === 'number' ? prometheus['interval_ms'] : undefined;
  const notEvaluated = alerts['evaluated_by'] !== 'prometheus'
    ? prometheus === undefined ? 'no Prometheus evaluated the rules (the run had none, or its report predates it)'
      : `its Prometheus did not evaluate the rules${typeof prometheus['why'] === 'string' ? `: ${prometheus['why']}` : ''}`
    // A firing is the fault's only when Prometheus watched the fault happen: one evaluating from after it, or no more by then, saw none.
    : typeof faultMs !== 'number' ? undefined
      : typeof evalFrom !== 'number' || typeof evalTo !== 'number' || intervalMs === undefined ? 'its Prometheus section does not say when it evaluated'
        : evalFrom > faultMs || evalTo <= faultMs ? `its Prometheus evaluated from ${evalFrom} ms to ${evalTo} ms, not over the first fault (${faultMs} ms)` : undefined;
  const out = new Map<string, RunRule>();
  for (const raw of rules) {
    const rule = obj(raw);
    const name = rule?.['name'];
    if (rule === undefined || typeof name !== 'string') continue;
    const can = typeof rule['can_fire'] === 'boolean' ? rule['can_fire'] : null;
    const missing = can === false ? (arr(rule['missing']) ?? []).flatMap((m) => (typeof obj(m)?.['selector'] === 'string' ? [obj(m)?.['selector'] as string] : [])) : [];
    const intervals = intervalsOf(rule['fired']);
    const fired = ((): Pick<RunRule, 'fired' | 'why'> => {
      if (faultMs === undefined) return { why: 'no timeline in report.json to tell whether a fault was injected' };
      // No fault: nothing to detect, but a run whose Prometheus evaluated nothing says nothing of its quiet either.
      if (faultMs === null) return notEvaluated === undefined ? { fired: null } : { fired: null, why: notEvaluated };
      if (notEvaluated !== undefined) return { why: notEvaluated };
      if (rule['evaluated_by'] !== 'prometheus') return { why: `Prometheus did not evaluate it (last evaluation: ${typeof rule['health'] === 'string' ? rule['health'] : 'none'})` };
      // Not first_fired_after_fault_ms: it counts a firing whose pending began before the fault.
      if (intervals === undefined) return { why: 'its pending and firing stretches are not in report.json' };
      return { fired: firedForFault(intervals, faultMs, intervalMs as number) };
    })();
    out.set(name, { fault: faultMs === undefined ? undefined : faultMs !== null, can, missing, ...fired });
  }
  return out;
}

function side(runs: ReadonlyArray<ReturnType<typeof runRules>>, rule: string): AlertRuleSide {
  const s: AlertRuleSide = { runs: runs.length, faulted: 0, watched: 0, fired: 0, can_fire: 0, cannot_fire: 0, missing: [], no_data: [] };
  const why = new Map<string, number>();
  const missing = new Set<string>();
  for (const { fault, rules } of runs) {
    const r: RunRule = typeof rules === 'string' ? { fault, can: null, missing: [], why: rules }
      : rules.get(rule) ?? { fault, can: null, missing: [], why: 'the rule is not among its alerts (a harness with other documented rules)' };
    if (r.fault === true) s.faulted += 1;
    if (r.can === true) s.can_fire += 1;
    if (r.can === false) s.cannot_fire += 1;
    for (const m of r.missing) missing.add(m);
    if (r.fired === true || r.fired === false) s.watched += 1;
    if (r.fired === true) s.fired += 1;
    if (r.why !== undefined) why.set(r.why, (why.get(r.why) ?? 0) + 1);
  }
  s.missing = [...missing];
  s.no_data = [...why].map(([w, n]) => ({ why: w, runs: n }));
  return s;
}

/** One row per documented rule named in either side's runs of the scenario; both sides ran it. */
export function alertRuleRows(scenario: string, before: readonly ReportJson[], after: readonly ReportJson[]): AlertRuleRow[] {
  const a = before.map(runRules);
  const b = after.map(runRules);
  const names = new Set([...a, ...b].flatMap(({ rules }) => (typeof rules === 'string' ? [] : [...rules.keys()])));
  return [...names].map((rule) => {
    const sb = side(a, rule);
    const sa = side(b, rule);
    const c = classifyAlertRule(sb, sa);
    return { scenario, rule, before: sb, after: sa, class: c.class, ...(c.note === undefined ? {} : { note: c.note }) };
  });
}

/** The key of a rule's alert line among a scenario's findings (compare.ts linesOf). */
export const alertLineKey = (rule: string): string => `alerts.${rule}`;

const countsOn = (c: ChangeClass): boolean => GATING.includes(c) || c === 'unknown';
const joinNote = (...parts: Array<string | undefined>): string => parts.filter((p) => p !== undefined && p !== '').join('; ');

/**
 * One gap in the after side's alert evidence, counted once, and never a
 * silent pass. An alert line the before side judged (pass, fail or known)
 * that some runs after lack has no evidence there: the after run had no
 * Prometheus, or its rule can never fire (no never-fires line is made for
 * either). Its rule's row says which: when that row gates (can never fire
 * after: a new finding) or is unknown, the line is counted there, not
 * again; when the rule was evaluated in every run after and can fire, the
 * after scenario did not ask for the line (not compared, as before); else
 * the line is unknown itself. Conversely a rule row unknown for want of
 * data after yields to its alert line when that line already gates.
 */
export function alertEvidenceAfter(lines: readonly FindingRow[], rules: readonly AlertRuleRow[], afterRuns: number): { lines: FindingRow[]; rules: AlertRuleRow[] } {
  const gatingLine = (rule: string) => lines.find((l) => l.line === alertLineKey(rule) && GATING.includes(l.class));
  const outRules = rules.map((r): AlertRuleRow => {
    const line = r.class === 'unknown' ? gatingLine(r.rule) : undefined;
    return line === undefined ? r : { ...r, class: 'not compared', note: joinNote(r.note, `counted on the line ${line.line} (${line.class})`) };
  });
  const outLines = lines.map((l): FindingRow => {
    const rule = l.line.startsWith('alerts.') ? outRules.find((r) => alertLineKey(r.rule) === l.line) : undefined;
    const judgedBefore = l.before !== null && l.before.pass + l.before.fail + l.before.known > 0;
    const missing = afterRuns - (l.after?.runs ?? 0);
    if (!l.line.startsWith('alerts.') || !judgedBefore || missing <= 0 || GATING.includes(l.class)) return l;
    const gap = `no alert line in ${missing} of ${afterRuns} run${afterRuns === 1 ? '' : 's'} after`;
    // A fixed finding needs the line held in every run after; some runs never judged it.
    const shown: ChangeClass = l.after === null || l.class === 'fixed finding' ? 'not compared' : l.class;
    if (rule !== undefined && countsOn(rule.class)) return { ...l, class: shown, note: joinNote(l.note, `${gap}: counted on the row alert ${rule.rule} (${rule.class})`) };
    if (rule !== undefined && rule.after.no_data.length === 0 && rule.after.cannot_fire === 0) return l;
    const why = rule === undefined ? 'nothing after says whether its rule was evaluated' : (rule.note ?? 'its rule row does not say why');
    return { ...l, class: 'unknown', note: joinNote(l.note === 'not judged after' ? undefined : l.note, `judged before; ${gap} (${why}): not verified after`) };
  });
  return { lines: outLines, rules: outRules };
}
