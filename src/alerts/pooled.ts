/**
 * The selectors of an expression whose `instance` label it aggregates away
 * (`sum(patroni_master{...}) == 0`): such a rule is evaluated over whichever
 * instances export the series, so it needs them from one instance at a
 * time, not from each (a killed member's series vanish, the rule still runs
 * over the others). A selector also read without such an aggregation is
 * not pooled: there, each instance's series count.
 */
import type { Expr } from './promql.js';

/** Aggregations that keep the labels of the series they pick. */
const KEEP_LABELS = new Set(['topk', 'bottomk', 'limitk', 'limit_ratio']);

const dropsInstance = (e: Extract<Expr, { kind: 'aggregate' }>): boolean => {
  if (KEEP_LABELS.has(e.op)) return false;
  if (e.grouping === undefined) return true;
  return e.grouping.without === e.grouping.labels.includes('instance');
};

function occurrences(e: Expr, pooled: boolean, out: Array<{ text: string; pooled: boolean }>): void {
  switch (e.kind) {
    case 'selector':
      out.push({ text: e.selector.text, pooled });
      return;
    case 'number':
    case 'string':
      return;
    case 'negate':
      occurrences(e.expr, pooled, out);
      return;
    case 'binary':
      occurrences(e.lhs, pooled, out);
      occurrences(e.rhs, pooled, out);
      return;
    case 'aggregate':
      e.args.forEach((a) => occurrences(a, pooled || dropsInstance(e), out));
      return;
    case 'call':
      e.args.forEach((a) => occurrences(a, pooled, out));
  }
}

/** The text of every selector read only under an aggregation that drops `instance`, in order. */
export function pooledSelectors(e: Expr): string[] {
  const all: Array<{ text: string; pooled: boolean }> = [];
  occurrences(e, false, all);
  return [...new Set(all.filter((o) => o.pooled && !all.some((x) => x.text === o.text && !x.pooled)).map((o) => o.text))];
}
