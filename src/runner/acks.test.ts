import { describe, expect, it } from 'vitest';
import type { WriteEvent } from '../history/events.js';
import { AckLedger } from './acks.js';

let key = 0;
const ok = (start: number, node: string | undefined, timeline: number | undefined): WriteEvent => ({
  kind: 'write', key: ++key, writer: 0, start, end: start + 5, outcome: 'ok',
  ...(node === undefined ? {} : { node }), ...(timeline === undefined ? {} : { timeline }),
});

/** pg1 leads on timeline 1 until a fault at 1000; the step waiting for writable begins at 2000, the key now pg2's. */
function afterFailover(): AckLedger {
  const acks = new AckLedger();
  acks.record(ok(500, 'pg1', 1));
  acks.markFault();
  return acks;
}

describe('wait_for writable', () => {
  it('credits a write the workload could not name when its timeline is newer than any acknowledged before the fault (was: timed out on a healthy cluster)', () => {
    const acks = afterFailover();
    acks.record(ok(2100, undefined, 2));
    expect(acks.writableSince(2000, 'pg2', 'pg1')).toBe(true);
  });

  it('does not credit the old primary\'s stale acks after the key moved, named or not: they stay on its timeline', () => {
    const acks = afterFailover();
    acks.record(ok(2100, 'pg1', 1));
    acks.record(ok(2200, undefined, 1));
    acks.record(ok(2300, undefined, undefined)); // a history written before unnamed writes kept their timeline
    expect(acks.writableSince(2000, 'pg2', 'pg1')).toBe('no write acknowledged by the new leader pg2 since the step began');
  });

  it('credits the new leader by name, only for a write started once the step began', () => {
    const acks = afterFailover();
    acks.record(ok(1900, 'pg2', 2));
    expect(acks.writableSince(2000, 'pg2', 'pg1')).not.toBe(true);
    acks.record(ok(2050, 'pg2', 2));
    expect(acks.writableSince(2000, 'pg2', 'pg1')).toBe(true);
  });

  it('does not credit an unnamed write on a newer timeline started before the step', () => {
    const acks = afterFailover();
    acks.record(ok(1900, undefined, 2));
    expect(acks.writableSince(2000, 'pg2', 'pg1')).not.toBe(true);
  });

  it('does not credit an unnamed write when no timeline was acknowledged before the fault: nothing tells it from the old primary\'s', () => {
    const acks = new AckLedger();
    acks.markFault();
    acks.record(ok(2100, undefined, 2));
    expect(acks.writableSince(2000, 'pg2', 'pg1')).not.toBe(true);
  });

  it('takes any write started since the step began while the key has not moved', () => {
    const acks = afterFailover();
    acks.record(ok(2100, undefined, 1));
    expect(acks.writableSince(2000, 'pg1', 'pg1')).toBe(true);
    expect(new AckLedger().writableSince(2000, 'pg1', undefined)).toBe('no write acknowledged through the primary endpoint since the step began');
  });
});
