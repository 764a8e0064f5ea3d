import { describe, expect, it } from 'vitest';
import { analyze } from './analyze.js';
import { CHECKERS } from './checkers.js';
import type { SlaRequirement } from '../sla/types.js';
import { cleanFailover, scenario } from './test-support.js';

const gate: SlaRequirement[] = [
  { metric: 'rto_ms', op: '<', value: 30_000, threshold: '< 30s' },
  { metric: 'lost_writes', op: '==', value: 0, threshold: '== 0' },
  { metric: 'max_concurrent_primaries', op: '<=', value: 1, threshold: '<= 1' },
];

function history(): ReturnType<typeof cleanFailover> {
  const h = cleanFailover();
  h.finalRead(11_500, h.okKeys());
  return h;
}

describe('analyze', () => {
  it('measures a clean failover and passes its gate', () => {
    const a = analyze(scenario(gate), history().events);
    expect(a.verdict).toBe('pass');
    expect(a.checks.every((c) => c.valid === true)).toBe(true);
    expect(a.checks.map((c) => c.name)).toEqual([
      'writes',
      'failover',
      'availability',
      'no-leader',
      'set',
      'split-brain',
      'convergence',
      'recovery',
      'stale-leader',
      'leader-changes',
      'lagging-promotions',
      'steps',
      'latency',
      'evidence',
      'fault-evidence',
    ]);
    expect(a.metrics).toMatchObject({
      rto_ms: 2350,
      detection_ms: 1500,
      promotion_ms: 700,
      reroute_ms: 150,
      unavailability_ms: 2440,
      no_leader_ms: 500,
      leader_changes: 1,
      lost_writes: 0,
      rpo_ms: 0,
      unexpected_writes: 0,
      recovered_writes: 0,
      ghost_writes: 0,
      max_concurrent_primaries: 1,
      split_brain_ms: 0,
      convergence_ms: 2000,
      writes: { ok: 77, fail: 23, info: 0, attempted: 100 },
    });
    expect(a.sla.map((r) => [r.metric, r.observed, r.status])).toEqual([
      ['rto_ms', 2350, 'pass'],
      ['lost_writes', 0, 'pass'],
      ['max_concurrent_primaries', 1, 'pass'],
      ['convergence_ms', 2000, 'pass'],
      ['unexpected_writes', 0, 'pass'],
      ['failed_steps', 0, 'pass'],
    ]);
  });

  it('fails the gate on a lost write and marks the set check invalid', () => {
    const h = cleanFailover();
    h.finalRead(11_500, h.okKeys().filter((k) => k !== 48));
    const a = analyze(scenario(gate), h.events);
    expect(a.verdict).toBe('fail');
    expect(a.checks.find((c) => c.name === 'set')?.valid).toBe(false);
    expect(a.metrics).toMatchObject({ lost_writes: 1, rpo_ms: 10 });
  });

  it('turns a throwing check into unknown, still runs the others, and reports an error verdict', () => {
    const checkers = CHECKERS.map((c) =>
      c.name === 'split-brain'
        ? {
            ...c,
            check: () => {
              throw new Error('boom');
            },
          }
        : c,
    );
    const a = analyze(scenario(gate), history().events, { checkers });
    expect(a.checks.find((c) => c.name === 'split-brain')).toEqual({ name: 'split-brain', valid: 'unknown', error: 'boom' });
    expect(a.metrics).toMatchObject({ max_concurrent_primaries: null, split_brain_ms: null, rto_ms: 2350, lost_writes: 0, convergence_ms: 2000 });
    expect(a.sla[2]).toEqual({
      metric: 'max_concurrent_primaries',
      threshold: '<= 1',
      observed: null,
      pass: false,
      status: 'unknown',
      note: 'not measured: check split-brain could not decide: boom',
    });
    expect(a.verdict).toBe('error');
  });

  it('fails rather than errors when a decided line also fails', () => {
    const strict: SlaRequirement[] = [...gate, { metric: 'rto_ms', op: '<', value: 1000, threshold: '< 1s' }];
    const checkers = CHECKERS.map((c) => (c.name === 'set' ? { ...c, check: () => { throw new TypeError('bad'); } } : c));
    const a = analyze(scenario(strict), history().events, { checkers });
    expect(a.sla.slice(0, 4).map((r) => r.status)).toEqual(['pass', 'unknown', 'pass', 'fail']);
    expect(a.verdict).toBe('fail');
  });

  it('is an error when the history lacks what a gated check needs (no final read)', () => {
    const a = analyze(scenario(gate), cleanFailover().events);
    expect(a.checks.find((c) => c.name === 'set')).toMatchObject({ valid: 'unknown' });
    expect(a.sla[1]?.note).toBe('not measured: check set could not decide: no final-read event: the final state was never read on a leader');
    expect(a.verdict).toBe('error');
  });

  it('returns every metric null on an empty history rather than throwing', () => {
    const a = analyze(scenario(), []);
    expect(a.metrics.rto_ms).toBeNull();
    expect(a.metrics.writes).toEqual({ ok: 0, fail: 0, info: 0, attempted: 0 });
    // Nothing observed cannot prove the split-brain invariant held: not a pass.
    expect(a.verdict).toBe('error');
  });
});
