/**
 * The rule that turns two report folders into a verdict on a change (an
 * upgrade, a new config): pure functions of the figures and statuses, so
 * that the rule can be tested on hand-made values and stated to users
 * exactly as it is applied.
 */
import { spread } from './summary.js';

/** The rule as users read it (comparison.md, comparison.json, the console); the functions below apply it. */
export const COMPARE_RULE = [
  'Each metric is read over the runs of a scenario on each side; lower is better for every one.',
  "The before side's range, from its best run to its worst, is the noise band.",
  "A metric regressed when the after side's median is worse than the before side's worst run by more than the metric's floor,",
  "and improved when the after median is better than the before side's best run by more than the floor; otherwise it is the same.",
  'Floors: 1 s for failover and recovery times (rto, detection, promotion, reroute, unavailability, convergence, recovery),',
  '100 ms for the p99 write latency during the fault, none for counts (lost writes, concurrent primaries, stale-leader writes):',
  "any count above the before side's worst is a regression.",
  "With a single run on a side a scenario's metrics are compared indicatively: shown, but they do not decide the exit code,",
  'since one run is not a distribution (give both sides --iterations 3 or more); its SLA findings still do.',
  'An SLA line that failed (or was excused as a known finding) in some run before and held in every run after is a fixed finding;',
  'one that failed in some run after and in no run before is a new finding, as is a failure in a scenario not run before,',
  'and a scenario that could be judged before but not after (verdict error). A known finding that reproduces after is not counted, as in run.',
  'Exit 1 when a metric regressed (not indicatively) or a finding is new, 0 otherwise.',
].join(' ');

export type ChangeClass = 'regressed' | 'improved' | 'same' | 'fixed finding' | 'new finding' | 'not compared';
export const CHANGE_CLASSES: readonly ChangeClass[] = ['regressed', 'improved', 'same', 'fixed finding', 'new finding', 'not compared'];

/** The classes that make the comparison exit 1 (a metric's only when it was compared over distributions, not indicatively). */
export const GATING: readonly ChangeClass[] = ['regressed', 'new finding'];

/** A metric over one side's runs of a scenario; runs that could not measure it are left out of min/median/max. */
export interface Distribution {
  runs: number;
  measured: number;
  min: number;
  median: number;
  max: number;
}

/**
 * How much worse than the before side's worst run a median must be before
 * it counts: below it, a difference is within what this machine's timing
 * varies by. Counts have no floor: one more lost write is never noise.
 */
export const TIME_FLOOR_MS = 1000;
export const LATENCY_FLOOR_MS = 100;

export function distribution(values: ReadonlyArray<number | null>): Distribution | null {
  const s = spread(values);
  if (s.min === null || s.median === null || s.max === null) return null;
  return { runs: values.length, measured: values.filter((v) => v !== null).length, min: s.min, median: s.median, max: s.max };
}

export interface Classified {
  class: ChangeClass;
  note?: string;
}

/**
 * A metric where lower is better. The before side's range is the noise
 * band: regressed when the after median is worse than the before worst by
 * more than `floor`, improved when it is better than the before best by
 * more than `floor`, the same otherwise.
 */
export function classifyMetric(before: Distribution | null, after: Distribution | null, floor: number): Classified {
  if (before === null || after === null) {
    return { class: 'not compared', note: before === null && after === null ? 'not measured' : before === null ? 'not measured before' : 'not measured after' };
  }
  const partial = [before.measured < before.runs ? `measured in ${before.measured} of ${before.runs} runs before` : '', after.measured < after.runs ? `measured in ${after.measured} of ${after.runs} runs after` : ''].filter((s) => s !== '');
  const note = partial.length > 0 ? { note: partial.join('; ') } : {};
  if (after.median - before.max > floor) return { class: 'regressed', ...note };
  if (before.min - after.median > floor) return { class: 'improved', ...note };
  return { class: 'same', ...note };
}

/** How an SLA line came out in each run of a side, counted by status; any status this version does not know counts as unknown. */
export interface StatusCount {
  runs: number;
  pass: number;
  known: number;
  fail: number;
  unknown: number;
}

export function countStatuses(statuses: readonly string[]): StatusCount {
  const c: StatusCount = { runs: statuses.length, pass: 0, known: 0, fail: 0, unknown: 0 };
  for (const s of statuses) {
    if (s === 'pass' || s === 'known' || s === 'fail') c[s] += 1;
    else c.unknown += 1;
  }
  return c;
}

/**
 * An SLA line's statuses on both sides (null: the side has no judged run of
 * it). A line failing after that never failed (nor was excused as a known
 * finding) before is a new finding; one that failed or was excused before
 * and passed in every run after is a fixed finding. A known finding that
 * reproduces after is not counted, as in `run`.
 */
export function classifyLine(before: StatusCount | null, after: StatusCount | null): Classified {
  const failedBefore = before !== null && before.fail + before.known > 0;
  if (after === null) return { class: 'not compared', note: 'not judged after' };
  if (after.fail > 0 && !failedBefore) return { class: 'new finding', ...(before === null ? { note: 'not judged before' } : {}) };
  if (failedBefore && after.pass === after.runs) return { class: 'fixed finding' };
  if (after.unknown > 0 && after.fail === 0) return { class: 'not compared', note: 'no evidence after (unknown)' };
  if (before === null) return { class: 'not compared', note: 'not judged before' };
  if (before.unknown > 0 && !failedBefore) return { class: 'not compared', note: 'no evidence before (unknown)' };
  if (failedBefore) {
    if (after.fail > 0 && before.fail === 0) return { class: 'same', note: 'still failing; excused before as a known finding, counted after' };
    if (after.fail === 0 && before.fail > 0) return { class: 'same', note: 'still failing; excused after as a known finding' };
    return { class: 'same', note: 'still failing' };
  }
  if (after.known > 0) return { class: 'same', note: 'a known finding reproduced after, not counted (as in run)' };
  return { class: 'same' };
}

/**
 * A scenario's verdicts over its runs: a side that could not be judged
 * (error) after, but could before, is a new finding, since a harness that
 * could not see must not pass a change; null when neither side had an error.
 */
export function classifyVerdicts(errorsBefore: number, runsBefore: number, errorsAfter: number, runsAfter: number): Classified | null {
  if (errorsBefore === 0 && errorsAfter === 0) return null;
  if (errorsAfter > 0 && (runsBefore === 0 || errorsBefore < runsBefore)) return { class: 'new finding', note: 'could not be judged after (verdict error)' };
  if (errorsAfter > 0) return { class: 'not compared', note: 'could not be judged on either side (verdict error)' };
  return { class: 'not compared', note: 'could not be judged before (verdict error)' };
}
