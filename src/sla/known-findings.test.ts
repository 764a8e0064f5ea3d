import { describe, expect, it } from 'vitest';
import { applyKnownFindings, inRange, type KnownFinding } from './known-findings.js';
import type { SlaResult } from './types.js';

const versions = { postgres: '15.18', patroni: '3.0.2', etcd: '3.4.23', haproxy: '2.6.12-1+deb12u4' };
const finding = (v: KnownFinding['versions']): KnownFinding => ({ scenario: 's', metric: 'lost_writes', versions: v, reason: 'why', reference: 'ref', up_to: '10' });
const line = (status: SlaResult['status']): SlaResult => ({ metric: 'lost_writes', threshold: '== 0', observed: status === 'pass' ? 0 : 5, pass: status === 'pass', status });

describe('known findings', () => {
  it('matches semver ranges, Debian version strings included, every named component', () => {
    expect(inRange(finding({ patroni: '< 3.0.3' }), versions)).toBe(true);
    expect(inRange(finding({ patroni: '< 3.0.2' }), versions)).toBe(false);
    expect(inRange(finding({ haproxy: '>= 2.6.0 < 2.7.0' }), versions)).toBe(true);
    expect(inRange(finding({ postgres: '15.x' }), versions)).toBe(true);
    expect(inRange(finding({ patroni: '< 3.0.3', postgres: '>= 16' }), versions)).toBe(false);
  });

  it('never excuses a build whose version could not be read', () => {
    expect(inRange(finding({ patroni: '< 3.0.3' }), { ...versions, patroni: null })).toBe(false);
  });

  it('marks a failed line known inside the range, leaves it failed outside (an upgrade re-arms it)', () => {
    const inside = applyKnownFindings([line('fail')], 's', versions, [finding({ patroni: '< 3.0.3' })]);
    expect(inside.sla[0]).toMatchObject({ status: 'known', known: { reason: 'why', reference: 'ref', reproduced: true } });
    expect(inside.outcomes.map((o) => o.status)).toEqual(['reproduced']);
    const upgraded = applyKnownFindings([line('fail')], 's', { ...versions, patroni: '4.0.7' }, [finding({ patroni: '< 3.0.3' })]);
    expect(upgraded.sla[0]?.status).toBe('fail');
    expect(upgraded.outcomes).toEqual([]);
  });

  it('notes a finding that did not reproduce, and touches no other scenario or metric', () => {
    const absent = applyKnownFindings([line('pass')], 's', versions, [finding({ patroni: '< 3.0.3' })]);
    expect(absent.sla[0]).toMatchObject({ status: 'pass', known: { reproduced: false } });
    expect(absent.outcomes.map((o) => o.status)).toEqual(['absent']);
    expect(applyKnownFindings([line('fail')], 'other', versions, [finding({ patroni: '< 3.0.3' })]).sla[0]?.status).toBe('fail');
    expect(applyKnownFindings([{ ...line('fail'), metric: 'rpo_ms' }], 's', versions, [finding({ patroni: '< 3.0.3' })]).sla[0]?.status).toBe('fail');
  });

  it('leaves lines that could not be judged alone: an unknown is not a reproduction', () => {
    expect(applyKnownFindings([line('unknown')], 's', versions, [finding({ patroni: '< 3.0.3' })]).sla[0]?.status).toBe('unknown');
  });

  it('reads the upstream version out of a packaged version string', () => {
    const haproxy = finding({ haproxy: '>= 2.6.0 < 2.7.0' });
    expect(inRange(haproxy, { ...versions, haproxy: '2.6.12-1+deb12u1' })).toBe(true);
    expect(inRange(haproxy, { ...versions, haproxy: '2.8.5-1ubuntu3' })).toBe(false);
    expect(inRange(haproxy, { ...versions, haproxy: 'unknown' })).toBe(false);
  });

  it('leaves a line judged over the iterations to that judgement, and does not modify its input', () => {
    const deferred: SlaResult = { ...line('fail'), status: 'deferred', stat: 'p95' };
    expect(applyKnownFindings([deferred], 's', versions, [finding({ patroni: '< 3.0.3' })])).toEqual({ sla: [deferred], outcomes: [] });
    const input = [line('fail')];
    applyKnownFindings(input, 's', versions, [finding({ patroni: '< 3.0.3' })]);
    expect(input).toEqual([line('fail')]);
  });

  it('covers only the scenario files of its own folder, not another file of the same name', () => {
    const here = { ...finding({ patroni: '< 3.0.3' }), dir: '/repo/scenarios' };
    expect(applyKnownFindings([line('fail')], 's', versions, [here], { scenarioFile: '/repo/scenarios/s.yaml' }).sla[0]?.status).toBe('known');
    expect(applyKnownFindings([line('fail')], 's', versions, [here], { scenarioFile: '/tmp/mine/s.yaml' }).sla[0]?.status).toBe('fail');
    expect(applyKnownFindings([line('fail')], 's', versions, [here]).sla[0]?.status).toBe('fail');
  });

  it('covers a failure only up to its bound: beyond it the line fails, naming the finding (issue 19)', () => {
    const outage = (observed: number | null): SlaResult => ({ metric: 'unavailability_ms', threshold: '< 5s', observed, pass: false, status: 'fail', note: 'writes stopped' });
    const switchover: KnownFinding = { scenario: 's', metric: 'unavailability_ms', versions: { haproxy: '>= 2.6.0 < 3.1.0' }, reason: 'HAProxy checks', reference: '002', up_to: '6s' };
    expect(applyKnownFindings([outage(5_500)], 's', versions, [switchover]).sla[0]).toMatchObject({ status: 'known', known: { up_to: '6s' } });
    expect(applyKnownFindings([outage(6_000)], 's', versions, [switchover]).sla[0]?.status).toBe('known');
    const beyond = applyKnownFindings([outage(24_300)], 's', versions, [switchover]);
    expect(beyond.sla[0]).toMatchObject({ status: 'fail', note: "writes stopped; 24.3 s is beyond known finding's bound up_to 6s: HAProxy checks (002)" });
    expect(beyond.sla[0]?.known).toBeUndefined();
    expect(beyond.outcomes).toEqual([{ finding: switchover, status: 'exceeded', note: "24.3 s is beyond known finding's bound up_to 6s" }]);
  });

  it('does not excuse a failed line that was not measured: it cannot be shown within the bound', () => {
    const unmeasured: SlaResult = { ...line('fail'), observed: null };
    const out = applyKnownFindings([unmeasured], 's', versions, [finding({ patroni: '< 3.0.3' })]);
    expect(out.sla[0]?.status).toBe('fail');
    expect(out.sla[0]?.note).toContain("not measured, so not shown within known finding's bound up_to 10");
  });

  it('does not bound a line that fails low or anywhere: up_to would excuse every failure of it (review of issue 19)', () => {
    const atLeast = (threshold: string): SlaResult => ({ metric: 'leader_changes', threshold, observed: 0, pass: false, status: 'fail' });
    const moved: KnownFinding = { scenario: 's', metric: 'leader_changes', versions: { patroni: '< 3.0.3' }, reason: 'no failover', reference: 'ref', up_to: '3' };
    for (const threshold of ['>= 1', '> 0', '!= 0']) {
      const out = applyKnownFindings([atLeast(threshold)], 's', versions, [moved]);
      expect(out.sla[0]).toMatchObject({ status: 'fail', note: `the line's threshold ${threshold} does not fail above a figure, so known finding's bound up_to 3 cannot bound it: no failover (ref)` });
      expect(out.outcomes.map((o) => o.status)).toEqual(['exceeded']);
    }
    expect(applyKnownFindings([{ ...atLeast('<= 1'), observed: 2 }], 's', versions, [moved]).sla[0]?.status).toBe('known');
  });

  it('does not excuse a failure with a bound it cannot read (a hand-made finding)', () => {
    expect(applyKnownFindings([line('fail')], 's', versions, [{ ...finding({ patroni: '< 3.0.3' }), up_to: '6s' }]).sla[0]?.status).toBe('fail');
  });

  describe('scoped to a fault', () => {
    const stop = { ...finding({ patroni: '< 3.0.3' }), fault: 'stop' };
    const asked: Array<[string, string]> = [];
    const attributing = (why: string | undefined) => (metric: string, action: string) => { asked.push([metric, action]); return why; };

    it('excuses the failure when its evidence is all in that fault\'s eras, and says so', () => {
      const out = applyKnownFindings([line('fail')], 's', versions, [stop], { attribute: attributing(undefined) });
      expect(out.sla[0]).toMatchObject({ status: 'known', known: { fault: 'stop', up_to: '10' } });
      expect(asked.at(-1)).toEqual(['lost_writes', 'stop']);
    });

    it('counts it when some evidence is not, naming the finding and why', () => {
      const out = applyKnownFindings([line('fail')], 's', versions, [stop], { attribute: attributing('1 of 5 outside every stop fault\'s era, e.g. lost key 3') });
      expect(out.sla[0]).toMatchObject({ status: 'fail', note: "not attributable to known finding's fault stop: 1 of 5 outside every stop fault's era, e.g. lost key 3: why (ref)" });
      expect(out.outcomes.map((o) => o.status)).toEqual(['exceeded']);
    });

    it('counts it when there is no history to attribute from (a line judged over the iterations)', () => {
      expect(applyKnownFindings([line('fail')], 's', versions, [stop]).sla[0]?.status).toBe('fail');
    });

    it('never excuses a line judged on a statistic over the iterations, even with a history at hand, and says why', () => {
      const p95: SlaResult = { ...line('fail'), stat: 'p95' };
      const out = applyKnownFindings([p95], 's', versions, [stop], { attribute: attributing(undefined) });
      expect(out.sla[0]).toMatchObject({ status: 'fail', note: 'judged on the p95 over the iterations, which no single run\'s history shows; a finding scoped to fault stop never excuses such a line: why (ref)' });
      expect(applyKnownFindings([p95], 's', versions, [finding({ patroni: '< 3.0.3' })]).sla[0]?.status).toBe('known');
    });

    it('is checked against its bound before its fault', () => {
      const out = applyKnownFindings([{ ...line('fail'), observed: 11 }], 's', versions, [stop], { attribute: attributing(undefined) });
      expect(out.sla[0]?.note).toContain("11 is beyond known finding's bound up_to 10");
    });

    it('lets another finding of the same line cover what one does not', () => {
      const kill = { ...stop, fault: 'kill', reason: 'kill defect' };
      const attribute = (_metric: string, action: string) => (action === 'kill' ? undefined : 'not in a stop era');
      const out = applyKnownFindings([line('fail')], 's', versions, [stop, kill], { attribute });
      expect(out.sla[0]).toMatchObject({ status: 'known', known: { reason: 'kill defect', fault: 'kill' } });
      expect(out.outcomes).toEqual([{ finding: kill, status: 'reproduced' }]);
    });
  });

  it('counts every failure with strict, and names on the line the finding that would have excused it', () => {
    const strict = applyKnownFindings([line('fail'), line('pass')], 's', versions, [finding({ patroni: '< 3.0.3' })], { strict: true });
    expect(strict.outcomes).toEqual([]);
    expect(strict.sla[0]).toMatchObject({ status: 'fail', pass: false, note: 'counted because of --strict; known finding otherwise: why (ref)' });
    expect(strict.sla[0]?.known).toBeUndefined();
    expect(strict.sla[1]).toEqual(line('pass'));
  });

  it('with strict, names no finding where it would not have excused the line (out of range, beyond its bound)', () => {
    const f = finding({ patroni: '< 3.0.3' });
    expect(applyKnownFindings([line('fail')], 's', { ...versions, patroni: '4.0.7' }, [f], { strict: true }).sla).toEqual([line('fail')]);
    expect(applyKnownFindings([{ ...line('fail'), observed: 11 }], 's', versions, [f], { strict: true }).sla).toEqual([{ ...line('fail'), observed: 11 }]);
  });
});
