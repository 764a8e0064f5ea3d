import { describe, expect, it } from 'vitest';
import type { FaultEvent, HistoryEvent } from '../history/events.js';
import type { SlaRequirement } from '../sla/types.js';
import { analyze } from './analyze.js';
import { cleanFailover, scenario } from './test-support.js';

const gate: SlaRequirement[] = [
  { metric: 'rto_ms', op: '<', value: 30_000, threshold: '< 30s' },
  { metric: 'lost_writes', op: '==', value: 0, threshold: '== 0' },
];

const UNKNOWN = 'step 3 (fault kill primary): whether pg1 was the primary when the fault acted is unknown: primary could not be read at the act (when the fault acted: unread (timeout); right after the act: unread (timeout))';

/** The clean failover of test-support, its final read holding every acknowledged key unless `lose` drops the first. */
function failover(o: { lose?: boolean } = {}) {
  const h = cleanFailover();
  const keys = h.okKeys();
  h.finalRead(11_500, o.lose === true ? keys.slice(1) : keys);
  return h;
}

/** The fault event of `id` and `phase` in `events`, changed in place. */
function patch(events: HistoryEvent[], id: string, phase: FaultEvent['phase'], fields: Partial<FaultEvent>): void {
  const f = events.find((e) => e.kind === 'fault' && e.id === id && e.phase === phase);
  if (f?.kind !== 'fault') throw new Error(`no ${phase} of ${id}`);
  Object.assign(f, fields);
}

const check = (a: ReturnType<typeof analyze>) => a.checks.find((c) => c.name === 'fault-evidence');

describe('fault-evidence: what a fault\'s own proof could not tell', () => {
  it('passes a run whose role reading proved the target held its role (unchanged)', () => {
    const h = failover();
    patch(h.events, 'f1', 'inject', { roleAtAct: 'primary when the fault acted: pg1; right after the act: pg1' });
    const a = analyze(scenario(gate), h.events);
    expect(check(a)).toEqual({ name: 'fault-evidence', valid: true });
    expect(a.verdict).toBe('pass');
  });

  it('makes a run unknown (verdict error), not a pass, when the role at the act is unknown and every other check passed', () => {
    const h = failover();
    patch(h.events, 'f1', 'inject', { roleAtAct: 'primary could not be read at the act', unknown: UNKNOWN });
    const a = analyze(scenario(gate), h.events);
    expect(a.checks.filter((c) => c.name !== 'fault-evidence').every((c) => c.valid === true)).toBe(true);
    expect(a.sla.every((l) => l.status === 'pass')).toBe(true);
    expect(check(a)).toEqual({ name: 'fault-evidence', valid: 'unknown', error: UNKNOWN });
    expect(a.verdict).toBe('error');
  });

  it('does not mask a failure: an unknown role beside a lost write is a fail', () => {
    const h = failover({ lose: true });
    patch(h.events, 'f1', 'inject', { unknown: UNKNOWN });
    const a = analyze(scenario(gate), h.events);
    expect(a.sla.find((l) => l.metric === 'lost_writes')?.status).toBe('fail');
    expect(check(a)?.valid).toBe('unknown');
    expect(a.verdict).toBe('fail');
  });

  it('two faults, one proven and one unknown: unknown, naming only the unknown one', () => {
    const h = failover();
    patch(h.events, 'f1', 'inject', { roleAtAct: 'primary when the fault acted: pg1; right after the act: pg1' });
    const second = 'step 5 (fault kill replica): whether pg3 was a replica when the fault acted is unknown: replica readings disagree';
    h.events.push({ kind: 'fault', t: 9_600, phase: 'inject', id: 'f2', action: 'kill', target: 'replica', resolved: ['pg3'], unknown: second });
    h.events.push({ kind: 'fault', t: 9_700, phase: 'heal', id: 'f2', action: 'kill', target: 'replica', resolved: ['pg3'] });
    const a = analyze(scenario(gate), h.events);
    expect(check(a)).toEqual({ name: 'fault-evidence', valid: 'unknown', error: second });
    expect(a.verdict).toBe('error');
    // The same two faults, both proven: a pass, so the unknown alone made the difference.
    const proven = failover();
    proven.events.push({ kind: 'fault', t: 9_600, phase: 'inject', id: 'f2', action: 'kill', target: 'replica', resolved: ['pg3'], roleAtAct: 'replica when the fault acted: pg3' });
    proven.events.push({ kind: 'fault', t: 9_700, phase: 'heal', id: 'f2', action: 'kill', target: 'replica', resolved: ['pg3'] });
    expect(analyze(scenario(gate), proven.events).verdict).toBe('pass');
  });

  it('makes a run unknown when a heal could not tell where the clients went, and lists every unknown in time order', () => {
    const h = failover();
    const healed = 'heal of f1 (kill on keepalived:haproxy1): how many clients went through haproxy2 is unknown (its HAProxy\'s stats could not be read)';
    patch(h.events, 'f1', 'heal', { unknown: healed });
    expect(analyze(scenario(gate), h.events).verdict).toBe('error');
    patch(h.events, 'f1', 'inject', { unknown: UNKNOWN });
    expect(check(analyze(scenario(gate), h.events))?.error).toBe(`${UNKNOWN}; ${healed}`);
  });
});
