import type { CheckResult } from '../checks/metrics.js';
import type { SlaResult } from '../sla/types.js';
import type { ScenarioVerdict } from './summary.js';
import { escapeXml as x } from './escape.js';
import { formatMetric, isoTime } from './format.js';
import type { JudgedRun } from './judged-run.js';
import type { RunRecord } from './types.js';

interface Counted {
  xml: string;
  tests: number;
  failures: number;
  errors: number;
  seconds: number;
}

interface Case {
  xml: string;
  status: 'pass' | 'failure' | 'error' | 'skipped';
}

const seconds = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3);

/**
 * junit.xml for one run: a <testsuites> holding the run's single testsuite,
 * since CI tools read that root everywhere.
 */
export function runJunit(run: RunRecord): string {
  return document([runTestsuite(run)], `patroni-chaos ${run.scenario.name}`);
}

/**
 * junit.xml for a suite: every run as its own testsuite, plus one per
 * scenario holding the lines judged on a statistic over its iterations;
 * totals on the root.
 */
export function suiteJunit(runs: readonly JudgedRun[], name = 'patroni-chaos', scenarios: readonly ScenarioVerdict[] = []): string {
  const iterations = (scenario: string) => runs.filter((r) => r.scenario.name === scenario).length;
  const over = scenarios.filter((sv) => sv.sla_over_iterations.length > 0).map((sv) => {
    const classname = `patroni-chaos.${sv.scenario}`;
    return testsuite(`${sv.scenario} over ${iterations(sv.scenario)} iterations`, sv.sla_over_iterations.map((l) => slaCase(classname, l)), 0, undefined, []);
  });
  return document([...runs.map(runTestsuite), ...over], name);
}

function document(suites: readonly Counted[], name: string): string {
  const sum = (k: 'tests' | 'failures' | 'errors' | 'seconds'): number => suites.reduce((n, s) => n + s[k], 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${x(name)}" tests="${sum('tests')}" failures="${sum('failures')}" errors="${sum('errors')}" time="${sum('seconds').toFixed(3)}">`,
    ...suites.map((s) => s.xml),
    '</testsuites>',
    '',
  ].join('\n');
}

/**
 * One testsuite per scenario run: a testcase per SLA line, per check, and
 * "harness", which is an <error> when the run could not complete. Every run
 * has the same test names, so CI can track each line across nights.
 */
export function runTestsuite(run: JudgedRun): Counted {
  const classname = `patroni-chaos.${run.scenario.name}#${run.iteration}`;
  // A run that could not complete is an error, not a failure: its failed lines come from a partial history.
  const sla = run.harnessError === undefined ? run.analysis.sla : run.analysis.sla.map((s) => (s.status === 'fail' ? { ...s, status: 'unknown' as const, note: `partial: the run could not complete${s.note ? `; ${s.note}` : ''}` } : s));
  const cases = [
    ...sla.map((s) => slaCase(classname, s)),
    ...run.analysis.checks.map((c) => checkCase(classname, c)),
    harnessCase(classname, run),
  ];
  const props = [['provider', run.provider], ['run_id', run.runId], ['iteration', String(run.iteration)],
    ...Object.entries(run.versions).map(([k, v]) => [`version.${k}`, v ?? 'unknown'])];
  return testsuite(`${run.scenario.name} #${run.iteration}`, cases, run.endedAt - run.startedAt, run.startedAt, props);
}

function testsuite(name: string, cases: readonly Case[], durationMs: number, startedAt: number | undefined, props: readonly string[][]): Counted {
  const count = (status: Case['status']) => cases.filter((c) => c.status === status).length;
  const xml = [
    `  <testsuite name="${x(name)}" tests="${cases.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}" time="${seconds(durationMs)}"${startedAt === undefined ? '' : ` timestamp="${isoTime(startedAt).slice(0, 19)}"`}>`,
    ...(props.length > 0 ? ['    <properties>', ...props.map(([k = '', v = '']) => `      <property name="${x(k)}" value="${x(v)}"/>`), '    </properties>'] : []),
    ...cases.map((c) => c.xml),
    '  </testsuite>',
  ].join('\n');
  return { xml, tests: cases.length, failures: count('failure'), errors: count('error'), seconds: Math.max(0, durationMs) / 1000 };
}

/** The failure message CI shows in its summary line, e.g. "rto_ms observed 41.2 s violates < 30s". */
export function slaFailureMessage(s: SlaResult): string {
  const line = `${s.metric}${s.stat ? ` (${s.stat} over the iterations)` : ''}`;
  const base = s.observed === null ? `${line} not measured (required ${s.threshold})` : `${line} observed ${formatMetric(s.metric, s.observed)} violates ${s.threshold}`;
  return s.note && s.observed !== null ? `${base}: ${s.note}` : base;
}

/**
 * One testcase per SLA line, its status the line's, so that junit.xml and
 * the exit code never disagree: failure exactly for a failed line, error
 * for one that could not be judged, skipped (with the reason) for a known
 * finding or a line that waits for the statistic over the iterations.
 */
function slaCase(classname: string, s: SlaResult): Case {
  const open = `    <testcase classname="${x(classname)}" name="${x(`sla ${s.metric} ${s.threshold}${s.stat ? ` ${s.stat}` : ''}`)}" time="0.000"`;
  const body = [`observed: ${formatMetric(s.metric, s.observed)}`, s.source && `source: ${s.source}`, s.note && `note: ${s.note}`].filter(Boolean).join('\n');
  switch (s.status) {
    case 'pass': return { xml: `${open}/>`, status: 'pass' };
    case 'fail': return { xml: `${open}>\n      <failure message="${x(slaFailureMessage(s))}" type="sla">${x(body)}</failure>\n    </testcase>`, status: 'failure' };
    case 'unknown': return { xml: `${open}>\n      <error message="${x(slaFailureMessage(s))}" type="sla-unknown">${x(body)}</error>\n    </testcase>`, status: 'error' };
    case 'known': return { xml: `${open}>\n      <skipped message="${x(`known finding: ${slaFailureMessage(s)}; ${s.known?.reason ?? ''} (${s.known?.reference ?? ''})`)}"/>\n    </testcase>`, status: 'skipped' };
    case 'deferred': return { xml: `${open}>\n      <skipped message="${x(`judged on ${s.stat ?? 'a statistic'} over the iterations (the suite's junit.xml); this iteration: ${formatMetric(s.metric, s.observed)}`)}"/>\n    </testcase>`, status: 'skipped' };
  }
}

/**
 * A check's own validity: an error when it had no evidence (the verdict is
 * then not pass either); skipped when invalid, since the SLA lines decide
 * whether that fails the run (an async run may lose writes within its RPO)
 * and a failed line already carries the check's explanation.
 */
function checkCase(classname: string, c: CheckResult): Case {
  const open = `    <testcase classname="${x(classname)}" name="${x(`check ${c.name}`)}" time="0.000"`;
  if (c.valid === true) return { xml: `${open}/>`, status: 'pass' };
  if (c.valid === false) return { xml: `${open}>\n      <skipped message="${x(`check ${c.name} invalid, judged by the SLA lines: ${c.error ?? ''}`)}"/>\n    </testcase>`, status: 'skipped' };
  const message = `check ${c.name} unknown${c.error ? `: ${c.error}` : ''}`;
  return { xml: `${open}>\n      <error message="${x(message)}" type="check">${x(c.error ?? '')}</error>\n    </testcase>`, status: 'error' };
}

function harnessCase(classname: string, run: JudgedRun): Case {
  const open = `    <testcase classname="${x(classname)}" name="harness" time="${seconds(run.endedAt - run.startedAt)}"`;
  const e = run.harnessError;
  if (e === undefined) return { xml: `${open}/>`, status: 'pass' };
  return { xml: `${open}>\n      <error message="${x(e.message)}" type="${x(e.code)}">${x(`${e.code}: ${e.message}`)}</error>\n    </testcase>`, status: 'error' };
}
