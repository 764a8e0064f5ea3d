import type { Metrics } from './metrics.js';
import type { Comparator, SlaRequirement, SlaResult } from './sla-types.js';

const holds: Record<Comparator, (observed: number, value: number) => boolean> = {
  '<': (o, v) => o < v,
  '<=': (o, v) => o <= v,
  '==': (o, v) => o === v,
  '>=': (o, v) => o >= v,
  '>': (o, v) => o > v,
  '!=': (o, v) => o !== v,
};

/**
 * One verdict per requirement. A metric that could not be measured fails:
 * a gate that passes what it could not see is no gate (an RTO is null
 * precisely when the cluster never took a write again).
 */
export function evaluateSla(requirements: readonly SlaRequirement[], metrics: Metrics): SlaResult[] {
  return requirements.map((req) => {
    const observed = metrics[req.metric];
    const result: SlaResult = {
      metric: req.metric,
      threshold: req.threshold,
      observed,
      pass: observed !== null && holds[req.op](observed, req.value),
    };
    if (req.source !== undefined) result.source = req.source;
    if (observed === null) result.note = 'not measured';
    return result;
  });
}
