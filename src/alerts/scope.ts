/**
 * The documents' rules select `scope="email-cluster"`, their cluster's name
 * (001: `patronictl failover email-cluster`, `/service/email-cluster/leader`);
 * a run's cluster has the harness's own scope. The matcher is read with the
 * run's scope, and the report says so, so that a finding is about the
 * series, not about the name of the cluster.
 */
import type { Expr, Matcher } from './promql.js';

export const DOCUMENTED_SCOPE = 'email-cluster';

export function adaptScope(e: Expr, runScope: string): { expr: Expr; adapted: string[] } {
  const adapted = new Set<string>();
  const matcher = (m: Matcher): Matcher => {
    if (m.label !== 'scope' || m.value !== DOCUMENTED_SCOPE || runScope === DOCUMENTED_SCOPE || (m.op !== '=' && m.op !== '!=')) return m;
    adapted.add(`scope${m.op}"${DOCUMENTED_SCOPE}" read as the run's scope ${JSON.stringify(runScope)}`);
    return { ...m, value: runScope };
  };
  const walk = (x: Expr): Expr => {
    switch (x.kind) {
      case 'selector':
        return { ...x, selector: { ...x.selector, matchers: x.selector.matchers.map(matcher) } };
      case 'number':
      case 'string':
        return x;
      case 'negate':
        return { ...x, expr: walk(x.expr) };
      case 'binary':
        return { ...x, lhs: walk(x.lhs), rhs: walk(x.rhs) };
      case 'aggregate':
      case 'call':
        return { ...x, args: x.args.map(walk) };
    }
  };
  const expr = walk(e);
  return { expr, adapted: [...adapted] };
}
