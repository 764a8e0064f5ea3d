/**
 * report.json's `alerts`: the documented rules, the scrapes they were read
 * against, and what was found of each rule. Reported, not judged: nothing
 * here changes a run's verdict or exit code.
 */
import { errorMessage } from '../errors.js';
import { seriesPresence, type AlertEvaluator, type RuleFinding } from './evaluator.js';
import { observe } from './observed.js';
import { DOCUMENTED_RULE_FILES, loadRuleFile, type RuleFile } from './rules.js';
import type { Scrape, TargetKind } from './scrape.js';
import type { AlertEvaluationEvent } from '../history/events.js';

export const ALERTS_NOTE = 'reported, not judged: these findings do not change the verdict or the exit code (the sla.alerts lines, report.json alert_sla, do)';

/** A stretch of evaluations that found a rule pending or firing, ms from the run's start; `to_ms` null: still active at the last evaluation. */
export interface FiredInterval { from_ms: number; to_ms: number | null; state: 'pending' | 'firing' }

/** What the run's Prometheus evaluated of a rule; null in every field when no Prometheus evaluated it. */
export interface RuleEvaluation {
  /** 'prometheus' when a Prometheus evaluated the rule over the run; null when none did (then `fired` is null: not "never fired"). */
  evaluated_by: 'prometheus' | null;
  severity: string | null;
  /** Prometheus's word on its last evaluation: ok, err, unknown; null without Prometheus. */
  health: string | null;
  fired: FiredInterval[] | null;
  /** The first firing, ms from the run's start; null when it never fired (or was not evaluated). */
  first_fired_ms: number | null;
  /** The first firing after the first fault, ms from that fault; null without a fault or a firing after it. */
  first_fired_after_fault_ms: number | null;
  /** When its last firing ended, ms from the run's start; null when never fired or still firing at the end. */
  resolved_ms: number | null;
}

export interface PrometheusSection {
  evaluated: boolean;
  /** Why nothing may be concluded from it, when `evaluated` is false. */
  why: string | null;
  /** The stretch of the run Prometheus was seen evaluating every rule group, ms from the run's start. */
  from_ms: number | null;
  to_ms: number | null;
  interval_ms: number;
  targets: AlertEvaluationEvent['targets'];
  /** What was changed from the documents' rules to load them (the scope matcher; 002's shape). */
  adapted: string[];
}

export interface AlertsReport {
  judged: false;
  note: string;
  /** Which evaluator produced `rules` (series-presence: whether the series each rule reads exist). */
  evaluator: string;
  rule_files: Array<{ file: string; source: string | null; loadable: boolean | null; adapted: string[]; error?: string }>;
  scrape: {
    /** When each scrape started, ms from the run's start: once healthy before the first step, once at the end. */
    at_ms: number[];
    /** Each target; `scraped` when at least one scrape read it in full; `series` as its last successful scrape gave. */
    targets: Array<{ kind: TargetKind; name: string; url: string; scraped: boolean; series: number }>;
    errors: Array<{ target: string; at_ms: number; error: string }>;
  };
  /** Can-never-fire first, then unknown, then can-fire, each in file order. */
  rules: Array<RuleFinding & RuleEvaluation>;
  /** 'prometheus' when the run's Prometheus evaluated the rules over the run; null otherwise. */
  evaluated_by: 'prometheus' | null;
  /** The run's Prometheus; null when the run had none. */
  prometheus: PrometheusSection | null;
  /** What Alertmanager sent the harness's webhook receiver (what an on-call would receive), `at_ms` from the run's start; null without Alertmanager. */
  notifications: Array<Omit<NonNullable<AlertEvaluationEvent['notifications']>[number], 'at'> & { at_ms: number }> | null;
  /** Set when the report itself could not be made (a harness defect); the run is judged as without it. */
  error?: string;
}

export type RuleFileLoad = { file: RuleFile } | { label: string; error: string };

export function loadDocumentedRules(): RuleFileLoad[] {
  return DOCUMENTED_RULE_FILES.map(({ path, label }) => {
    try {
      return { file: loadRuleFile(path, label) };
    } catch (err) {
      return { label, error: errorMessage(err) };
    }
  });
}

const ORDER = (f: RuleFinding): number => (f.can_fire === false ? 0 : f.can_fire === null ? 1 : 2);

/** Pure: the same rules and scrapes give the same report. */
export function alertsReport(o: { files: readonly RuleFileLoad[]; scrapes: readonly Scrape[]; scope: string; startedAt: number; evaluator?: AlertEvaluator; evaluation?: AlertEvaluationEvent; firstFaultAt?: number }): AlertsReport {
  const evaluator = o.evaluator ?? seriesPresence;
  const observed = observe(o.scrapes);
  const rules = o.files.flatMap((f) => ('file' in f ? f.file.rules : []));
  const findings = evaluator.evaluate(rules, { observed, scope: o.scope });
  const targets = new Map<string, AlertsReport['scrape']['targets'][number]>();
  const errors: AlertsReport['scrape']['errors'] = [];
  for (const s of o.scrapes) {
    for (const t of s.targets) {
      const key = `${t.kind} ${t.name}`;
      const before = targets.get(key);
      if (t.ok) targets.set(key, { kind: t.kind, name: t.name, url: t.url, scraped: (before?.scraped ?? false) || t.badLines === 0, series: t.series.length });
      else {
        targets.set(key, before ?? { kind: t.kind, name: t.name, url: t.url, scraped: false, series: 0 });
        errors.push({ target: key, at_ms: s.at - o.startedAt, error: t.error });
      }
      if (t.ok && t.badLines > 0) errors.push({ target: key, at_ms: s.at - o.startedAt, error: `${t.badLines} lines of its /metrics could not be read` });
    }
  }
  return {
    judged: false,
    note: ALERTS_NOTE,
    evaluator: evaluator.name,
    rule_files: o.files.map((f) => ('file' in f
      ? { file: f.file.file, source: f.file.source, loadable: f.file.loadable, adapted: f.file.adapted }
      : { file: f.label, source: null, loadable: null, adapted: [], error: f.error })),
    scrape: { at_ms: o.scrapes.map((s) => s.at - o.startedAt), targets: [...targets.values()], errors },
    rules: findings.map((f, i) => ({ f, i })).sort((a, b) => ORDER(a.f) - ORDER(b.f) || a.i - b.i).map(({ f }) => ({ ...f, ...ruleEvaluation(f.name, rules.find((r) => r.name === f.name)?.labels['severity'] ?? null, o) })),
    ...prometheusPart(o.evaluation, o.startedAt),
  };
}

function prometheusPart(e: AlertEvaluationEvent | undefined, startedAt: number): Pick<AlertsReport, 'evaluated_by' | 'prometheus' | 'notifications'> {
  if (e === undefined) return { evaluated_by: null, prometheus: null, notifications: null };
  const rel = (t: number | null) => (t === null ? null : Math.round(t - startedAt));
  return {
    evaluated_by: e.evaluated ? 'prometheus' : null,
    prometheus: { evaluated: e.evaluated, why: e.why ?? null, from_ms: rel(e.from), to_ms: rel(e.to), interval_ms: e.interval_ms, targets: e.targets, adapted: e.adapted },
    notifications: e.notifications === undefined ? null : e.notifications.map(({ at, ...n }) => ({ ...n, at_ms: Math.round(at - startedAt) })),
  };
}

/** A rule's part of the evaluation; every field null when no Prometheus evaluated it (never "never fired" without one). */
export function ruleEvaluation(name: string, severity: string | null, o: { evaluation?: AlertEvaluationEvent; startedAt: number; firstFaultAt?: number }): RuleEvaluation {
  const e = o.evaluation;
  const rule = e?.rules.find((r) => r.name === name);
  const none = { evaluated_by: null, severity, health: rule?.health ?? null, fired: null, first_fired_ms: null, first_fired_after_fault_ms: null, resolved_ms: null };
  if (e === undefined || !e.evaluated || rule === undefined || rule.health !== 'ok') return none;
  const rel = (t: number) => Math.round(t - o.startedAt);
  const fired = rule.intervals.map((i) => ({ from_ms: rel(i.from), to_ms: i.to === null ? null : rel(i.to), state: i.state }));
  const firing = rule.intervals.filter((i) => i.state === 'firing');
  const afterFault = o.firstFaultAt === undefined ? undefined : firing.find((i) => i.from >= (o.firstFaultAt as number));
  const last = firing.at(-1);
  return {
    evaluated_by: 'prometheus', severity: rule.severity ?? severity, health: rule.health, fired,
    first_fired_ms: firing[0] === undefined ? null : rel(firing[0].from),
    first_fired_after_fault_ms: afterFault === undefined || o.firstFaultAt === undefined ? null : Math.round(afterFault.from - o.firstFaultAt),
    resolved_ms: last?.to == null ? null : rel(last.to),
  };
}
