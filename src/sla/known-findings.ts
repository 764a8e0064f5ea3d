import { dirname } from 'node:path';
import semver from 'semver';
import type { Versions } from '../cluster/types.js';
import type { MetricName, SlaResult } from './types.js';

export type Component = keyof Versions;
export const COMPONENTS: readonly Component[] = ['postgres', 'patroni', 'etcd', 'haproxy'];

/**
 * A finding about the cluster under test that is known upstream (or to the
 * documents' authors): in these component versions this scenario's metric
 * is expected to fail. Like an expected failure in a test runner: a
 * reproduction inside the range does not fail the gate, one outside it
 * does again, so an upgrade re-arms the check.
 */
export interface KnownFinding {
  scenario: string;
  metric: MetricName;
  /** Component → semver range, e.g. { patroni: '< 3.0.3' }; every one must hold. */
  versions: Partial<Record<Component, string>>;
  reason: string;
  reference: string;
  /**
   * The folder of the known-findings.yaml it came from: it covers only the
   * scenario files of that folder, not another file that shares a name.
   */
  dir?: string;
}

/**
 * Whether the run's components are inside the finding's range. A version
 * the provider could not read is outside every range: an unknown build
 * must not be excused.
 */
export function inRange(finding: KnownFinding, versions: Versions): boolean {
  return Object.entries(finding.versions).every(([component, range]) => {
    const version = semver.coerce(versions[component as Component] ?? '');
    return version !== null && range !== undefined && semver.satisfies(version, range);
  });
}

/** Whether a finding is about this scenario: its name, and a file in the finding's folder when it came from one. */
export function coversScenario(f: KnownFinding, scenario: string, scenarioFile: string | undefined): boolean {
  return f.scenario === scenario && (f.dir === undefined || (scenarioFile !== undefined && dirname(scenarioFile) === f.dir));
}

/** What the known findings made of a run's lines, for the console and the reports. */
export interface KnownOutcome {
  finding: KnownFinding;
  /** reproduced: the line failed and is excused; absent: it held ("remove it?"). */
  status: 'reproduced' | 'absent';
}

/**
 * Marks failed lines that a finding in range covers as 'known', and notes
 * on passing lines that a finding in range did not reproduce. `strict`
 * ignores the list (every failure counts). Pure.
 */
export function applyKnownFindings(
  sla: readonly SlaResult[],
  scenario: string,
  versions: Versions,
  findings: readonly KnownFinding[],
  o: { strict?: boolean; scenarioFile?: string } = {},
): { sla: SlaResult[]; outcomes: KnownOutcome[] } {
  if (o.strict === true) return { sla: [...sla], outcomes: [] };
  const outcomes: KnownOutcome[] = [];
  const lines = sla.map((line) => {
    const finding = findings.find((f) => f.metric === line.metric && coversScenario(f, scenario, o.scenarioFile) && inRange(f, versions));
    if (finding === undefined || line.status === 'deferred' || line.status === 'unknown') return line;
    const reproduced = line.status === 'fail';
    outcomes.push({ finding, status: reproduced ? 'reproduced' : 'absent' });
    const known = { reason: finding.reason, reference: finding.reference, reproduced };
    return reproduced ? { ...line, status: 'known' as const, known } : { ...line, known };
  });
  return { sla: lines, outcomes };
}
