import type { Scenario } from '../scenario/types.js';
import type { SlaResult, Stat } from '../sla/types.js';
import type { Analysis } from './metrics.js';
import { holdsFor } from './sla.js';

/** Nearest-rank statistic of the values (sorted ascending inside). */
export function statOf(stat: Stat, values: readonly number[]): number | null {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) return null;
  if (stat === 'min') return v[0] ?? null;
  if (stat === 'max') return v.at(-1) ?? null;
  const p = Number(stat.slice(1));
  return v[Math.max(1, Math.ceil((p / 100) * v.length)) - 1] ?? null;
}

/**
 * The lines a scenario judges on a statistic over its iterations
 * (`{threshold: "<= 5s", stat: p95}`), judged once the iterations are in.
 * An iteration that could not be measured counts on the failing side (a
 * cluster that never recovered is no noise); one whose line was 'unknown'
 * makes the statistic unknown. The note says how many iterations held and
 * names those that did not: `runs` are in iteration order, from 1.
 */
export function judgeOverIterations(scenario: Pick<Scenario, 'sla'>, runs: readonly Pick<Analysis, 'sla'>[]): SlaResult[] {
  return scenario.sla.flatMap((req): SlaResult[] => {
    if (req.stat === undefined) return [];
    const lines = runs.map((a) => a.sla.find((l) => l.metric === req.metric && l.stat === req.stat));
    const within = lines.map((l) => l?.observed !== null && l?.observed !== undefined && holdsFor(req, l.observed));
    const outside = within.flatMap((ok, i) => (ok ? [] : [i + 1]));
    const base = { metric: req.metric, threshold: req.threshold, stat: req.stat, ...(req.source === undefined ? {} : { source: req.source }) };
    // A p95 line passes with iterations outside it; a reader still needs to know which to open.
    const note = `${runs.length - outside.length} of ${runs.length} iterations within ${req.threshold}${outside.length === 0 ? '' : ` (outside: ${outside.length === 1 ? 'iteration' : 'iterations'} ${outside.join(', ')})`}`;
    if (lines.some((l) => l === undefined || l.status === 'unknown')) return [{ ...base, observed: null, pass: false, status: 'unknown', note: `${note}; not every iteration could be measured` }];
    // A value on the failing side of the threshold: for != that is the threshold itself.
    const failing = req.op === '!=' ? req.value : holdsFor(req, Infinity) ? -Infinity : Infinity;
    const value = statOf(req.stat, lines.map((l) => l?.observed ?? failing));
    const pass = value !== null && holdsFor(req, value);
    const measured = lines.every((l) => l?.observed !== null);
    return [{ ...base, observed: value !== null && Number.isFinite(value) && (measured || value !== failing) ? value : null, pass, status: pass ? 'pass' : 'fail', note }];
  });
}
