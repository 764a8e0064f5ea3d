import { describe, expect, it } from 'vitest';
import { checkLaggingPromotions } from './lagging-promotions.js';
import { HistoryBuilder, scenario } from './test-support.js';

/** pg1 leads and writes on; pg2 stalls at `stalledAt` bytes; pg1 dies; `winner` takes the key. */
function failoverWith(stalledAt: number, winner: string) {
  const h = new HistoryBuilder().dcs(0, 'pg1');
  for (let t = 0; t <= 1000; t += 100) {
    h.probe(t, 'pg1', { inRecovery: false, walPosition: 10_000_000 + t * 10_000 });
    h.probe(t, 'pg2', { inRecovery: true, walPosition: Math.min(stalledAt, 10_000_000 + t * 10_000) });
    h.probe(t, 'pg3', { inRecovery: true, walPosition: 10_000_000 + t * 10_000 });
  }
  h.dcs(1500, null).dcs(1600, winner);
  return h.events;
}

describe('checkLaggingPromotions', () => {
  it('counts a promotion of a replica further behind than maximum_lag_on_failover', () => {
    const out = checkLaggingPromotions(scenario(), failoverWith(10_000_000, 'pg2'));
    expect(out.metrics.lagging_promotions).toBe(1);
    expect(out.valid).toBe(false);
    expect(out.error).toContain('pg2 promoted 10000000 bytes behind pg1 (documented limit 1048576, 001)');
  });

  it('accepts the promotion of an up-to-date replica', () => {
    expect(checkLaggingPromotions(scenario(), failoverWith(10_000_000, 'pg3'))).toMatchObject({ metrics: { lagging_promotions: 0 }, valid: true });
  });

  it('takes its limit from the documents, never from the cluster under test (issue 11, case 7)', () => {
    // A cluster misconfigured with maximum_lag_on_failover 20 MB promoted a replica 10 MB behind.
    const s = scenario();
    s.cluster.patroni = { maximum_lag_on_failover: 20_000_000 };
    const out = checkLaggingPromotions(s, failoverWith(10_000_000, 'pg2'));
    expect(out.metrics).toMatchObject({ lagging_promotions: 1, promotion_lag_bytes: 10_000_000 });
    expect(out.valid).toBe(false);
  });

  it('reports how far behind the promoted member was, for an SLA that accepts more explicitly', () => {
    expect(checkLaggingPromotions(scenario(), failoverWith(10_000_000, 'pg3')).metrics.promotion_lag_bytes).toBe(0);
    expect(checkLaggingPromotions(scenario(), failoverWith(10_500_000, 'pg2')).metrics.promotion_lag_bytes).toBe(9_500_000);
  });

  it('cannot decide without WAL positions', () => {
    const h = new HistoryBuilder().dcs(0, 'pg1').probe(0, 'pg1', { inRecovery: false }).dcs(100, 'pg2');
    expect(checkLaggingPromotions(scenario(), h.events).valid).toBe('unknown');
  });
});
