/**
 * Where the run's Prometheus evaluated nothing of a rule (the history's
 * alert-evaluation event): what the rule did in such a stretch is unseen,
 * so nothing that depends on it may be read from the stretches around it.
 */
import type { AlertEvaluationEvent } from '../history/events.js';

type Stretch = { from: number; to: number };

/**
 * The first stretch without evaluations that reaches into [from, to] (one ending at `from` does: the evaluation
 * that ends it may find active a rule whose activity began before the stretch, before `from`), or 'not read'.
 */
export function unevaluatedIn(rule: Pick<AlertEvaluationEvent['rules'][number], 'unevaluated'>, from: number, to: number): Stretch | 'not read' | undefined {
  if (rule.unevaluated === undefined) return 'not read';
  return rule.unevaluated.find((g) => g.from < to && g.to >= from);
}
