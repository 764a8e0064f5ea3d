import { describe, expect, it } from 'vitest';
import type { KnownFinding } from '../sla/known-findings.js';
import { judge } from './judge.js';
import { cleanFailover, scenario } from './test-support.js';

const frozenPrimary: KnownFinding = {
  scenario: 'hand-made', metric: 'lost_writes', versions: { patroni: '< 3.0.3' }, reason: 'frozen primary retakes its key', reference: 'Patroni 3.0.3', up_to: '10',
};

function lossyRun() {
  const h = cleanFailover();
  h.finalRead(11_500, h.okKeys().filter((k) => k !== 48));
  return h.events;
}

const at = (patroni: string | null) => ({ postgres: '15.18', patroni, etcd: '3.4.23', haproxy: '2.6.12-1+deb12u4' });

describe('judge: known findings (issue 11, a nightly red only for news)', () => {
  it('excuses a reproduced finding inside its version range: status known, verdict pass', () => {
    const a = judge(scenario([]), lossyRun(), { versions: at('3.0.2'), deferStats: false, knownFindings: [frozenPrimary], strict: false });
    expect(a.sla.find((l) => l.metric === 'lost_writes')).toMatchObject({ status: 'known', known: { reproduced: true } });
    expect(a.known).toEqual([{ finding: frozenPrimary, status: 'reproduced' }]);
    expect(a.verdict).toBe('pass');
  });

  it('counts it again with --strict', () => {
    expect(judge(scenario([]), lossyRun(), { versions: at('3.0.2'), deferStats: false, knownFindings: [frozenPrimary], strict: true }).verdict).toBe('fail');
  });

  it('re-arms it outside its range (after an upgrade) and for a version it could not read', () => {
    expect(judge(scenario([]), lossyRun(), { versions: at('4.0.7'), deferStats: false, knownFindings: [frozenPrimary], strict: false }).verdict).toBe('fail');
    expect(judge(scenario([]), lossyRun(), { versions: at(null), deferStats: false, knownFindings: [frozenPrimary], strict: false }).verdict).toBe('fail');
  });

  it('says when a known finding did not reproduce', () => {
    const h = cleanFailover();
    h.finalRead(11_500, h.okKeys());
    const a = judge(scenario([]), h.events, { versions: at('3.0.2'), deferStats: false, knownFindings: [frozenPrimary], strict: false });
    expect(a.verdict).toBe('pass');
    expect(a.known).toEqual([{ finding: frozenPrimary, status: 'absent' }]);
    expect(a.sla.find((l) => l.metric === 'lost_writes')).toMatchObject({ status: 'pass', known: { reproduced: false } });
  });

  it('does not excuse another metric of the same scenario', () => {
    const events = lossyRun();
    events.push({ kind: 'step', t: 20_000, index: 3, step: 'wait_for new-leader (timeout 90 s)', phase: 'end', ok: false, error: 'timed out' });
    expect(judge(scenario([]), events, { versions: at('3.0.2'), deferStats: false, knownFindings: [frozenPrimary], strict: false }).verdict).toBe('fail');
  });
});

describe('judge: known findings bounded and scoped to a fault (issue 19)', () => {
  /** cleanFailover's kill (f1) at 5000, then a stop (f2) in force at 9010; pg2 keeps acknowledging. */
  function killThenStop(lostAckedAt: number[]) {
    const h = cleanFailover();
    h.inject(9000, 'f2', 'stop', ['pg2'], 9010);
    const lost = new Set(h.events.flatMap((e) => (e.kind === 'write' && lostAckedAt.includes(e.end) ? [e.key] : [])));
    h.finalRead(11_500, h.okKeys().filter((k) => !lost.has(k)));
    return h.events;
  }
  const inStop: KnownFinding = { ...frozenPrimary, fault: 'stop' };
  const o = { versions: at('3.0.2'), deferStats: false, knownFindings: [inStop], strict: false };

  it('excuses losses acknowledged in the stop fault\'s era', () => {
    const a = judge(scenario([]), killThenStop([9350, 9450]), o);
    expect(a.sla.find((l) => l.metric === 'lost_writes')).toMatchObject({ status: 'known', observed: 2, known: { fault: 'stop' } });
    expect(a.verdict).toBe('pass');
  });

  it('counts a loss in the kill fault\'s era, naming the finding', () => {
    const a = judge(scenario([]), killThenStop([7350, 9350]), o);
    const line = a.sla.find((l) => l.metric === 'lost_writes');
    expect(line?.status).toBe('fail');
    expect(line?.note).toMatch(/not attributable to known finding's fault stop: 1 of 2 outside every stop fault's era, e\.g\. lost key \d+ \(in the era of fault f1 \(kill\)\): frozen primary retakes its key \(Patroni 3\.0\.3\)$/);
    expect(a.known).toMatchObject([{ status: 'exceeded' }]);
    expect(a.verdict).toBe('fail');
  });

  it('counts a loss beyond the bound, even inside the fault', () => {
    const a = judge(scenario([]), killThenStop([9350, 9450]), { ...o, knownFindings: [{ ...inStop, up_to: '1' }] });
    expect(a.sla.find((l) => l.metric === 'lost_writes')?.note).toContain("2 is beyond known finding's bound up_to 1");
    expect(a.verdict).toBe('fail');
  });
});
