import { describe, expect, it } from 'vitest';
import { checkConvergence } from './convergence.js';
import { cleanFailover, HistoryBuilder, scenario } from './test-support.js';

describe('convergence', () => {
  it('runs from the heal to the first successful check, once the final check confirmed the rows', () => {
    expect(checkConvergence(scenario(), cleanFailover().events)).toEqual({ metrics: { convergence_ms: 2000 }, valid: true });
  });

  it('starts at the last heal and skips failed checks that a later one redeems', () => {
    const h = new HistoryBuilder().inject(0, 'f1').inject(100, 'f2').converged(500, true);
    h.heal(1000, 'f1').heal(2000, 'f2').converged(2500, false).converged(4000, true).converged(4500, true, true);
    expect(checkConvergence(scenario(), h.events)).toEqual({ metrics: { convergence_ms: 2000 }, valid: true });
  });

  it('fails a cluster that never converged: the final check gave up (issue 11, case 1)', () => {
    const h = new HistoryBuilder().inject(0).heal(1000).converged(300_000, false, true);
    const out = checkConvergence(scenario(), h.events);
    expect(out).toMatchObject({ metrics: { convergence_ms: null }, valid: false });
    expect(out.error).toContain('did not converge after the run: row sets differ');
  });

  it('fails when the scenario\'s own wait saw convergence under load but the rows differ after it stopped', () => {
    const h = new HistoryBuilder().inject(0).heal(1000).converged(2000, true).converged(3000, false, true);
    expect(checkConvergence(scenario(), h.events)).toMatchObject({ metrics: { convergence_ms: null }, valid: false });
  });

  it('cannot decide when the final check never ran (the run was cut short)', () => {
    const h = new HistoryBuilder().inject(0).heal(1000).converged(2000, true);
    expect(checkConvergence(scenario(), h.events)).toMatchObject({ metrics: {}, valid: 'unknown' });
    expect(checkConvergence(scenario(), new HistoryBuilder().events).valid).toBe('unknown');
  });

  it('counts from the final check when no earlier check followed the heal', () => {
    const h = new HistoryBuilder().inject(0).heal(1000).converged(500, true).converged(4000, true, true);
    expect(checkConvergence(scenario(), h.events).metrics.convergence_ms).toBe(3000);
  });

  it('is 0 without any heal, if the final check converged', () => {
    expect(checkConvergence(scenario(), new HistoryBuilder().converged(500, true, true).events)).toEqual({ metrics: { convergence_ms: 0 }, valid: true });
    expect(checkConvergence(scenario(), new HistoryBuilder().converged(500, false, true).events)).toMatchObject({ metrics: { convergence_ms: null }, valid: false });
  });
});
