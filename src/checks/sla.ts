import type { Metrics } from './metrics.js';
import type { Comparator, SlaRequirement, SlaResult } from '../sla/types.js';

const holds: Record<Comparator, (observed: number, value: number) => boolean> = {
  '<': (o, v) => o < v,
  '<=': (o, v) => o <= v,
  '==': (o, v) => o === v,
  '>=': (o, v) => o >= v,
  '>': (o, v) => o > v,
  '!=': (o, v) => o !== v,
};

export function holdsFor(req: Pick<SlaRequirement, 'op' | 'value'>, observed: number): boolean {
  return holds[req.op](observed, req.value);
}

/**
 * One verdict per requirement. A metric that could not be measured fails:
 * a gate that passes what it could not see is no gate (an RTO is null
 * precisely when the cluster never took a write again). analyze turns such
 * a line into 'unknown' when the check behind it had no evidence. A line
 * judged on a statistic over iterations is 'deferred' when `deferStats`:
 * this iteration's figure is shown, the gate waits for all of them.
 */
export function evaluateSla(requirements: readonly SlaRequirement[], metrics: Metrics, o: { deferStats?: boolean } = {}): SlaResult[] {
  return requirements.map((req) => {
    const observed = metrics[req.metric];
    const pass = observed !== null && holdsFor(req, observed);
    const result: SlaResult = {
      metric: req.metric,
      threshold: req.threshold,
      observed,
      pass,
      status: req.stat !== undefined && o.deferStats === true ? 'deferred' : pass ? 'pass' : 'fail',
    };
    if (req.source !== undefined) result.source = req.source;
    if (req.stat !== undefined) result.stat = req.stat;
    if (req.core === true) result.core = true;
    if (observed === null) result.note = 'not measured';
    return result;
  });
}
