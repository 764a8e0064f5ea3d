import { describe, expect, it } from 'vitest';
import { alertsReport, loadDocumentedRules, ruleEvaluation, type AlertsReport } from '../alerts/report.js';
import { clusterScrape } from '../alerts/test-support.js';
import type { AlertLineResult } from '../checks/alert-lines.js';
import type { AlertEvaluationEvent } from '../history/events.js';
import { compareSides, type Comparison } from './compare.js';
import { comparisonMarkdown, comparisonText } from './compare-text.js';
import type { ReportJson } from './json.js';
import type { ReportSide } from './read-reports.js';
import type { TimelineEntry } from './timeline-types.js';

const STARTED = 1_000_000;
const FAULT_MS = 10_000;

/**
 * How a run saw a rule: fired after the fault, did not fire, can never fire (its series missing), or not evaluated by a
 * Prometheus; `pending-before`: pending from 5 s before the fault, firing from 25 s after it (its condition held before the fault).
 */
type Seen = 'fired' | 'quiet' | 'cannot' | 'unevaluated' | 'pending-before';

/** One rule of report.json `alerts`, its evaluation made by the report's own code from a hand-made Prometheus reading. */
function ruleEntry(name: string, seen: Seen, fault: boolean): AlertsReport['rules'][number] {
  const can = seen === 'cannot' ? false : true;
  const finding = {
    name, file: 'docs/alerts/001.md', source: '001', expr: name === 'PostgresNoLeader' ? 'sum(patroni_master) == 0' : 'up == 0',
    can_fire: can, reason: can ? 'the series it needs are exported' : 'no target exported patroni_master',
    missing: can ? [] : [{ selector: 'patroni_master', why: 'no target exported a series of that name' }], adapted: [],
  };
  const firing = seen === 'fired' ? [{ state: 'firing' as const, from: STARTED + FAULT_MS + 30_000, to: STARTED + FAULT_MS + 60_000 }]
    : seen === 'pending-before' ? [
      { state: 'pending' as const, from: STARTED + FAULT_MS - 5_000, to: STARTED + FAULT_MS + 24_500 },
      { state: 'firing' as const, from: STARTED + FAULT_MS + 25_000, to: STARTED + FAULT_MS + 60_000 },
    ] : [];
  const evaluation: AlertEvaluationEvent = {
    kind: 'alert-evaluation', t: STARTED + 120_000, evaluated: seen !== 'unevaluated', from: STARTED + 2_000, to: STARTED + 110_000, interval_ms: 1_000,
    rules: [{ name, file: finding.file, severity: 'critical', health: 'ok', intervals: firing }], targets: [], adapted: [],
    ...(seen === 'unevaluated' ? { why: 'Prometheus never answered' } : {}),
  };
  return { ...finding, ...ruleEvaluation(name, 'critical', { evaluation, startedAt: STARTED, ...(fault ? { firstFaultAt: STARTED + FAULT_MS } : {}) }) };
}

function alertsSection(rules: Record<string, Seen>, fault: boolean): AlertsReport {
  const entries = Object.entries(rules).map(([name, seen]) => ruleEntry(name, seen, fault));
  const evaluated = Object.values(rules).every((s) => s !== 'unevaluated');
  return {
    judged: false, note: '', evaluator: 'series-presence', rule_files: [], scrape: { at_ms: [1_000, 115_000], targets: [], errors: [] },
    rules: entries,
    evaluated_by: evaluated ? 'prometheus' : null,
    prometheus: { evaluated, why: evaluated ? null : 'Prometheus never answered', from_ms: 2_000, to_ms: 110_000, interval_ms: 1_000, targets: [], adapted: [] },
    notifications: [],
  };
}

interface Run {
  scenario?: string;
  /** Rule → how this run saw it; undefined leaves the `alerts` key out altogether (an older report); null writes `alerts: null`. */
  alerts?: Record<string, Seen> | null;
  fault?: boolean;
  /** The fault's injection failed (its timeline entry carries the error): it did nothing. */
  faultError?: boolean;
  /** When the run's Prometheus began evaluating, ms from the start (2 s by default, before the fault). */
  evalFromMs?: number;
  alertSla?: AlertLineResult[];
  verdict?: string;
}

const FAULT: TimelineEntry = { at_ms: FAULT_MS, kind: 'fault', phase: 'inject', id: 'f1', action: 'kill', target: 'primary', resolved: ['patroni1'] };

/** A report.json as compare reads it back, made by hand so that it can lack what real files lack. */
function report(r: Run): ReportJson {
  const fault = r.fault ?? true;
  const out: Record<string, unknown> = {
    verdict: r.verdict ?? 'pass',
    scenario: { name: r.scenario ?? 'kill-primary', description: '', file: null, tags: [] },
    provider: 'docker',
    versions: { postgres: '15.14', patroni: '3.0.2', etcd: '3.4.23', haproxy: '2.6.12' },
    cluster: { ttl: 20, loop_wait: 5, retry_timeout: 5, replication: 'synchronous' },
    metrics: { lost_writes: 0 },
    sla: [{ metric: 'lost_writes', threshold: '== 0', observed: 0, pass: true, status: 'pass' }],
    checks: [],
    timeline: fault ? [r.faultError === true ? { ...FAULT, error: 'no process to kill' } : FAULT] : [],
    ...(r.alertSla === undefined ? {} : { alert_sla: r.alertSla }),
  };
  if (r.alerts !== undefined) out['alerts'] = r.alerts === null ? null : alertsSection(r.alerts, fault);
  const prometheus = (out['alerts'] as AlertsReport | null | undefined)?.prometheus;
  if (r.evalFromMs !== undefined && prometheus != null) prometheus.from_ms = r.evalFromMs;
  return out as unknown as ReportJson; // read back from disk: only what compare reads
}

const side = (dir: string, runs: Run[]): ReportSide => ({ dir, reports: runs.map(report), overIterations: new Map() });
const compare = (before: Run[], after: Run[]): Comparison => compareSides(side('before', before), side('after', after));
const times = (n: number, r: Run): Run[] => Array.from({ length: n }, () => r);
const row = (c: Comparison, rule = 'PostgresNoLeader') => c.alert_rules.find((r) => r.rule === rule);

describe('compare: documented alert rules before and after (issue 22 §4)', () => {
  it('a rule that fired before and can never fire after (Patroni 4 exports no patroni_master) is a new finding naming the missing series', () => {
    const c = compare(times(3, { alerts: { PostgresNoLeader: 'fired' } }), times(3, { alerts: { PostgresNoLeader: 'cannot' } }));
    expect(row(c)).toMatchObject({
      scenario: 'kill-primary', class: 'new finding',
      before: { runs: 3, faulted: 3, watched: 3, fired: 3, can_fire: 3, cannot_fire: 0 },
      after: { runs: 3, cannot_fire: 3, missing: ['patroni_master'] },
    });
    expect(row(c)?.note).toBe('fired in 3 of 3 runs before; can never fire after: no target exported patroni_master');
    expect(c.counts['new finding']).toBe(1);
    expect(c.exit_code).toBe(1);
    expect(comparisonText(c)).toMatch(/kill-primary\s+alert PostgresNoLeader\s+fired in 3 of 3 runs\s+can never fire \(no patroni_master\)\s+new finding/);
    expect(comparisonMarkdown(c)).toContain('| kill-primary | alert PostgresNoLeader | fired in 3 of 3 runs | can never fire (no patroni_master) |');
  });

  it('a before side that hides an after side: fired in every run before, the after reports lack `alerts` altogether: gates, never a pass', () => {
    const c = compare(times(3, { alerts: { PostgresNoLeader: 'fired' } }), times(3, {}));
    expect(row(c)).toMatchObject({ class: 'new finding', after: { watched: 0, faulted: 3 } });
    expect(row(c)?.note).toContain('no evidence after that it fires; no alert data after: no alerts section in report.json (written before alerts were reported) (3 of 3 runs)');
    expect(c.exit_code).toBe(1);
  });

  it('after side without a Prometheus evaluation: a rule that fired before gates; one that did not is unknown, with the reason', () => {
    const c = compare(
      times(3, { alerts: { PostgresNoLeader: 'fired', EtcdDown: 'quiet' } }),
      times(3, { alerts: { PostgresNoLeader: 'unevaluated', EtcdDown: 'unevaluated' } }),
    );
    expect(row(c)).toMatchObject({ class: 'new finding' });
    expect(row(c)?.note).toContain('its Prometheus did not evaluate the rules: Prometheus never answered (3 of 3 runs)');
    expect(row(c, 'EtcdDown')).toMatchObject({ class: 'unknown', note: 'evaluated before (in 3 of 3 runs); no alert data after: its Prometheus did not evaluate the rules: Prometheus never answered (3 of 3 runs)' });
    // The new finding outranks the unknown row.
    expect(c.exit_code).toBe(1);
  });

  it('before side without alert data: not compared, with the reason, whatever the after side did; no gate of its own', () => {
    const fired = compare(times(3, { alerts: null }), times(3, { alerts: { PostgresNoLeader: 'fired', EtcdDown: 'quiet' } }));
    expect(row(fired)).toMatchObject({ class: 'not compared', note: 'fired in 3 of 3 runs after; no evidence before whether it fired: no alerts in report.json (nothing was scraped) (3 of 3 runs)' });
    expect(row(fired, 'EtcdDown')).toMatchObject({ class: 'not compared', note: 'no alert data before: no alerts in report.json (nothing was scraped) (3 of 3 runs)' });
    expect(fired.exit_code).toBe(0);
    const cannot = compare(times(3, {}), times(3, { alerts: { PostgresNoLeader: 'cannot' } }));
    expect(row(cannot)).toMatchObject({ class: 'not compared' });
    expect(row(cannot)?.note).toBe('no alert data before: no alerts section in report.json (written before alerts were reported) (3 of 3 runs); can never fire after: no target exported patroni_master');
  });

  it('a rule that can never fire on either side is the same (nothing changed), said with what is missing on each side', () => {
    const c = compare(times(3, { alerts: { PostgresNoLeader: 'cannot' } }), times(3, { alerts: { PostgresNoLeader: 'cannot' } }));
    expect(row(c)).toMatchObject({ class: 'same', note: 'can never fire on either side', before: { missing: ['patroni_master'] }, after: { missing: ['patroni_master'] } });
    // The same on both sides: in comparison.json, not in the table.
    expect(comparisonText(c)).not.toContain('alert PostgresNoLeader');
    expect(c.exit_code).toBe(0);
  });

  it('fired before in 1 of 3 runs and after in none of 3: a new finding (one detection before is one more than none)', () => {
    const c = compare(
      [{ alerts: { PostgresNoLeader: 'fired' } }, { alerts: { PostgresNoLeader: 'quiet' } }, { alerts: { PostgresNoLeader: 'quiet' } }],
      times(3, { alerts: { PostgresNoLeader: 'quiet' } }),
    );
    expect(row(c)).toMatchObject({ class: 'new finding', note: 'fired in 1 of 3 runs before, in none of 3 runs after' });
    expect(c.exit_code).toBe(1);
  });

  it('fired in a smaller share of the runs after is regressed; as often or more is the same', () => {
    const fewer = compare(times(3, { alerts: { PostgresNoLeader: 'fired' } }), [{ alerts: { PostgresNoLeader: 'fired' } }, { alerts: { PostgresNoLeader: 'fired' } }, { alerts: { PostgresNoLeader: 'quiet' } }]);
    expect(row(fewer)).toMatchObject({ class: 'regressed', note: 'fired in 3 of 3 runs before, fired in 2 of 3 runs after' });
    expect(fewer.exit_code).toBe(1);
    const same = compare(times(2, { alerts: { PostgresNoLeader: 'fired' } }), times(3, { alerts: { PostgresNoLeader: 'fired' } }));
    expect(row(same)).toEqual(expect.objectContaining({ class: 'same' }));
    expect(row(same)?.note).toBeUndefined();
    expect(same.exit_code).toBe(0);
  });

  it('its series exported before and can never fire after, in a scenario without a fault (neither side fired): a new finding', () => {
    const c = compare(times(3, { scenario: 'baseline', fault: false, alerts: { PostgresNoLeader: 'quiet' } }), times(3, { scenario: 'baseline', fault: false, alerts: { PostgresNoLeader: 'cannot' } }));
    expect(row(c)).toMatchObject({ scenario: 'baseline', class: 'new finding', before: { faulted: 0, watched: 0, can_fire: 3 } });
    expect(row(c)?.note).toBe('its series were exported before (in 3 of 3 runs); can never fire after: no target exported patroni_master; fired on neither side');
    expect(c.exit_code).toBe(1);
  });

  it('a scenario without a fault whose after runs had no Prometheus evaluating: unknown with the reason (exit 3), never the same', () => {
    const c = compare(times(3, { scenario: 'baseline', fault: false, alerts: { PostgresNoLeader: 'quiet' } }), times(3, { scenario: 'baseline', fault: false, alerts: { PostgresNoLeader: 'unevaluated' } }));
    expect(row(c)).toMatchObject({ class: 'unknown', note: 'evaluated before (in 3 of 3 runs); no alert data after: its Prometheus did not evaluate the rules: Prometheus never answered (3 of 3 runs)' });
    expect(c.exit_code).toBe(3);
  });

  it('a scenario without a fault: a firing before is a false alarm, not a detection lost when it stops after', () => {
    // Fired during a fault-free run (a false alarm, for the never-fires lines): not "fired before".
    const c = compare(times(3, { scenario: 'baseline', fault: false, alerts: { PostgresNoLeader: 'fired' } }), times(3, { scenario: 'baseline', fault: false, alerts: { PostgresNoLeader: 'quiet' } }));
    expect(row(c)).toMatchObject({ class: 'same', before: { fired: 0, watched: 0 } });
    expect(c.exit_code).toBe(0);
    expect(comparisonText(c)).not.toContain('alert PostgresNoLeader');
  });

  it('firing after where it did not before is not judged here, and could never fire before but can after is improved', () => {
    const louder = compare(times(3, { alerts: { EtcdDown: 'quiet' } }), times(3, { alerts: { EtcdDown: 'fired' } }));
    expect(row(louder, 'EtcdDown')).toMatchObject({ class: 'same' });
    expect(row(louder, 'EtcdDown')?.note).toMatch(/^fired in 3 of 3 runs after, in none of 3 runs before: not judged here/);
    const back = compare(times(3, { alerts: { PostgresNoLeader: 'cannot' } }), times(3, { alerts: { PostgresNoLeader: 'quiet' } }));
    expect(row(back)).toMatchObject({ class: 'improved' });
    expect(back.exit_code).toBe(0);
  });

  it('a firing after the fault whose pending began before it is no detection of the fault, as for fires within: fired before, not after, gates', () => {
    const c = compare(times(3, { alerts: { PostgresNoLeader: 'fired' } }), times(3, { alerts: { PostgresNoLeader: 'pending-before' } }));
    expect(row(c)).toMatchObject({ class: 'new finding', after: { watched: 3, fired: 0 } });
    expect(row(c)?.note).toBe('fired in 3 of 3 runs before, in none of 3 runs after');
    expect(c.exit_code).toBe(1);
    // On the before side it is no detection either: nothing was lost after.
    expect(row(compare(times(3, { alerts: { PostgresNoLeader: 'pending-before' } }), times(3, { alerts: { PostgresNoLeader: 'quiet' } })))).toMatchObject({ class: 'same', before: { fired: 0 } });
  });

  it('fired before in every run, after in the one run with evidence and two without: gates, as a line unknown in one run does', () => {
    const c = compare(times(3, { alerts: { PostgresNoLeader: 'fired' } }), [
      { alerts: { PostgresNoLeader: 'fired' } }, ...times(2, { alerts: { PostgresNoLeader: 'unevaluated' } }),
    ]);
    expect(row(c)).toMatchObject({ class: 'new finding', after: { watched: 1, fired: 1 } });
    expect(row(c)?.note).toBe('fired in 3 of 3 runs before, fired in 1 of 1 run after, no evidence from the other runs after; no alert data after: its Prometheus did not evaluate the rules: Prometheus never answered (2 of 3 runs)');
    expect(c.exit_code).toBe(1);
  });

  it('a Prometheus that began evaluating after the fault saw no firing that is the fault\'s: no evidence, not a detection', () => {
    const c = compare(times(3, { alerts: { PostgresNoLeader: 'fired' } }), times(3, { alerts: { PostgresNoLeader: 'fired' }, evalFromMs: FAULT_MS + 5_000 }));
    expect(row(c)).toMatchObject({ class: 'new finding', after: { watched: 0 } });
    expect(row(c)?.note).toContain('its Prometheus evaluated from 15000 ms to 110000 ms, not over the first fault (10000 ms) (3 of 3 runs)');
  });

  it('a fault whose injection failed did nothing to detect: its run counts as without a fault', () => {
    const c = compare(times(3, { alerts: { PostgresNoLeader: 'fired' } }), times(3, { alerts: { PostgresNoLeader: 'quiet' }, faultError: true }));
    expect(row(c)).toMatchObject({ class: 'new finding', after: { faulted: 0, watched: 0 } });
    expect(row(c)?.note).toBe('fired in 3 of 3 runs before; no evidence after that it fires: no run after had a fault');
  });

  it('a rule the after harness does not know is no evidence that it fires', () => {
    const c = compare(times(3, { alerts: { PostgresNoLeader: 'fired' } }), times(3, { alerts: { EtcdDown: 'quiet' } }));
    expect(row(c)).toMatchObject({ class: 'new finding' });
    expect(row(c)?.note).toContain('the rule is not among its alerts (a harness with other documented rules) (3 of 3 runs)');
  });
});

describe('compare: alert lines (sla.alerts, report.json alert_sla) are SLA lines', () => {
  const line = (status: AlertLineResult['status']): AlertLineResult => ({ rule: 'PostgresNoLeader', threshold: 'fires within 90s', observed_ms: status === 'pass' ? 41_000 : null, pass: status === 'pass', status, note: '' });

  it('a line that held before and is unknown or failed after gates like any other line', () => {
    const unknown = compare(times(3, { alertSla: [line('pass')] }), times(3, { alertSla: [line('unknown')] }));
    expect(unknown.findings.find((r) => r.line === 'alerts.PostgresNoLeader')).toMatchObject({
      class: 'new finding', threshold: 'fires within 90s', before: { pass: 3 }, after: { unknown: 3 }, note: 'no evidence after (unknown), which run judges an error',
    });
    expect(unknown.exit_code).toBe(1);
    const failed = compare(times(3, { alertSla: [line('pass')] }), times(3, { alertSla: [line('fail')] }));
    expect(failed.findings.find((r) => r.line === 'alerts.PostgresNoLeader')).toMatchObject({ class: 'new finding' });
    expect(comparisonText(failed)).toMatch(/SLA alerts\.PostgresNoLeader fires within 90s\s+pass 3\s+fail 3\s+new finding/);
  });

  it('a line that failed before and holds after is a fixed finding; one judged before that the after reports lack, with nothing to say why, is unknown (exit 3)', () => {
    const fixed = compare(times(3, { alertSla: [line('fail')] }), times(3, { alertSla: [line('pass')] }));
    expect(fixed.findings.find((r) => r.line === 'alerts.PostgresNoLeader')).toMatchObject({ class: 'fixed finding' });
    const gone = compare(times(3, { alertSla: [line('pass')] }), times(3, {}));
    expect(gone.findings.find((r) => r.line === 'alerts.PostgresNoLeader')).toMatchObject({
      class: 'unknown', note: 'judged before; no alert line in 3 of 3 runs after (nothing after says whether its rule was evaluated): not verified after',
    });
    expect(gone.exit_code).toBe(3);
  });
});

describe('compare: alert evidence before and none after is unknown (exit 3), counted once, never a pass', () => {
  /** The line a fault-free run with a Prometheus is held to for each critical rule it does not line itself. */
  const core = (status: AlertLineResult['status']): AlertLineResult => ({ rule: 'PostgresNoLeader', threshold: 'never fires', observed_ms: status === 'fail' ? 5_000 : null, pass: status === 'pass', status, note: '', core: true });
  /** A fault-free run: Prometheus evaluated (core line made) or not (no line: a provider without one is not held to it). */
  const baseline = (seen: Seen, sla?: AlertLineResult['status']): Run => ({
    scenario: 'baseline', fault: false, alerts: { PostgresNoLeader: seen }, ...(sla === undefined ? {} : { alertSla: [core(sla)] }),
  });
  const alertLine = (c: Comparison) => c.findings.find((r) => r.line === 'alerts.PostgresNoLeader');

  it('the default never-fires line held before and the after side had no Prometheus: exit 3, the rule row unknown, the line counted there, not twice', () => {
    const c = compare(times(3, baseline('quiet', 'pass')), times(3, baseline('unevaluated')));
    expect(row(c)).toMatchObject({ scenario: 'baseline', class: 'unknown' });
    expect(alertLine(c)).toMatchObject({ class: 'not compared', before: { pass: 3 }, after: null });
    expect(alertLine(c)?.note).toBe('not judged after; no alert line in 3 of 3 runs after: counted on the row alert PostgresNoLeader (unknown)');
    expect(c.counts).toMatchObject({ unknown: 1, 'new finding': 0, 'not compared': 1 });
    expect(c.exit_code).toBe(3);
    expect(comparisonText(c)).toContain('exit 3 (incomplete: no evidence after for what the before side showed (unknown, which run exits 3 for): baseline alert PostgresNoLeader)');
    expect(comparisonMarkdown(c)).toMatch(/^# ⚠️ INCOMPLETE, NO EVIDENCE AFTER: /);
    expect(comparisonMarkdown(c)).toMatch(/\| baseline \| alert PostgresNoLeader \| can fire, no fault \| can fire, no fault, no alert data \|  \| ⚠️ unknown \| evaluated before/);
  });

  it('the after reports say nothing of alerts at all (an older harness, no alerts section, no lines): exit 3, not 0', () => {
    const c = compare(times(3, baseline('quiet', 'pass')), times(3, { scenario: 'baseline', fault: false }));
    expect(row(c)).toMatchObject({ class: 'unknown' });
    expect(row(c)?.note).toContain('no alerts section in report.json (written before alerts were reported) (3 of 3 runs)');
    expect(c.exit_code).toBe(3);
  });

  it('neither side with alert evidence: not compared, exit 0, as before', () => {
    const c = compare(times(3, baseline('unevaluated')), times(3, baseline('unevaluated')));
    expect(row(c)).toMatchObject({ class: 'not compared' });
    expect(c.exit_code).toBe(0);
    // A line with no evidence before (its own, unknown) and none after: nothing to compare either.
    const own = compare(times(3, { ...baseline('unevaluated', 'unknown') }), times(3, { scenario: 'baseline', fault: false }));
    expect(alertLine(own)).toMatchObject({ class: 'not compared', note: 'not judged after' });
    expect(own.counts.unknown).toBe(0);
  });

  it('its series missing after (can_fire false, so no never-fires line after): the new finding as today, the missing line not counted again', () => {
    const c = compare(times(3, baseline('quiet', 'pass')), times(3, baseline('cannot')));
    expect(row(c)).toMatchObject({ class: 'new finding' });
    expect(row(c)?.note).toBe('its series were exported before (in 3 of 3 runs); can never fire after: no target exported patroni_master; fired on neither side');
    expect(alertLine(c)).toMatchObject({ class: 'not compared', note: 'not judged after; no alert line in 3 of 3 runs after: counted on the row alert PostgresNoLeader (new finding)' });
    expect(c.counts).toMatchObject({ 'new finding': 1, unknown: 0 });
    expect(c.exit_code).toBe(1);
  });

  it('a before side that hides an after side: failed before, held in the one run after that had a Prometheus, no evidence in two: no fixed finding, no pass', () => {
    const c = compare(times(3, baseline('quiet', 'fail')), [baseline('quiet', 'pass'), ...times(2, baseline('unevaluated'))]);
    expect(alertLine(c)).toMatchObject({ class: 'not compared', before: { fail: 3 }, after: { runs: 1, pass: 1 } });
    expect(alertLine(c)?.note).toBe('no alert line in 2 of 3 runs after: counted on the row alert PostgresNoLeader (unknown)');
    expect(row(c)).toMatchObject({ class: 'unknown' });
    expect(c.exit_code).toBe(3);
  });

  it('a failure after in the run with evidence outranks the runs without: exit 1, and the gap is counted on the failing line only', () => {
    const c = compare(times(3, baseline('quiet', 'pass')), [baseline('quiet', 'fail'), ...times(2, baseline('unevaluated'))]);
    expect(alertLine(c)).toMatchObject({ class: 'new finding' });
    expect(row(c)).toMatchObject({ class: 'not compared' });
    expect(row(c)?.note).toMatch(/; counted on the line alerts\.PostgresNoLeader \(new finding\)$/);
    expect(c.counts).toMatchObject({ 'new finding': 1, unknown: 0 });
    expect(c.exit_code).toBe(1);
  });

  it('the after runs evaluated the rule but did not ask for the line (the scenario has a fault now): not compared, no invented gap', () => {
    const c = compare(times(3, baseline('quiet', 'pass')), times(3, { scenario: 'baseline', fault: true, alerts: { PostgresNoLeader: 'quiet' } }));
    expect(row(c)).toMatchObject({ class: 'same' });
    expect(alertLine(c)).toMatchObject({ class: 'not compared', note: 'not judged after' });
    expect(c.exit_code).toBe(0);
  });
});

describe('compare: the documented rules on bookworm (Patroni 3.0.2) and trixie (Patroni 4.0.7), as verify-upgrade reads them', () => {
  const SCOPE = 'chaos-r1';
  const files = loadDocumentedRules();
  /** report.json `alerts` as a run writes it: the documented rules against a hand-made cluster's /metrics, and a Prometheus that saw PostgresNoLeader fire or not. */
  const alerts = (patroni: '3.0.2' | '4.0.7', fired: boolean): AlertsReport => {
    const evaluation: AlertEvaluationEvent = {
      kind: 'alert-evaluation', t: STARTED + 120_000, evaluated: true, from: STARTED + 2_000, to: STARTED + 110_000, interval_ms: 1_000, targets: [], adapted: [],
      rules: files.flatMap((f) => ('file' in f ? f.file.rules : [])).map((r) => ({
        name: r.name, file: r.file, severity: r.labels['severity'] ?? null, health: 'ok',
        intervals: fired && r.name === 'PostgresNoLeader' ? [{ state: 'firing' as const, from: STARTED + FAULT_MS + 35_000, to: STARTED + FAULT_MS + 50_000 }] : [],
      })),
    };
    return alertsReport({ files, scrapes: [clusterScrape({ patroni, scope: SCOPE, at: STARTED + 1_000 })], scope: SCOPE, startedAt: STARTED, evaluation, firstFaultAt: STARTED + FAULT_MS });
  };
  const run = (a: AlertsReport): ReportJson => ({ ...report({}), alerts: a });

  it('PostgresNoLeader, which fired on bookworm, can never fire on trixie: a new finding, exit 1; rules dead on both sides are the same', () => {
    const c = compareSides(
      { dir: 'before', reports: times(3, {}).map(() => run(alerts('3.0.2', true))), overIterations: new Map() },
      { dir: 'after', reports: times(3, {}).map(() => run(alerts('4.0.7', false))), overIterations: new Map() },
    );
    expect(row(c)).toMatchObject({ class: 'new finding', before: { fired: 3, watched: 3 }, after: { cannot_fire: 3, fired: 0 } });
    expect(row(c)?.note).toMatch(/^fired in 3 of 3 runs before; can never fire after: no target exported patroni_master/);
    expect(row(c, 'PostgresReplicationLag')).toMatchObject({ class: 'same', note: 'can never fire on either side' });
    expect(comparisonText(c).match(/^kill-primary +alert \w+/gm)).toEqual(['kill-primary  alert PostgresNoLeader']);
    expect(row(c, 'PostgresNodeUnhealthy')).toEqual(expect.objectContaining({ class: 'same' }));
    expect(c.alert_rules.filter((r) => r.class === 'new finding').map((r) => r.rule)).toContain('PostgresNoLeader');
    expect(c.exit_code).toBe(1);
  });
});
