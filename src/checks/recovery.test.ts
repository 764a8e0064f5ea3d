import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../history/events.js';
import { checkRecovery } from './recovery.js';
import { cleanFailover, HistoryBuilder, scenario } from './test-support.js';

/** An exec step as the runner records it: its start and its end. */
function exec(h: HistoryBuilder, start: number, end: number, index = 0, ok = true): HistoryBuilder {
  const step = 'exec on replica: patronictl failover';
  const events: HistoryEvent[] = [
    { kind: 'step', t: start, index, step, phase: 'start', type: 'exec' },
    { kind: 'step', t: end, index, step, phase: 'end', type: 'exec', ok, resolved: ['pg2'], detail: 'pg2: exit 0' },
  ];
  h.events.push(...events);
  return h;
}

describe('recovery (drills)', () => {
  it('runs from the fault to the convergence after its heal: the whole procedure, down time included', () => {
    // cleanFailover: kill at 5000, heal at 9000, converged at 11000.
    expect(checkRecovery(scenario(), cleanFailover().events)).toEqual({ metrics: { recovery_ms: 6000 }, valid: true });
  });

  it('starts at an operator command with no fault at all, and ends at the first convergence after it', () => {
    const h = exec(new HistoryBuilder().converged(500, true), 1000, 4000).converged(3000, true).converged(9000, true).converged(12_000, true, true);
    // The convergence at 3000 came while the command still ran: not a recovery from it.
    expect(checkRecovery(scenario(), h.events)).toEqual({ metrics: { recovery_ms: 8000 }, valid: true });
  });

  it('spans several faults and commands: first start to the convergence after the last action', () => {
    const h = new HistoryBuilder().inject(1000, 'stop1', 'shutdown').inject(2000, 'stop2', 'shutdown');
    exec(h, 3000, 3500, 2);
    exec(h, 4000, 4200, 3);
    h.converged(4100, true).heal(20_000, 'stop1', 'shutdown').heal(21_000, 'stop2', 'shutdown');
    h.converged(30_000, true).converged(31_000, true, true);
    expect(checkRecovery(scenario(), h.events).metrics.recovery_ms).toBe(29_000);
  });

  it('ends a fault\'s action when its injection returned, not when it began (a graceful stop takes seconds)', () => {
    const h = new HistoryBuilder().inject(1000, 'stop1', 'shutdown', ['pg1'], 9000).converged(5000, true).converged(10_000, true).converged(11_000, true, true);
    expect(checkRecovery(scenario(), h.events).metrics.recovery_ms).toBe(9000);
  });

  it('counts from the final check when nothing converged after the last action before it', () => {
    const h = exec(new HistoryBuilder(), 1000, 2000).converged(1500, true).converged(50_000, true, true);
    expect(checkRecovery(scenario(), h.events).metrics.recovery_ms).toBe(49_000);
  });

  it('fails a cluster that never recovered: the final check gave up', () => {
    const h = exec(new HistoryBuilder(), 1000, 2000).converged(3000, true).converged(300_000, false, true);
    const out = checkRecovery(scenario(), h.events);
    expect(out).toMatchObject({ metrics: { recovery_ms: null }, valid: false });
    expect(out.error).toContain('did not recover');
  });

  it('cannot decide without the final check, even when a convergence was seen under load', () => {
    const h = exec(new HistoryBuilder(), 1000, 2000).converged(3000, true);
    expect(checkRecovery(scenario(), h.events)).toMatchObject({ metrics: {}, valid: 'unknown' });
  });

  it('measures nothing when nothing was done to the cluster (no fault, no command)', () => {
    const h = new HistoryBuilder().step(100, 0, 'sleep 1 s', true).converged(500, true, true);
    expect(checkRecovery(scenario(), h.events)).toEqual({ metrics: {}, valid: true });
    expect(checkRecovery(scenario(), []).valid).toBe(true);
  });

  it('times a failed command too: the drill failed, and its clock still ran', () => {
    const h = exec(new HistoryBuilder(), 1000, 2000, 0, false).converged(6000, true, true);
    expect(checkRecovery(scenario(), h.events).metrics.recovery_ms).toBe(5000);
  });

  it('starts the clock at a fault whose injection failed, and counts a convergence at the very end of the last action', () => {
    const h = new HistoryBuilder();
    h.events.push({ kind: 'fault', t: 1000, phase: 'inject', id: 'f1', action: 'shutdown', target: 'etcd-all', resolved: ['etcd1'], error: 'etcd1 not running' });
    h.inject(2000, 'f2', 'kill', ['pg1'], 3000).converged(3000, true).converged(9000, true, true);
    expect(checkRecovery(scenario(), h.events).metrics.recovery_ms).toBe(2000);
  });
});
