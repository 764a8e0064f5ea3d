import { describe, expect, it } from 'vitest';
import { monitoringFiles } from './monitoring-setup.js';
import { pooledSelectors } from './pooled.js';
import { parsePromql } from './promql.js';

const pooled = (text: string): string[] => {
  const p = parsePromql(text);
  if (!p.ok) throw new Error(p.error);
  return pooledSelectors(p.expr);
};

describe('selectors whose instance the expression aggregates away', () => {
  it('sum or count without by (the documented PostgresNoLeader, PostgresInsufficientReplicas): pooled', () => {
    expect(pooled('sum(patroni_master{scope="s"}) == 0')).toEqual(['patroni_master{scope="s"}']);
    expect(pooled('count(up == 1) < 2')).toEqual(['up']);
    expect(pooled('sum by (scope) (rate(x[1m])) > 0')).toEqual(['x']);
    expect(pooled('sum without (instance) (x) > 0')).toEqual(['x']);
  });

  it('per instance: a bare comparison, by (instance), without other labels, topk: not pooled', () => {
    expect(pooled('patroni_postgres_running{scope="s"} == 0')).toEqual([]);
    expect(pooled('sum by (instance) (x) > 0')).toEqual([]);
    expect(pooled('sum without (job) (x) > 0')).toEqual([]);
    expect(pooled('topk(1, x) > 0')).toEqual([]);
  });

  it('a selector read both pooled and per instance counts per instance; the other side of a binary is judged on its own', () => {
    expect(pooled('x > 0 and sum(x) > 1')).toEqual([]);
    expect(pooled('sum(x) > 0 and y == 1')).toEqual(['x']);
    expect(pooled('max(sum by (instance) (x)) > 0')).toEqual(['x']);
  });
});

describe('the rules given to the run\'s Prometheus say which selectors are pooled', () => {
  it('PostgresNoLeader (sum(patroni_master)) is pooled, PostgresNodeUnhealthy (per instance) is not', () => {
    const files = monitoringFiles({ scope: 'pgchaos', patroni: ['a:1'], etcd: ['b:1'], rulesDir: '/r' });
    expect(files.rules.find((r) => r.name === 'PostgresNoLeader')).toMatchObject({ selectors: ['patroni_master{scope="pgchaos"}'], pooled: ['patroni_master{scope="pgchaos"}'] });
    expect(files.rules.find((r) => r.name === 'PostgresNodeUnhealthy')?.pooled).toEqual([]);
  });
});
