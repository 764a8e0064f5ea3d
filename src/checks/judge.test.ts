import { describe, expect, it } from 'vitest';
import type { KnownFinding } from '../sla/known-findings.js';
import { loadKnownFindings } from '../scenario/load-known-findings.js';
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

describe('judge: a known finding scoped to one step (failed_steps)', () => {
  const slotLost: KnownFinding = {
    scenario: 'hand-made', metric: 'failed_steps', step: 5, versions: { patroni: '< 4.0.10 || >= 4.1.0 < 4.1.4' }, reason: 'lost slot never recreated', reference: 'patroni#3659', up_to: '1',
  };
  const o = { versions: at('4.0.7'), deferStats: false, knownFindings: [slotLost], strict: false };
  /** A clean run whose steps ended as given: [index, ok]. */
  function stepsEnded(...ended: [number, boolean][]) {
    const h = cleanFailover();
    h.finalRead(11_500, h.okKeys());
    for (const [i, [index, ok]] of ended.entries()) h.step(9_500 + i * 100, index, `exec on primary #${index}`, ok, ok ? undefined : 'exit code 1 (expected 0)');
    return h;
  }
  const judged = (h: ReturnType<typeof stepsEnded>) => judge(scenario([]), h.events, o);

  it('excuses the failure of that step alone: status known, verdict pass', () => {
    const a = judged(stepsEnded([4, true], [5, false], [6, true]));
    expect(a.sla.find((l) => l.metric === 'failed_steps')).toMatchObject({ status: 'known', observed: 1, known: { reproduced: true, step: 5, up_to: '1' } });
    expect(a.known).toEqual([{ finding: slotLost, status: 'reproduced' }]);
    expect(a.verdict).toBe('pass');
  });

  it('counts the line when another step failed too, naming that step and the finding', () => {
    const a = judged(stepsEnded([5, false], [6, false]));
    const line = a.sla.find((l) => l.metric === 'failed_steps');
    expect(line?.status).toBe('fail');
    expect(line?.note).toContain("not covered by known finding's step steps[5]: also failed: steps[6] exec on primary #6: exit code 1 (expected 0): lost slot never recreated (patroni#3659)");
    expect(a.known).toMatchObject([{ status: 'exceeded' }]);
    expect(a.verdict).toBe('fail');
  });

  it('counts a failed heal beside the step: a cure is never the step\'s own failure', () => {
    const h = stepsEnded([5, false]);
    h.events.push({ kind: 'fault', t: 10_500, phase: 'heal', id: 'f1', action: 'kill', target: 'primary', resolved: ['pg1'], error: 'docker start failed' });
    const a = judged(h);
    expect(a.sla.find((l) => l.metric === 'failed_steps')?.note).toContain('also failed: heal of f1 (kill on pg1) failed: docker start failed');
    expect(a.verdict).toBe('fail');
  });

  it('counts the line when only another step failed, even one whose text names the step', () => {
    const h = stepsEnded([4, true]);
    h.step(9_700, 3, 'exec on primary: echo steps[5]', false, 'steps[5] exit code 1');
    const a = judged(h);
    const line = a.sla.find((l) => l.metric === 'failed_steps');
    expect(line).toMatchObject({ status: 'fail', observed: 1 });
    expect(line?.note).toContain("not covered by known finding's step steps[5]: steps[5] did not fail; what failed: steps[3]");
    expect(a.verdict).toBe('fail');
  });

  it('re-arms the shipped lost-slot finding outside its range: Patroni 4.0.10 and 4.1.4 drop the lost slot', () => {
    const shipped = loadKnownFindings(new URL('../../scenarios/known-findings.yaml', import.meta.url).pathname).filter((f) => f.scenario === 'lost-slot');
    const lostSlot = { ...scenario([]), name: 'lost-slot' };
    const verdictAt = (patroni: string) => judge(lostSlot, stepsEnded([5, false]).events, { ...o, versions: at(patroni), knownFindings: shipped }).verdict;
    expect(['4.0.10', '4.1.4', '4.1.5', '5.0.0'].map(verdictAt)).toEqual(['fail', 'fail', 'fail', 'fail']);
    expect(['3.0.2', '4.0.7', '4.1.0', '4.1.3'].map(verdictAt)).toEqual(['pass', 'pass', 'pass', 'pass']);
    const outside = judge(lostSlot, stepsEnded([5, false]).events, { ...o, versions: at('4.0.10'), knownFindings: shipped });
    expect(outside.sla.find((l) => l.metric === 'failed_steps')?.note ?? '').not.toContain('known finding');
    expect(outside.known).toEqual([]);
  });

  it('counts it with --strict, saying so only where the finding would have excused it', () => {
    const a = judge(scenario([]), stepsEnded([5, false]).events, { ...o, strict: true });
    expect(a.sla.find((l) => l.metric === 'failed_steps')).toMatchObject({ status: 'fail', note: expect.stringContaining('counted because of --strict; known finding otherwise: lost slot never recreated (patroni#3659)') });
    expect(a.known).toEqual([]);
    expect(a.verdict).toBe('fail');
    const other = judge(scenario([]), stepsEnded([3, false], [5, true]).events, { ...o, strict: true });
    expect(other.sla.find((l) => l.metric === 'failed_steps')?.note ?? '').not.toContain('known finding otherwise');
    expect(other.verdict).toBe('fail');
  });

  it('notes that it did not reproduce when no step failed', () => {
    const a = judged(stepsEnded([5, true]));
    expect(a.known).toEqual([{ finding: slotLost, status: 'absent' }]);
    expect(a.verdict).toBe('pass');
  });
});
