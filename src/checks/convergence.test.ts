import { describe, expect, it } from 'vitest';
import { checkConvergence } from './convergence.js';
import { cleanFailover, HistoryBuilder, scenario } from './test-support.js';

describe('convergence', () => {
  it('runs from the heal to the first successful check', () => {
    expect(checkConvergence(scenario(), cleanFailover().events)).toEqual({ metrics: { convergence_ms: 2000 }, valid: true });
  });

  it('starts at the last heal and skips failed checks that a later one redeems', () => {
    const h = new HistoryBuilder().inject(0, 'f1').inject(100, 'f2').converged(500, true);
    h.heal(1000, 'f1').heal(2000, 'f2').converged(2500, false).converged(4000, true);
    expect(checkConvergence(scenario(), h.events)).toEqual({ metrics: { convergence_ms: 2000 }, valid: true });
  });

  it('is invalid when the convergence wait after the heal gave up', () => {
    const h = new HistoryBuilder().inject(0).heal(1000).converged(300_000, false);
    expect(checkConvergence(scenario(), h.events)).toMatchObject({ metrics: { convergence_ms: null }, valid: false });
  });

  it('is null but valid when convergence was never checked', () => {
    const h = new HistoryBuilder().inject(0).heal(1000);
    expect(checkConvergence(scenario(), h.events)).toEqual({ metrics: { convergence_ms: null }, valid: true });
  });

  it('is null when the fault was never healed', () => {
    const h = new HistoryBuilder().inject(0).converged(500, true);
    expect(checkConvergence(scenario(), h.events)).toEqual({ metrics: { convergence_ms: null }, valid: true });
  });

  it('is 0 without any fault, unless the cluster failed to converge', () => {
    expect(checkConvergence(scenario(), new HistoryBuilder().converged(500, true).events).metrics.convergence_ms).toBe(0);
    expect(checkConvergence(scenario(), new HistoryBuilder().events).metrics.convergence_ms).toBe(0);
    expect(checkConvergence(scenario(), new HistoryBuilder().converged(500, false).events)).toMatchObject({
      metrics: { convergence_ms: null },
      valid: false,
    });
  });
});
