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

export const ALERTS_NOTE = 'reported, not judged: these findings do not change the verdict or the exit code';

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
  rules: RuleFinding[];
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
export function alertsReport(o: { files: readonly RuleFileLoad[]; scrapes: readonly Scrape[]; scope: string; startedAt: number; evaluator?: AlertEvaluator }): AlertsReport {
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
    rules: findings.map((f, i) => ({ f, i })).sort((a, b) => ORDER(a.f) - ORDER(b.f) || a.i - b.i).map(({ f }) => f),
  };
}
