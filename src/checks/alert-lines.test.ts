import { describe, expect, it } from 'vitest';
import type { AlertEvaluationEvent, HistoryEvent } from '../history/events.js';
import { loadScenarioText } from '../scenario/load.js';
import { analyze } from './analyze.js';
import { judgeAlertLines } from './alert-lines.js';
import { verdictOf } from './verdict.js';

const FAULT = 100_000;
const faulting = (lines: string) => loadScenarioText(`name: a\nsteps:\n  - fault: { action: kill, target: primary }\n  - sleep: 2m\nsla:\n  alerts: { ${lines} }\n`, 'a.yaml');
const quiet = (lines = '') => loadScenarioText(`name: q\nsteps:\n  - sleep: 2m\n${lines === '' ? '' : `sla:\n  alerts: { ${lines} }\n`}`, 'q.yaml');

type Rule = AlertEvaluationEvent['rules'][number];
/** Its series, matched on one instance all run (what a rule needs to be able to fire). */
const INPUTS: Rule['inputs'] = [{ selector: 'patroni_master', instances: [{ instance: 'a:1', gaps: [] }] }];
const rule = (name: string, intervals: Rule['intervals'] = [], o: Partial<Rule> = {}): Rule => ({ name, file: 'f', severity: 'critical', health: 'ok', intervals, inputs: INPUTS, ...o });
const TARGETS: AlertEvaluationEvent['targets'] = [{ job: 'patroni', instance: 'a:1', health: 'up', down: [] }];
const evaluation = (rules: Rule[], o: Partial<AlertEvaluationEvent> = {}): AlertEvaluationEvent => ({
  kind: 'alert-evaluation', t: FAULT + 200_000, evaluated: true, from: FAULT - 10_000, to: FAULT + 190_000, interval_ms: 1000, rules, targets: TARGETS, adapted: [], ...o,
});
const RULES = () => [rule('PostgresNoLeader'), rule('EtcdUnhealthy'), rule('PostgresInsufficientReplicas', [], { severity: 'warning' })];
const history = (e?: AlertEvaluationEvent, fault = true): HistoryEvent[] => [
  { kind: 'step', t: FAULT - 1000, index: 0, step: 'first', phase: 'start' },
  ...(fault ? [{ kind: 'fault' as const, t: FAULT, phase: 'inject' as const, id: 'f1', action: 'kill', target: 'primary', resolved: ['patroni1'] }] : []),
  { kind: 'step', t: FAULT + 180_000, index: 1, step: 'last', phase: 'end' },
  ...(e === undefined ? [] : [e]),
];
const firing = (from: number, to: number | null) => ({ state: 'firing' as const, from, to });
const pending = (from: number, to: number | null) => ({ state: 'pending' as const, from, to });
const statusOf = (lines: ReturnType<typeof judgeAlertLines>) => lines.map((l) => [l.rule, l.status]);

describe('alert lines: fires within', () => {
  it('passes on the first firing after the fault within the limit, with the delay observed', () => {
    const [l] = judgeAlertLines(faulting('PostgresNoLeader: "fires within 90s"'), history(evaluation([rule('PostgresNoLeader', [pending(FAULT + 1000, FAULT + 61_000), firing(FAULT + 61_000, FAULT + 95_000)])])));
    expect(l).toMatchObject({ status: 'pass', pass: true, observed_ms: 61_000 });
    expect(l?.note).toMatch(/^fired 1 min 01 s after the first fault, resolved 1 min 35 s after the first fault$/);
  });

  it('fails when it fired after the limit', () => {
    const [l] = judgeAlertLines(faulting('PostgresNoLeader: "fires within 70s"'), history(evaluation([rule('PostgresNoLeader', [firing(FAULT + 71_000, null)])])));
    expect(l).toMatchObject({ status: 'fail', observed_ms: 71_000 });
  });

  it('no Prometheus in the run: unknown, never pass', () => {
    const [l] = judgeAlertLines(faulting('PostgresNoLeader: "fires within 90s"'), history(undefined));
    expect(l).toMatchObject({ status: 'unknown', pass: false });
    expect(l?.note).toMatch(/no Prometheus/);
  });

  it('a Prometheus that never evaluated: unknown with its reason', () => {
    const [l] = judgeAlertLines(faulting('PostgresNoLeader: "fires within 90s"'), history(evaluation(RULES(), { evaluated: false, why: 'rule groups not evaluated yet: x', from: null, to: null })));
    expect(l).toMatchObject({ status: 'unknown', note: 'rule groups not evaluated yet: x' });
  });

  it('a Prometheus that began evaluating after the fault: unknown, even if the rule then fired', () => {
    const [l] = judgeAlertLines(faulting('PostgresNoLeader: "fires within 90s"'), history(evaluation([rule('PostgresNoLeader', [firing(FAULT + 20_000, null)])], { from: FAULT + 5000 })));
    expect(l?.status).toBe('unknown');
  });

  it('already firing when the fault came: fail, its firing is not the fault\'s', () => {
    const [l] = judgeAlertLines(faulting('PostgresNoLeader: "fires within 90s"'), history(evaluation([rule('PostgresNoLeader', [firing(FAULT - 5000, FAULT + 30_000)])])));
    expect(l).toMatchObject({ status: 'fail' });
    expect(l?.note).toMatch(/already firing when the first fault was injected/);
  });

  it('fired before the fault and resolved before it: only a firing after the fault counts', () => {
    const before = firing(FAULT - 8000, FAULT - 2000);
    expect(judgeAlertLines(faulting('PostgresNoLeader: "fires within 90s"'), history(evaluation([rule('PostgresNoLeader', [before])])))[0]?.status).toBe('fail');
    expect(judgeAlertLines(faulting('PostgresNoLeader: "fires within 90s"'), history(evaluation([rule('PostgresNoLeader', [before, firing(FAULT + 10_000, null)])])))[0]).toMatchObject({ status: 'pass', observed_ms: 10_000 });
  });

  it('fired and resolved twice: judged on the first firing after the fault', () => {
    const [l] = judgeAlertLines(faulting('PostgresNoLeader: "fires within 90s"'), history(evaluation([rule('PostgresNoLeader', [firing(FAULT + 70_000, FAULT + 75_000), firing(FAULT + 80_000, FAULT + 85_000)])])));
    expect(l).toMatchObject({ status: 'pass', observed_ms: 70_000 });
  });

  it('a rule that cannot fire (never active) fails once Prometheus watched the whole limit, and is unknown before', () => {
    const e = evaluation([rule('PostgresNoLeader')]);
    expect(judgeAlertLines(faulting('PostgresNoLeader: "fires within 90s"'), history(e))[0]).toMatchObject({ status: 'fail', observed_ms: null });
    expect(judgeAlertLines(faulting('PostgresNoLeader: "fires within 90s"'), history(e))[0]?.note).toMatch(/never even pending/);
    const short = evaluation([rule('PostgresNoLeader')], { to: FAULT + 40_000 });
    expect(judgeAlertLines(faulting('PostgresNoLeader: "fires within 90s"'), history(short))[0]?.status).toBe('unknown');
  });

  it('pending but never firing: fail, and says its for: was not reached', () => {
    const [l] = judgeAlertLines(faulting('PostgresNoLeader: "fires within 90s"'), history(evaluation([rule('PostgresNoLeader', [pending(FAULT + 1000, FAULT + 15_000)])])));
    expect(l?.status).toBe('fail');
    expect(l?.note).toMatch(/pending 1 time\(s\), at most 14.0 s/);
  });

  it('a rule Prometheus could not evaluate (health err) or did not load: unknown', () => {
    expect(judgeAlertLines(faulting('PostgresNoLeader: "fires within 90s"'), history(evaluation([rule('PostgresNoLeader', [], { health: 'err', last_error: 'bad' })])))[0]?.status).toBe('unknown');
    expect(judgeAlertLines(faulting('PostgresNoLeader: "fires within 90s"'), history(evaluation([])))[0]?.status).toBe('unknown');
  });

  it('no fault injected (the fault step never ran): unknown', () => {
    expect(judgeAlertLines(faulting('PostgresNoLeader: "fires within 90s"'), history(evaluation([rule('PostgresNoLeader', [firing(FAULT, null)])]), false))[0]?.status).toBe('unknown');
  });
});

describe('fires within that did not fire: a failure only where the rule could have fired', () => {
  const within = (r: Rule, o: Partial<AlertEvaluationEvent> = {}) => judgeAlertLines(faulting('PostgresNodeUnhealthy: "fires within 90s"'), history(evaluation([r], o)))[0];
  const gap = (from: number, to: number, pooled = false): Rule['inputs'] => [{ selector: 'patroni_postgres_running', ...(pooled ? { pooled: true as const } : {}), instances: [{ instance: 'a:1', gaps: [{ from, to }] }] }];

  it('its series gone within [fault, fault + D] (the killed member\'s): unknown, not a fail; a gap after fault + D does not count', () => {
    expect(within(rule('PostgresNodeUnhealthy', [], { inputs: gap(FAULT + 1000, FAULT + 40_000) }))).toMatchObject({ status: 'unknown', note: expect.stringMatching(/did not fire within 1 min 30 s of the first fault, but could not have fired while patroni_postgres_running matched no series of a:1 \(1.0 s after the first fault for 39.0 s\)/) });
    expect(within(rule('PostgresNodeUnhealthy', [], { inputs: gap(FAULT + 95_000, FAULT + 120_000) }))?.status).toBe('fail');
  });

  it('a target not scraped within the window, or the scrapes or series not read: unknown', () => {
    expect(within(rule('PostgresNodeUnhealthy'), { targets: [{ job: 'patroni', instance: 'a:1', health: 'up', down: [{ from: FAULT + 5000, to: FAULT + 9000 }] }] })?.status).toBe('unknown');
    expect(within(rule('PostgresNodeUnhealthy'), { targets: [{ job: 'patroni', instance: 'a:1', health: 'up' }] })?.status).toBe('unknown');
    expect(within(rule('PostgresNodeUnhealthy', [], { inputs: undefined }))?.status).toBe('unknown');
  });

  it('a series no target exported all run is no gap: the rule cannot fire on this release, and the line fails saying so', () => {
    expect(within(rule('PostgresNodeUnhealthy', [], { inputs: [{ selector: 'patroni_master', instances: [] }] }))).toMatchObject({ status: 'fail', note: expect.stringMatching(/patroni_master matched no series all run \(nothing exported it\), so it cannot fire here/) });
  });

  it('fired within D despite a gap: still a pass (the gap only weakens a failure)', () => {
    expect(within(rule('PostgresNodeUnhealthy', [firing(FAULT + 61_000, null)], { inputs: gap(FAULT + 1000, FAULT + 40_000) }))?.status).toBe('pass');
  });
});

describe('alert lines: never fires', () => {
  it('fired and resolved twice: fail, listing both', () => {
    const [l] = judgeAlertLines(faulting('EtcdUnhealthy: "never fires"'), history(evaluation([rule('EtcdUnhealthy', [firing(FAULT + 1000, FAULT + 2000), firing(FAULT + 5000, FAULT + 9000)])])));
    expect(l?.status).toBe('fail');
    expect(l?.note).toMatch(/fired 2 time\(s\)/);
  });

  it('passes only when Prometheus watched from before the first step to the last', () => {
    expect(judgeAlertLines(faulting('EtcdUnhealthy: "never fires"'), history(evaluation([rule('EtcdUnhealthy')])))[0]?.status).toBe('pass');
    expect(judgeAlertLines(faulting('EtcdUnhealthy: "never fires"'), history(evaluation([rule('EtcdUnhealthy')], { from: FAULT })))[0]?.status).toBe('unknown');
    expect(judgeAlertLines(faulting('EtcdUnhealthy: "never fires"'), history(evaluation([rule('EtcdUnhealthy')], { to: FAULT + 100_000 })))[0]?.status).toBe('unknown');
  });
});

describe('never fires needs the rule\'s series there all along', () => {
  const never = (r: Rule, o: Partial<AlertEvaluationEvent> = {}) => judgeAlertLines(faulting('EtcdUnhealthy: "never fires"'), history(evaluation([r], o)))[0];

  it('a selector that matched no series all run (nothing exports it): unknown, not a pass', () => {
    const l = never(rule('EtcdUnhealthy', [], { inputs: [{ selector: 'etcd_server_has_leader', instances: [] }] }));
    expect(l?.status).toBe('unknown');
    expect(l?.note).toMatch(/etcd_server_has_leader matched no series all run/);
  });

  it('an instance whose series vanished during the span (its target down): unknown; a gap before the first step does not count', () => {
    const gap = (from: number, to: number): Rule['inputs'] => [{ selector: 'etcd_server_has_leader', instances: [{ instance: 'a:1', gaps: [{ from, to }] }] }];
    expect(never(rule('EtcdUnhealthy', [], { inputs: gap(FAULT + 5000, FAULT + 65_000) }))).toMatchObject({ status: 'unknown', note: expect.stringMatching(/matched no series of a:1 \(6.0 s after the first step for 1 min 00 s\)/) });
    expect(never(rule('EtcdUnhealthy', [], { inputs: gap(FAULT - 9000, FAULT - 2000) }))?.status).toBe('pass');
  });

  it('a target without a successful scrape during the span (a stalled Prometheus), or scrapes not read: unknown', () => {
    expect(never(rule('EtcdUnhealthy'), { targets: [{ job: 'patroni', instance: 'a:1', health: 'up', down: [{ from: FAULT + 1000, to: FAULT + 20_000 }] }] })?.note).toMatch(/no successful scrape of patroni a:1/);
    expect(never(rule('EtcdUnhealthy'), { targets: [{ job: 'patroni', instance: 'a:1', health: 'up' }] })?.status).toBe('unknown');
    expect(never(rule('EtcdUnhealthy', [], { inputs: undefined }))?.status).toBe('unknown');
  });

  it('still pending at the end of the run (a for: longer than what was left of it): unknown, not a pass', () => {
    expect(never(rule('EtcdUnhealthy', [pending(FAULT + 150_000, null)]))).toMatchObject({ status: 'unknown', note: expect.stringMatching(/still pending at the end/) });
    expect(never(rule('EtcdUnhealthy', [pending(FAULT + 150_000, FAULT + 160_000)]))?.status).toBe('pass');
  });

  it('a firing over before the first step (the cluster\'s bootstrap) does not fail it; one still firing at the first step does', () => {
    expect(never(rule('EtcdUnhealthy', [firing(FAULT - 9000, FAULT - 5000)]))?.status).toBe('pass');
    expect(never(rule('EtcdUnhealthy', [firing(FAULT - 9000, FAULT + 5000)]))?.status).toBe('fail');
  });
});

describe('never fires over a pooled selector (its instance aggregated away): one instance at a time suffices', () => {
  const never = (r: Rule, o: Partial<AlertEvaluationEvent> = {}) => judgeAlertLines(faulting('PostgresNoLeader: "never fires"'), history(evaluation([r], o)))[0];
  const TWO: AlertEvaluationEvent['targets'] = [{ job: 'patroni', instance: 'a:1', health: 'up', down: [] }, { job: 'patroni', instance: 'b:1', health: 'up', down: [] }];
  const inputs = (pooled: boolean, a: Array<{ from: number; to: number }>, b: Array<{ from: number; to: number }> = []): Rule['inputs'] => [{ selector: 'patroni_master', ...(pooled ? { pooled: true as const } : {}), instances: [{ instance: 'a:1', gaps: a }, { instance: 'b:1', gaps: b }] }];
  const killed = [{ from: FAULT, to: FAULT + 60_000 }];

  it('the killed member\'s series vanished, the other\'s were there: pass (sum() ran over it); not pooled it is unknown', () => {
    expect(never(rule('PostgresNoLeader', [], { inputs: inputs(true, killed) }), { targets: TWO })?.status).toBe('pass');
    expect(never(rule('PostgresNoLeader', [], { inputs: inputs(false, killed) }), { targets: TWO })?.status).toBe('unknown');
  });

  it('no instance with its series at some moment (gaps that overlap): unknown, naming when', () => {
    const l = never(rule('PostgresNoLeader', [], { inputs: inputs(true, killed, [{ from: FAULT + 30_000, to: FAULT + 90_000 }]) }), { targets: TWO });
    expect(l).toMatchObject({ status: 'unknown', note: expect.stringMatching(/no instance had both series of patroni_master and a successful scrape \(31.0 s after the first step for 30.0 s\)/) });
  });

  it('one instance\'s series gone while the other\'s target was not scraped: unknown (series through the lookback are no evidence)', () => {
    const targets = [{ job: 'patroni', instance: 'a:1', health: 'up', down: [] }, { job: 'patroni', instance: 'b:1', health: 'up', down: [{ from: FAULT + 10_000, to: FAULT + 20_000 }] }];
    expect(never(rule('PostgresNoLeader', [], { inputs: inputs(true, killed) }), { targets })?.status).toBe('unknown');
    expect(never(rule('PostgresNoLeader', [], { inputs: inputs(true, []) }), { targets })?.status).toBe('pass');
  });

  it('still: nothing exported, or the scrapes not read: unknown', () => {
    expect(never(rule('PostgresNoLeader', [], { inputs: [{ selector: 'patroni_master', pooled: true, instances: [] }] }), { targets: TWO })?.status).toBe('unknown');
    expect(never(rule('PostgresNoLeader', [], { inputs: inputs(true, []) }), { targets: [{ job: 'patroni', instance: 'a:1', health: 'up' }, TWO[1] as AlertEvaluationEvent['targets'][number]] })?.status).toBe('unknown');
  });
});

describe('fires within: a condition older than the fault', () => {
  it('pending since before the fault and firing after it: fail, its firing is not the fault\'s', () => {
    const r = rule('PostgresNoLeader', [pending(FAULT - 30_000, FAULT + 30_000), firing(FAULT + 30_000, null)]);
    const [l] = judgeAlertLines(faulting('PostgresNoLeader: "fires within 90s"'), history(evaluation([r])));
    expect(l).toMatchObject({ status: 'fail', note: expect.stringMatching(/already pending when the first fault was injected/) });
  });
});

describe('the default: a run without a fault fires no critical alert', () => {
  it('a critical rule whose series no target exported all run is not held to it (the alerts report says it can never fire)', () => {
    const e = evaluation([rule('PostgresNoLeader', [], { inputs: [{ selector: 'patroni_master', instances: [] }] }), rule('EtcdUnhealthy')]);
    expect(statusOf(judgeAlertLines(quiet(), history(e, false)))).toEqual([['EtcdUnhealthy', 'pass']]);
  });

  it('holds every critical rule to never fires when the run had a Prometheus; warnings are not held', () => {
    const e = evaluation([rule('PostgresNoLeader', [firing(FAULT + 1000, null)]), rule('EtcdUnhealthy'), rule('PostgresInsufficientReplicas', [firing(FAULT + 1000, null)], { severity: 'warning' })]);
    const lines = judgeAlertLines(quiet(), history(e, false));
    expect(statusOf(lines)).toEqual([['PostgresNoLeader', 'fail'], ['EtcdUnhealthy', 'pass']]);
    expect(lines.every((l) => l.core === true)).toBe(true);
  });

  it('a Prometheus that did not evaluate: the default lines are unknown, not passed', () => {
    const lines = judgeAlertLines(quiet(), history(evaluation([], { evaluated: false, why: 'no Prometheus in this run: not installed', from: null, to: null }), false), () => ['PostgresNoLeader']);
    expect(statusOf(lines)).toEqual([['PostgresNoLeader', 'unknown']]);
  });

  it('a provider without Prometheus (no evaluation event) is not held to it; a line the scenario wrote stays', () => {
    expect(judgeAlertLines(quiet(), history(undefined, false))).toEqual([]);
    expect(statusOf(judgeAlertLines(quiet('EtcdUnhealthy: "never fires"'), history(undefined, false)))).toEqual([['EtcdUnhealthy', 'unknown']]);
  });

  it('a rule the scenario lines itself is not lined twice', () => {
    const lines = judgeAlertLines(quiet('PostgresNoLeader: "never fires"'), history(evaluation(RULES()), false));
    expect(lines.map((l) => [l.rule, l.core ?? false])).toEqual([['PostgresNoLeader', false], ['EtcdUnhealthy', true]]);
  });
});

describe('the verdict counts the alert lines', () => {
  it('a failed line fails the run, an unknown one makes it an error', () => {
    expect(verdictOf([], [], [{ status: 'fail' }])).toBe('fail');
    expect(verdictOf([], [], [{ status: 'unknown' }])).toBe('error');
    expect(verdictOf([], [], [{ status: 'pass' }])).toBe('pass');
  });

  it('analyze: a critical alert in a fault-free run fails it', () => {
    const e = evaluation([rule('EtcdUnhealthy', [firing(FAULT + 1000, FAULT + 3000)])]);
    const a = analyze(quiet(), history(e, false));
    expect(a.alertSla?.[0]).toMatchObject({ rule: 'EtcdUnhealthy', status: 'fail', core: true });
    expect(a.verdict).toBe('fail');
  });
});
