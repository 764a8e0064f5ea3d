import { describe, expect, it } from 'vitest';
import { analyze } from './analyze.js';
import { withInvariants } from './invariants.js';
import { cleanFailover, HistoryBuilder, scenario } from './test-support.js';

const names = (lines: { metric: string; threshold: string }[]) => lines.map((r) => `${r.metric} ${r.threshold}`);

describe('the promises judged in every run (issue 11, case 7)', () => {
  it('adds the core promises a scenario did not name, with the data-loss figure of its replication mode', () => {
    const sync = withInvariants([{ metric: 'rto_ms', op: '<', value: 30_000, threshold: '< 30s' }], 'synchronous');
    expect(names(sync)).toEqual(['rto_ms < 30s', 'max_concurrent_primaries <= 1', 'lost_writes == 0', 'convergence_ms < 5m', 'unexpected_writes == 0', 'failed_steps == 0']);
    expect(sync.slice(1).every((r) => r.core === true && r.source?.startsWith('judged in every run'))).toBe(true);
    expect(names(withInvariants([], 'asynchronous'))).toContain('rpo_ms < 5s');
    expect(withInvariants([], 'asynchronous').find((r) => r.metric === 'convergence_ms')?.value).toBe(300_000);
  });

  it('lets a scenario loosen one only by naming it', () => {
    const own = { metric: 'max_concurrent_primaries' as const, op: '<=' as const, value: 2, threshold: '<= 2' };
    const got = withInvariants([own], 'synchronous');
    expect(got[0]).toEqual(own);
    expect(got.filter((r) => r.metric === 'max_concurrent_primaries')).toHaveLength(1);
  });
});

describe('analyze with the promises judged in every run', () => {
  it('fails a run in which two members were writable at once, though its SLA named only lost writes', () => {
    const h = new HistoryBuilder();
    const keys = h.steady(0, 1000, 100, 5);
    for (let t = 0; t <= 1000; t += 100) h.primary(t, 'pg1');
    for (let t = 400; t <= 1000; t += 100) h.primary(t, 'pg2');
    h.converged(1050, true, true).finalRead(1100, keys);
    const a = analyze(scenario([{ metric: 'lost_writes', op: '==', value: 0, threshold: '== 0' }]), h.events);
    expect(a.metrics.max_concurrent_primaries).toBe(2);
    expect(a.sla.find((s) => s.metric === 'max_concurrent_primaries')).toMatchObject({ pass: false, observed: 2, status: 'fail', core: true });
    expect(a.verdict).toBe('fail');
  });

  it('fails on lost writes under sync replication though the scenario judged only RTO', () => {
    const h = cleanFailover();
    h.finalRead(11_500, h.okKeys().filter((k) => k !== 48));
    const a = analyze(scenario([{ metric: 'rto_ms', op: '<', value: 30_000, threshold: '< 30s' }]), h.events);
    expect(a.sla.find((s) => s.metric === 'lost_writes')).toMatchObject({ status: 'fail', core: true, note: expect.stringContaining('1 acknowledged writes lost') });
    expect(a.verdict).toBe('fail');
  });

  it('fails on keys nobody wrote, whatever the scenario lists (issue 11, case 6)', () => {
    const h = cleanFailover();
    h.finalRead(11_500, [...h.okKeys(), 99_999]);
    const a = analyze(scenario([{ metric: 'rto_ms', op: '<', value: 30_000, threshold: '< 30s' }]), h.events);
    expect(a.sla.find((s) => s.metric === 'unexpected_writes')).toMatchObject({ observed: 1, status: 'fail' });
    expect(a.verdict).toBe('fail');
  });

  it('fails a run whose cluster never converged, though every listed line held (issue 11, case 1)', () => {
    const h = cleanFailover();
    h.converged(300_000, false, true).finalRead(300_100, h.okKeys());
    const a = analyze(scenario([{ metric: 'rto_ms', op: '<', value: 30_000, threshold: '< 30s' }]), h.events);
    expect(a.sla.find((s) => s.metric === 'convergence_ms')).toMatchObject({ observed: null, status: 'fail' });
    expect(a.verdict).toBe('fail');
  });

  it('fails a run in which a wait_for timed out or a heal failed, naming the step (issue 11, case 2)', () => {
    const h = cleanFailover();
    h.finalRead(11_500, h.okKeys());
    h.step(100_000, 3, 'wait_for new-leader (timeout 90 s)', false, 'timed out after 90000 ms waiting for new-leader: pg1 still holds the leader key');
    const a = analyze(scenario([{ metric: 'rto_ms', op: '<', value: 30_000, threshold: '< 30s' }]), h.events);
    const line = a.sla.find((s) => s.metric === 'failed_steps');
    expect(line).toMatchObject({ observed: 1, status: 'fail' });
    expect(line?.note).toContain('steps[3] wait_for new-leader (timeout 90 s): timed out');
    expect(a.verdict).toBe('fail');
    const healed = cleanFailover();
    healed.finalRead(11_500, healed.okKeys());
    healed.events.push({ kind: 'fault', t: 9000, phase: 'heal', id: 'f1', action: 'kill', target: 'primary', resolved: ['pg1'], error: 'patroni did not start' });
    expect(analyze(scenario([]), healed.events).sla.find((s) => s.metric === 'failed_steps')).toMatchObject({ observed: 1, status: 'fail', note: expect.stringContaining('heal of f1 (kill on pg1) failed: patroni did not start') });
  });

  it('judges async loss on the RPO: a loss within 5 s passes, and still shows', () => {
    const h = cleanFailover();
    h.finalRead(11_500, h.okKeys().filter((k) => k !== 48));
    const s = scenario([{ metric: 'rto_ms', op: '<', value: 30_000, threshold: '< 30s' }]);
    s.cluster.replication = 'asynchronous';
    const a = analyze(s, h.events);
    expect(a.sla.find((l) => l.metric === 'rpo_ms')).toMatchObject({ observed: 10, status: 'pass', core: true });
    expect(a.metrics.lost_writes).toBe(1);
    expect(a.verdict).toBe('pass');
  });
});
