import { dirname } from 'node:path';
import semver from 'semver';
import { formatMetric } from '../format.js';
import { parseThreshold } from './threshold.js';
import type { Comparator, MetricName, SlaResult, Versions } from './types.js';

export type Component = keyof Versions;

/** The metrics whose failing evidence can be attributed to a fault (checks/attribution.ts): a finding may name a fault only for them. */
export const FAULT_SCOPED_METRICS: readonly MetricName[] = ['lost_writes', 'max_concurrent_primaries', 'split_brain_ms'];
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
   * The worst figure it was observed at, in the metric's unit as an SLA
   * value is written ("6s", "2", "1MB"): a failure beyond it is more than
   * the finding describes and fails as an ordinary one.
   */
  up_to: string;
  /**
   * A fault action (`stop`): the finding covers only a failure whose every
   * piece of evidence lies inside the era of a fault of that action (see
   * checks/attribution.ts), so that a nemesis stays a gate for the others;
   * never a line judged on a statistic over the iterations.
   */
  fault?: string;
  /**
   * The index of a scenario step (0-based, as reports name it: `steps[5]`),
   * for `failed_steps` only: the finding covers the line only when every
   * failed step of the run is that step, so that a failed heal or wait
   * beside the defect's step still fails the run.
   */
  step?: number;
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

/** The bound of a finding in the metric's unit, or the reason it has none. */
export function boundOf(finding: KnownFinding): number | { error: string } {
  const parsed = parseThreshold(finding.metric, `<= ${finding.up_to}`);
  return 'error' in parsed ? parsed : parsed.value;
}

/** What a finding covers, for the console and the reports: "up to 6s", "up to 2, in stop faults", "up to 1, of steps[5]". */
export function coverage(f: { up_to?: string; fault?: string; step?: number }): string {
  return `up to ${f.up_to ?? 'any figure'}${f.fault === undefined ? '' : `, in ${f.fault} faults`}${f.step === undefined ? '' : `, of steps[${f.step}]`}`;
}

/** Whether a finding is about this scenario: its name, and a file in the finding's folder when it came from one. */
export function coversScenario(f: KnownFinding, scenario: string, scenarioFile: string | undefined): boolean {
  return f.scenario === scenario && (f.dir === undefined || (scenarioFile !== undefined && dirname(scenarioFile) === f.dir));
}

/** What the known findings made of a run's lines, for the console and the reports. */
export interface KnownOutcome {
  finding: KnownFinding;
  /**
   * reproduced: the line failed within what the finding describes and is
   * excused; absent: it held (the finding is timing-dependent); exceeded:
   * it failed beyond the bound or outside the fault, and counts.
   */
  status: 'reproduced' | 'absent' | 'exceeded';
  /** exceeded: what the failure went beyond. */
  note?: string;
}

/**
 * Why the failing line's evidence is not all attributable to faults of
 * `action`, or undefined when it is (checks/attribution.ts over the run's history).
 */
export type Attributor = (metric: MetricName, action: string) => string | undefined;

/**
 * Why the run's failed steps are not all the failure of steps[index] itself,
 * or undefined when they are (checks/steps.ts over the run's history).
 */
export type StepMatcher = (index: number) => string | undefined;

/**
 * The comparators whose failure lies above the threshold, so that a worst
 * figure bounds it: `>=`, `>` and `!=` fail low (or anywhere), and an
 * upper bound would excuse every such failure.
 */
export const UP_TO_COMPARATORS: readonly Comparator[] = ['<', '<=', '=='];

/** Why this failed line is more than the finding describes, or undefined when the finding covers it. */
function beyond(line: SlaResult, finding: KnownFinding, o: { attribute?: Attributor; failedSteps?: StepMatcher }): string | undefined {
  const step = finding.step === undefined ? undefined : stepNotCovered(line, finding.step, o.failedSteps);
  if (step !== undefined) return step;
  const bound = boundOf(finding);
  if (typeof bound !== 'number') return `known finding's bound up_to ${finding.up_to} cannot be read (${bound.error})`;
  const req = parseThreshold(line.metric, line.threshold);
  if ('error' in req || !UP_TO_COMPARATORS.includes(req.op)) {
    return `the line's threshold ${line.threshold} does not fail above a figure, so known finding's bound up_to ${finding.up_to} cannot bound it`;
  }
  if (line.observed === null) return `not measured, so not shown within known finding's bound up_to ${finding.up_to}`;
  if (line.observed > bound) return `${formatMetric(line.metric, line.observed)} is beyond known finding's bound up_to ${finding.up_to}`;
  if (finding.fault === undefined) return undefined;
  // A statistic over the iterations has no one history whose evidence could be placed in a fault's eras.
  if (line.stat !== undefined) return `judged on the ${line.stat} over the iterations, which no single run's history shows; a finding scoped to fault ${finding.fault} never excuses such a line`;
  const why = o.attribute === undefined ? 'no single run\'s history to attribute it from' : o.attribute(line.metric, finding.fault);
  return why === undefined ? undefined : `not attributable to known finding's fault ${finding.fault}: ${why}`;
}

/** Why a failed line is not the failure of steps[index] alone, or undefined when it is. */
function stepNotCovered(line: SlaResult, index: number, failedSteps: StepMatcher | undefined): string | undefined {
  const at = `known finding's step steps[${index}]`;
  if (line.metric !== 'failed_steps') return `${at} describes failed_steps, not ${line.metric}`;
  // As for a fault: a statistic over the iterations has no one history that names the failed steps.
  if (line.stat !== undefined) return `judged on the ${line.stat} over the iterations, which no single run's history shows; a finding scoped to ${at} never excuses such a line`;
  const why = failedSteps === undefined ? 'no single run\'s history to name the failed steps from' : failedSteps(index);
  return why === undefined ? undefined : `not covered by ${at}: ${why}`;
}

/**
 * Marks failed lines that a finding in range covers as 'known', and notes
 * on passing lines that a finding in range did not reproduce. A finding
 * covers a failure only on a line that fails above a figure, within its
 * bound and, when scoped to a fault, only on a line judged in one run and
 * when `attribute` shows every piece of evidence in that fault's eras, and
 * when scoped to a step, only when `failedSteps` shows that step's failure
 * and no other; a failure beyond that stays failed, its note naming the finding. `strict`
 * counts every failure, and says on a failed line which finding would have
 * excused it, so the reader of a strict run still sees it is the known
 * defect (the outcomes stay empty: nothing was excused). Pure.
 */
export function applyKnownFindings(
  sla: readonly SlaResult[],
  scenario: string,
  versions: Versions,
  findings: readonly KnownFinding[],
  o: { strict?: boolean; scenarioFile?: string; attribute?: Attributor; failedSteps?: StepMatcher } = {},
): { sla: SlaResult[]; outcomes: KnownOutcome[] } {
  const inRangeFor = (line: SlaResult) => findings.filter((f) => f.metric === line.metric && coversScenario(f, scenario, o.scenarioFile) && inRange(f, versions));
  if (o.strict === true) {
    return {
      sla: sla.map((line) => {
        const covering = line.status === 'fail' ? inRangeFor(line).find((f) => beyond(line, f, o) === undefined) : undefined;
        if (covering === undefined) return line;
        const note = `counted because of --strict; known finding otherwise: ${covering.reason} (${covering.reference})`;
        return { ...line, note: [line.note, note].filter((n) => n !== undefined && n !== '').join('; ') };
      }),
      outcomes: [],
    };
  }
  const outcomes: KnownOutcome[] = [];
  const lines = sla.map((line) => {
    const matching = inRangeFor(line);
    const first = matching[0];
    if (first === undefined || line.status === 'deferred' || line.status === 'unknown') return line;
    const known = (f: KnownFinding, reproduced: boolean) => ({ reason: f.reason, reference: f.reference, reproduced, up_to: f.up_to, ...(f.fault === undefined ? {} : { fault: f.fault }), ...(f.step === undefined ? {} : { step: f.step }) });
    if (line.status !== 'fail') {
      outcomes.push(...matching.map((finding) => ({ finding, status: 'absent' as const })));
      return { ...line, known: known(first, false) };
    }
    const judged = matching.map((finding) => ({ finding, note: beyond(line, finding, o) }));
    const covering = judged.find((j) => j.note === undefined);
    if (covering !== undefined) {
      outcomes.push({ finding: covering.finding, status: 'reproduced' });
      return { ...line, status: 'known' as const, known: known(covering.finding, true) };
    }
    const notes = judged.map(({ finding, note = '' }) => `${note}: ${finding.reason} (${finding.reference})`);
    outcomes.push(...judged.map(({ finding, note = '' }) => ({ finding, status: 'exceeded' as const, note })));
    return { ...line, note: [line.note, ...notes].filter((n) => n !== undefined && n !== '').join('; ') };
  });
  return { sla: lines, outcomes };
}
