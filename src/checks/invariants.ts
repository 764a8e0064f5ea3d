import type { SlaRequirement } from './sla-types.js';

/**
 * Judged in every run, whatever the scenario lists: two nodes accepting
 * writes at once is never acceptable, so a scenario that forgot to ask must
 * still fail when it happens. A scenario that states its own threshold for
 * the metric (e.g. to study split brain on purpose) replaces it.
 */
export const INVARIANTS: readonly SlaRequirement[] = [
  {
    metric: 'max_concurrent_primaries',
    op: '<=',
    value: 1,
    threshold: '<= 1',
    source: 'always checked: 002 split-brain protection, "never two writable primaries"',
  },
];

export function withInvariants(sla: readonly SlaRequirement[]): SlaRequirement[] {
  return [...sla, ...INVARIANTS.filter((i) => !sla.some((r) => r.metric === i.metric))];
}
