import { describe, expect, it } from 'vitest';
import { judge } from '../checks/judge.js';
import { judgeOverIterations } from '../checks/over-iterations.js';
import { verdictOf } from '../checks/verdict.js';
import type { Scenario } from '../scenario/types.js';
import { toReportJson } from './json.js';
import { runTestsuite } from './junit.js';
import { judgedFromReport } from './merge.js';
import { cleanFailover } from '../checks/test-support.js';
import { run, scenario } from './test-fixture.js';
import { runVerdict, worstVerdict } from './verdict.js';

const versions = { postgres: '17', patroni: '4.0.7', etcd: '3.5', haproxy: null };

/** A clean failover that holds every line, on a scenario whose set-up line never showed (no search recorded even). */
function unprovenRun() {
  const h = cleanFailover();
  h.finalRead(11_500, h.okKeys());
  const plain: Scenario = { ...scenario(), sla: [], cluster: { replication: 'synchronous', patroni: {} } };
  expect(judge(plain, h.events, { versions, deferStats: true, knownFindings: [], strict: false }).verdict).toBe('pass');
  const sc: Scenario = { ...plain, evidence: [{ log: 'patroni', on: 'any', matches: 'become unreachable', why: 'the leader was lost under the rewind' }] };
  return run({ scenario: sc, events: h.events, analysis: judge(sc, h.events, { versions, deferStats: true, knownFindings: [], strict: false }) });
}

describe('evidence survives what reads a run back from report.json (merge-reports, compare)', () => {
  it('keeps the run an error, with its evidence testcase an error, once written and read back', () => {
    const r = unprovenRun();
    expect(r.analysis.checks.find((c) => c.name === 'evidence')?.valid).toBe('unknown');
    const back = judgedFromReport(JSON.parse(JSON.stringify(toReportJson(r))), null);
    expect(runVerdict(back)).toBe('error');
    expect(runTestsuite(back).xml).toMatch(/<testcase [^>]*name="check evidence"[^>]*>\s*<error message="[^"]*the set-up did not happen: the leader was lost under the rewind/);
    // A suite's scenario verdict, as merge-reports and run-suites take it: the worst of the runs and of the lines over the iterations.
    expect(worstVerdict([runVerdict(back), verdictOf(judgeOverIterations(r.scenario, [back.analysis]), [])])).toBe('error');
  });
});
