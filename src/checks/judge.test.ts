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
