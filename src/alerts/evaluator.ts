/**
 * What is said of each documented rule. Evaluators sit side by side behind
 * one interface: this one (series presence: can the rule ever fire, given
 * the series the cluster exports) needs only scrapes; a Prometheus-backed
 * one, evaluating the rules over the run, would add when each fired.
 */
import type { Observed } from './observed.js';
import { presence } from './presence.js';
import { parsePromql, selectorsOf } from './promql.js';
import type { AlertRule } from './rules.js';
import { adaptScope } from './scope.js';
import { selectSeries, undecidable, whyNoMatch } from './selector-match.js';

export interface RuleFinding {
  name: string;
  file: string;
  source: string;
  expr: string;
  /** true: the series it reads exist; false: it can never fire; null: could not be settled (`reason` says why). */
  can_fire: boolean | null;
  reason: string;
  /** Selectors of the expression that select no scraped series, each with why. */
  missing: Array<{ selector: string; why: string }>;
  /** What was changed to read the rule (its file's shape, the scope), and why. */
  adapted: string[];
}

export interface AlertEvaluator {
  readonly name: string;
  evaluate(rules: readonly AlertRule[], input: { observed: Observed; scope: string }): RuleFinding[];
}

export const seriesPresence: AlertEvaluator = {
  name: 'series-presence',
  evaluate: (rules, input) => rules.map((r) => judgeRule(r, input.observed, input.scope)),
};

export function judgeRule(rule: AlertRule, observed: Observed, scope: string): RuleFinding {
  const base = { name: rule.name, file: rule.file, source: rule.source, expr: rule.expr };
  const parsed = parsePromql(rule.expr);
  if (!parsed.ok) return { ...base, can_fire: null, reason: `unparseable: ${parsed.error}`, missing: [], adapted: rule.adapted };
  const { expr, adapted } = adaptScope(parsed.expr, scope);
  const p = presence(expr, observed);
  const seen = new Set<string>();
  const missing = selectorsOf(expr).flatMap((sel) => {
    if (seen.has(sel.text) || selectSeries(sel, observed.series).length > 0) return [];
    seen.add(sel.text);
    return [{ selector: sel.text, why: undecidable(sel) ?? whyNoMatch(sel, observed) }];
  });
  return { ...base, can_fire: p.canFire, reason: p.reason, missing, adapted: [...rule.adapted, ...adapted] };
}
