import type { CheckResult } from '../checks/metrics.js';
import type { SlaResult } from '../checks/sla-types.js';
import { escapeXml as x } from './escape.js';
import { formatMetric, isoTime } from './format.js';
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
  status: 'pass' | 'failure' | 'error';
}

const seconds = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3);

/**
 * junit.xml for one run: a <testsuites> holding the run's single testsuite,
 * since CI tools read that root everywhere.
 */
export function runJunit(run: RunRecord): string {
  return document([runTestsuite(run)], `patroni-chaos ${run.scenario.name}`);
}

/** junit.xml for a suite: every run as its own testsuite, totals on the root. */
export function suiteJunit(runs: readonly RunRecord[], name = 'patroni-chaos'): string {
  return document(runs.map(runTestsuite), name);
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
export function runTestsuite(run: RunRecord): Counted {
  const classname = `patroni-chaos.${run.scenario.name}#${run.iteration}`;
  const cases = [
    ...run.analysis.sla.map((s) => slaCase(classname, s)),
    ...run.analysis.checks.map((c) => checkCase(classname, c)),
    harnessCase(classname, run),
  ];
  const failures = cases.filter((c) => c.status === 'failure').length;
  const errors = cases.filter((c) => c.status === 'error').length;
  const durationMs = run.endedAt - run.startedAt;
  const props = [['provider', run.provider], ['run_id', run.runId], ['iteration', String(run.iteration)],
    ...Object.entries(run.versions).map(([k, v]) => [`version.${k}`, v ?? 'unknown'])];
  const xml = [
    `  <testsuite name="${x(`${run.scenario.name} #${run.iteration}`)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds(durationMs)}" timestamp="${isoTime(run.startedAt).slice(0, 19)}">`,
    '    <properties>',
    ...props.map(([k = '', v = '']) => `      <property name="${x(k)}" value="${x(v)}"/>`),
    '    </properties>',
    ...cases.map((c) => c.xml),
    '  </testsuite>',
  ].join('\n');
  return { xml, tests: cases.length, failures, errors, seconds: Math.max(0, durationMs) / 1000 };
}

/** The failure message CI shows in its summary line, e.g. "rto_ms observed 41230 violates < 30s". */
export function slaFailureMessage(s: SlaResult): string {
  return s.observed === null ? `${s.metric} not measured (required ${s.threshold})` : `${s.metric} observed ${s.observed} violates ${s.threshold}`;
}

function slaCase(classname: string, s: SlaResult): Case {
  const open = `    <testcase classname="${x(classname)}" name="${x(`sla ${s.metric} ${s.threshold}`)}" time="0.000"`;
  if (s.pass) return { xml: `${open}/>`, status: 'pass' };
  const body = [`observed: ${formatMetric(s.metric, s.observed)}`, s.source && `source: ${s.source}`, s.note && `note: ${s.note}`].filter(Boolean).join('\n');
  return { xml: `${open}>\n      <failure message="${x(slaFailureMessage(s))}" type="sla">${x(body)}</failure>\n    </testcase>`, status: 'failure' };
}

function checkCase(classname: string, c: CheckResult): Case {
  const open = `    <testcase classname="${x(classname)}" name="${x(`check ${c.name}`)}" time="0.000"`;
  if (c.valid === true) return { xml: `${open}/>`, status: 'pass' };
  // A checker that threw proves nothing either way: an error, not a failure.
  const tag = c.valid === false ? 'failure' : 'error';
  const message = `check ${c.name} ${c.valid === false ? 'invalid' : 'unknown'}${c.error ? `: ${c.error}` : ''}`;
  return { xml: `${open}>\n      <${tag} message="${x(message)}" type="check">${x(c.error ?? '')}</${tag}>\n    </testcase>`, status: tag };
}

function harnessCase(classname: string, run: RunRecord): Case {
  const open = `    <testcase classname="${x(classname)}" name="harness" time="${seconds(run.endedAt - run.startedAt)}"`;
  const e = run.harnessError;
  if (e === undefined) return { xml: `${open}/>`, status: 'pass' };
  return { xml: `${open}>\n      <error message="${x(e.message)}" type="${x(e.code)}">${x(`${e.code}: ${e.message}`)}</error>\n    </testcase>`, status: 'error' };
}
