/**
 * The rule that turns two report folders into a verdict on a change (an
 * upgrade, a new config): pure functions of the figures and statuses, so
 * that the rule can be tested on hand-made values and stated to users
 * exactly as it is applied.
 */
import { statOf } from '../checks/over-iterations.js';
import type { Verdict } from './types.js';

/** The rule as users read it (comparison.md, comparison.json, the console); the functions below apply it. */
export const COMPARE_RULE = [
  "Each scenario's after side is judged on its own first: an SLA line that failed in any run after (status fail: not a known finding",
  "for the after side's own versions) makes the exit 1, whatever the before side did. It is a new finding when it held before",
  '(or the scenario was not run before), and still failing when it failed before, counted or excused as a known finding:',
  'a finding excused before and counted after is the upgrade trap, never the same. A known finding that reproduces after,',
  "within its range, is not counted, as in run. A line that failed before and held in every run after is a fixed finding.",
  'A line with no evidence after (unknown, in a run or judged over the iterations) gates as well, since run judges it an error:',
  'a new finding, or still failing when it failed or had no evidence before.',
  'The verdict row counts the runs that did not pass: a run after that could not be judged (verdict error) is a new finding,',
  'or still failing when the before side could not be judged either (the after side is then not verified, so it is no pass);',
  'more failing runs after than before (as a share of the runs) is regressed, as many or fewer still failing, none after a fixed finding.',
  "A scenario's verdict on a side is run's: the worst of its runs and of its lines over the iterations (summary.json); when run judged",
  'the after side red and no row says so, the verdict row is a new finding (still failing when run judged the before side red too).',
  'Alert lines (sla.alerts, report.json alert_sla) are SLA lines, keyed alerts.<rule>, and follow the rule for lines.',
  "Each documented alert rule named in a scenario's runs (report.json alerts) is compared too: whether it fired is read from",
  "the runs with a fault (a firing after the first fault that took effect, as the run's Prometheus evaluated it over that",
  'fault; one whose pending began before the fault is not the fault\'s, as for the fires-within lines; a firing in a run',
  "without a fault is a false alarm, for the never-fires lines), whether it can fire from the run's scrapes (it can never",
  'fire when no target exported a series it reads). A rule that fired before, in any run, is a new finding when it can',
  'never fire after, fired in no run after, or left no evidence in a run after (no alert data: no Prometheus evaluated it,',
  'or an older report); regressed when it fired in a smaller share of the runs after. A rule whose series were exported before',
  'and that can never fire after is a new finding though neither side fired: the after release cannot raise it, whatever',
  'the fault. Firing after where it did not before is not judged here (the alert lines say whether it should); could',
  'never fire before and can after is improved; can never fire on both sides is the same. A rule the before side has',
  'evidence for (a run whose Prometheus evaluated it) and that left no alert data in a run after is unknown: nothing',
  'failed, but the after side is not verified. An alert line judged before (pass, fail or known) that runs after lack (no',
  "Prometheus there, or its rule can never fire there, so no never-fires line was made) is counted on its rule's row when",
  'that row gates or is unknown (once, not twice), else unknown itself; a line the after runs did not ask for while',
  'evaluating its rule is not compared. One gap is counted once: a rule unknown for want of data after whose alert line',
  'gates is counted on the line. Otherwise a side without alert data leaves the rule not compared, with the reason.',
  'Metrics are read over the runs of a scenario on each side; lower is better for each. For time metrics',
  "the before side's centre C is its median (for an even count the worse of the two middle runs) and its spread MAD the median",
  "(nearest rank) of the runs' distances from C; the floor F is the larger of 5 % of C and 1 s (rto, detection, promotion, reroute,",
  'unavailability, convergence and recovery) or 100 ms (the p99 write latency during the fault), where for rto, unavailability and',
  "recovery C less the scenario's sleep steps from its first fault or exec step on (the longest over the before runs) is taken:",
  'a scripted hold times nothing, so 5 % of it would only hide a slower recovery after it; and the band is',
  'C ± max(F, 3 × MAD), so one outlier before does not widen it.',
  'A time metric regressed when the after median is above C + max(F, 3 × MAD), or the after p90 (nearest rank: the worst run',
  "up to 9 runs) is above the larger of that and the before side's p90 + F; improved when the after p90 is below",
  'C − max(F, 3 × MAD); otherwise the same.',
  'Counts (lost writes, concurrent primaries, stale-leader writes, unexpected writes, failed steps, leader changes) get no band:',
  "regressed when any run after is above the before side's worst run, improved when every run after is below its best.",
  "With a single run on a side the scenario's metrics are compared indicatively: shown, and listed when they would have gated,",
  'but they do not decide the exit code, since one run is not a distribution (give both sides --iterations 3 or more); its SLA',
  'findings and verdicts still do.',
  'Exit 1 when a metric regressed (not indicatively), a verdict regressed, or a finding is new or still failing; otherwise exit 3',
  "when run could not judge a scenario's before side (a run, or its judgement over the iterations, with verdict error) while the",
  'after side ran it, or when a row is unknown (evidence before, none after; exit 3 as for an unknown check in run): the',
  'comparison is incomplete, so it cannot say there is no regression; 0 otherwise.',
  'Worked example: rto_ms before 11 s, 12 s, 26 s: C = 12 s, distances 1, 0, 14 s, MAD = 1 s, band 12 s ± max(1 s, 3 s) = 9-15 s;',
  'after 22 s, 23 s, 24 s: median 23 s > 15 s, regressed (the 26 s outlier before does not hide it; the p90 limit is max(15 s, 26 s + 1 s) = 27 s).',
  'lost_writes before 0, 0, 0 and after 0, 0, 3: regressed. SLA lost_writes == 0 known before and fail after: still failing, exit 1.',
].join(' ');

/**
 * `unknown`: the before side had evidence and the after side has none (exit 3, as an unknown check in run: nothing
 * failed, but nothing was verified); `not compared`: a side never had the evidence, or the after side did not ask for it.
 */
export type ChangeClass = 'regressed' | 'improved' | 'same' | 'fixed finding' | 'new finding' | 'still failing' | 'unknown' | 'not compared';
export const CHANGE_CLASSES: readonly ChangeClass[] = ['regressed', 'improved', 'same', 'fixed finding', 'new finding', 'still failing', 'unknown', 'not compared'];

/** The classes that make the comparison exit 1 (a metric's only when it was compared over distributions, not indicatively). */
export const GATING: readonly ChangeClass[] = ['regressed', 'new finding', 'still failing'];

/**
 * Time metrics have a band around the before side's centre; counts have
 * none (one more lost write, or one more leader change, is never noise).
 */
export type MetricKind = 'time' | 'count';

/**
 * A metric over one side's runs of a scenario; runs that could not measure
 * it are left out of every statistic. `median` is the worse middle run for
 * an even count (the nearest-rank p50 of two runs would be the better one,
 * which would hide an after side's bad run); `p90` is nearest rank; `mad`
 * is the nearest-rank median of the distances from `median`.
 */
export interface Distribution {
  runs: number;
  measured: number;
  min: number;
  median: number;
  p90: number;
  max: number;
  mad: number;
}

/** What a time metric's after side was held to: regressed above `upper` (median) or `tail` (p90), improved below `lower` (p90). */
export interface Band {
  lower: number;
  upper: number;
  tail: number;
}

/**
 * How far from the before side's centre a figure must be before it counts:
 * within it, a difference is within what this machine's timing varies by.
 * Counts have no floor: one more lost write is never noise.
 */
export const TIME_FLOOR_MS = 1000;
export const LATENCY_FLOOR_MS = 100;
/**
 * The floor grows with the figure: this machine's timing noise is a share
 * of what it times (loop_wait multiples, a 40 s recovery moving by a second
 * or two between identical runs), so a fixed 1 s floor flagged +1.2 s on a
 * 39 s recovery, 3 runs a side, with no SLA line near. 5 % keeps every
 * figure under 20 s on the fixed floor.
 */
export const RELATIVE_FLOOR = 0.05;

/**
 * The floor a time metric's band uses around the before centre C:
 * max(F, 5 % of (C − H)). H is the scenario's scripted hold inside the
 * figure (its `sleep` steps from the first fault or exec step on), which
 * times nothing and varies by nothing: 5 % of majority-ring's 61 s RTO,
 * 45 s of it the partition's sleep, would let 3 s more of the 16 s that
 * Patroni takes after the heal pass as noise.
 */
export function floorAt(centre: number, floor: number, heldMs = 0): number {
  return Math.max(floor, RELATIVE_FLOOR * Math.max(0, centre - heldMs));
}
/**
 * MADs from the before centre that the band spans. For normal noise σ ≈
 * 1.48 × MAD, so 3 × MAD ≈ 2σ: a single run after lands above it about
 * once in 40, and the median of 3 or more runs far less often; a narrower
 * band would flag noise, a wider one would need a regression of several
 * times the spread before saying so.
 */
export const BAND_MADS = 3;

/** The middle value, the worse (higher) of the two middle ones for an even count. */
function worseMedian(sorted: readonly number[]): number | null {
  return sorted[Math.floor(sorted.length / 2)] ?? null;
}

export function distribution(values: ReadonlyArray<number | null>): Distribution | null {
  const v = values.filter((n): n is number => n !== null).sort((a, b) => a - b);
  const min = statOf('min', v);
  const median = worseMedian(v);
  const p90 = statOf('p90', v);
  const max = statOf('max', v);
  if (min === null || median === null || p90 === null || max === null) return null;
  // Nearest rank (the lower middle for an even count): with two runs before, the spread is 0 and the band is the worse run ± the floor.
  const mad = statOf('p50', v.map((x) => Math.abs(x - median))) ?? 0;
  return { runs: values.length, measured: v.length, min, median, p90, max, mad };
}

/** The limits the after side of a time metric is held to; `heldMs`: the scripted hold inside the figure (floorAt). Pure. */
export function bandOf(before: Distribution, fixedFloor: number, heldMs = 0): Band {
  const floor = floorAt(before.median, fixedFloor, heldMs);
  const half = Math.max(floor, BAND_MADS * before.mad);
  const upper = before.median + half;
  return { lower: before.median - half, upper, tail: Math.max(upper, before.p90 + floor) };
}

export interface Classified {
  class: ChangeClass;
  note?: string;
}

/**
 * A metric where lower is better (COMPARE_RULE). A time metric is held to
 * the band of the before side's centre and spread, on the after median and
 * on its bad tail (p90); a count to the before side's worst run, on the
 * after side's worst.
 */
export function classifyMetric(before: Distribution | null, after: Distribution | null, floor: number, kind: MetricKind, heldMs = 0): Classified {
  if (before === null || after === null) {
    return { class: 'not compared', note: before === null && after === null ? 'not measured' : before === null ? 'not measured before' : 'not measured after' };
  }
  const partial = [before.measured < before.runs ? `measured in ${before.measured} of ${before.runs} runs before` : '', after.measured < after.runs ? `measured in ${after.measured} of ${after.runs} runs after` : ''].filter((s) => s !== '');
  const classed = (c: ChangeClass, why?: string): Classified => {
    const note = [why ?? '', ...partial].filter((s) => s !== '').join('; ');
    return note === '' ? { class: c } : { class: c, note };
  };
  if (kind === 'count') {
    if (after.max > before.max) return classed('regressed', "a run after above the before side's worst");
    if (after.max < before.min) return classed('improved');
    return classed('same');
  }
  const band = bandOf(before, floor, heldMs);
  if (after.median > band.upper) return classed('regressed', 'median above the band');
  if (after.p90 > band.tail) return classed('regressed', 'p90 (bad tail) above the band');
  if (after.p90 < band.lower) return classed('improved');
  return classed('same');
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
 * it). The after side is judged on its own: a line that failed in any run
 * after (not excused by a known finding for the after side's versions,
 * which its status already says) gates, as a new finding when it held
 * before, as still failing when it failed or was excused before. One that
 * failed or was excused before and passed in every run after is a fixed
 * finding. A known finding that reproduces after is not counted, as in `run`.
 * One without evidence after (unknown) gates too, since `run` judges it an
 * error: a new finding, or still failing when the before side failed it or
 * had no evidence either.
 */
export function classifyLine(before: StatusCount | null, after: StatusCount | null): Classified {
  const failedBefore = before !== null && before.fail + before.known > 0;
  if (after === null) return { class: 'not compared', note: 'not judged after' };
  if (after.fail > 0 && !failedBefore) return { class: 'new finding', ...(before === null ? { note: 'not judged before' } : {}) };
  if (after.fail > 0) {
    // The upgrade trap: the before release's range excused it, the after release's does not.
    if (before !== null && before.fail === 0) return { class: 'still failing', note: 'excused before as a known finding, counted after' };
    return { class: 'still failing', note: 'failed before too' };
  }
  if (failedBefore && after.pass === after.runs) return { class: 'fixed finding' };
  if (after.unknown > 0) {
    // run judges a line without evidence an error (the run's, or the scenario's when judged over the iterations): never a pass.
    const why = 'no evidence after (unknown), which run judges an error';
    if (before !== null && before.unknown > 0) return { class: 'still failing', note: 'no evidence on either side (unknown), which run judges an error' };
    if (failedBefore) return { class: 'still failing', note: `failed before; ${why}` };
    return { class: 'new finding', note: before === null ? `${why}; not judged before` : why };
  }
  if (before === null) return { class: 'not compared', note: 'not judged before' };
  if (before.unknown > 0 && !failedBefore) return { class: 'not compared', note: 'no evidence before (unknown)' };
  if (before.fail > 0) return { class: 'same', note: 'failed before; excused after as a known finding, not counted (as in run)' };
  if (failedBefore) return { class: 'same', note: 'a known finding on both sides, not counted (as in run)' };
  if (after.known > 0) return { class: 'same', note: 'a known finding reproduced after, not counted (as in run)' };
  return { class: 'same' };
}

/**
 * A scenario's run verdicts on each side, as counts (pass, fail, and error
 * as unknown); null when there is nothing to say (every run passed, or the
 * scenario did not run after). Every after side with a run that `run`
 * would judge red (fail or error) gets a gating class, so the comparison
 * never exits 0 over it:
 * - error after: a new finding, or still failing when the before side
 *   could not be judged either; a harness that could not see must not pass
 *   a change, and two blind sides verify nothing;
 * - fail after: regressed when a larger share of the runs failed than
 *   before (a new failure included), still failing otherwise.
 */
export function classifyVerdicts(before: StatusCount | null, after: StatusCount | null): Classified | null {
  if (after === null) return null;
  const notPassing = (c: StatusCount) => c.runs - c.pass;
  const share = `not passing in ${notPassing(after)} of ${after.runs} run${after.runs === 1 ? '' : 's'} after, ${before === null ? 'not run before' : `${notPassing(before)} of ${before.runs} before`}`;
  if (after.unknown > 0) {
    if (before === null || before.unknown === 0) return { class: 'new finding', note: `could not be judged after (verdict error); ${share}` };
    return { class: 'still failing', note: `could not be judged on either side (verdict error), so the after side is not verified; ${share}` };
  }
  if (after.fail > 0) {
    if (before === null) return { class: 'new finding', note: share };
    // A larger share, not a larger number: the sides may have run a scenario a different number of times.
    if (notPassing(after) * before.runs > notPassing(before) * after.runs) return { class: 'regressed', note: `more failing runs after; ${share}` };
    return { class: 'still failing', note: share };
  }
  if (before === null || notPassing(before) === 0) return null;
  if (before.fail > 0) return { class: 'fixed finding', note: share };
  return { class: 'not compared', note: 'could not be judged before (verdict error)' };
}

/**
 * The net under the rows: the verdict `run` gave a scenario on the after
 * side (summary.json: the worst of its runs and of its lines over the
 * iterations) when red and no row of the scenario gates. A new finding, or
 * still failing when run judged the before side red too; null when run
 * judged it a pass or did not judge it.
 */
export function classifyScenarioVerdict(before: Verdict | null, after: Verdict | null): Classified | null {
  if (after === null || after === 'pass') return null;
  const red = before !== null && before !== 'pass';
  return { class: red ? 'still failing' : 'new finding', note: `run judged the scenario ${after} after${before === null ? '' : `, ${before} before`}` };
}

/**
 * A scenario that `run` could not judge on the before side (a run, or its
 * judgement over the iterations, with verdict error) leaves its comparison
 * incomplete: what it would have held the after side to is missing.
 */
export function incompleteBefore(before: Verdict | null, after: Verdict | null): boolean {
  return before === 'error' && after !== null;
}

/**
 * A documented alert rule over one side's runs of a scenario, as the runs'
 * report.json `alerts` say. Whether it fired is asked of runs with a fault
 * only (the first firing after the first fault): a rule firing in a run
 * without one is a false alarm, for the scenario's `never fires` lines to
 * judge, not a detection the after side could lose.
 */
export interface AlertRuleSide {
  runs: number;
  /** Runs with a fault injected (the timeline's first fault). */
  faulted: number;
  /** Faulted runs in which the run's Prometheus evaluated the rule: whether it fired is known. */
  watched: number;
  /** Watched runs in which it fired after the first fault. */
  fired: number;
  /** Runs whose scrapes found the series it reads (series presence), and runs whose scrapes found that it can never fire. */
  can_fire: number;
  cannot_fire: number;
  /** Selectors no target exported, over the runs where it can never fire. */
  missing: string[];
  /** Why runs said nothing of it (no alerts section, no Prometheus, ...), each with how many runs. */
  no_data: Array<{ why: string; runs: number }>;
}

const runsOf = (n: number) => `${n} run${n === 1 ? '' : 's'}`;
const noData = (s: AlertRuleSide): string => s.no_data.map((d) => `${d.why} (${d.runs} of ${runsOf(s.runs)})`).join('; ');
const missingOf = (s: AlertRuleSide): string => `no target exported ${s.missing.length === 0 ? 'its series' : s.missing.join(', ')}${s.cannot_fire < s.runs ? ` (in ${s.cannot_fire} of ${runsOf(s.runs)})` : ''}`;
/** Runs of a side that said something of the rule (each run gives at most one reason for saying nothing). */
export const evidenceRuns = (s: AlertRuleSide): number => s.runs - s.no_data.reduce((n, d) => n + d.runs, 0);
const firedOf = (s: AlertRuleSide, side: string): string => `fired in ${s.fired} of ${runsOf(s.watched)} ${side}`;

/**
 * A documented alert rule on both sides of a scenario (COMPARE_RULE). The
 * change judged is monitoring lost: a rule that fired after the fault
 * before, and after cannot fire (its series gone), did not fire, or left
 * no evidence whether it fires, is a new finding; firing in a smaller share
 * of the runs is regressed. A rule whose series were exported before and
 * that can never fire after is a new finding though neither side fired: the
 * after release cannot raise it whatever happens, a fact of its scrapes, not
 * of this scenario's fault. Firing after where it did not before is not
 * judged here (the scenario's alert lines say whether it should). A rule
 * the before side evaluated and that left no alert data in a run after is
 * unknown: no finding, but the after side did not show what the before
 * side did, so the comparison cannot pass.
 */
export function classifyAlertRule(before: AlertRuleSide, after: AlertRuleSide): Classified {
  const unknownAfter = after.no_data.length > 0 ? `; no alert data after: ${noData(after)}` : '';
  if (before.fired > 0) {
    if (after.cannot_fire > 0) return { class: 'new finding', note: `${firedOf(before, 'before')}; can never fire after: ${missingOf(after)}` };
    if (after.watched === 0) return { class: 'new finding', note: `${firedOf(before, 'before')}; no evidence after that it fires${after.faulted === 0 ? ': no run after had a fault' : ''}${unknownAfter}` };
    if (after.fired === 0) return { class: 'new finding', note: `${firedOf(before, 'before')}, in none of ${runsOf(after.watched)} after${unknownAfter}` };
    // A share, as for verdicts: the sides may have run the scenario a different number of times.
    if (after.fired * before.watched < before.fired * after.watched) return { class: 'regressed', note: `${firedOf(before, 'before')}, ${firedOf(after, 'after')}${unknownAfter}` };
    // As a line unknown in one run after gates: the runs that left no evidence may be those it no longer fires in.
    if (unknownAfter !== '') return { class: 'new finding', note: `${firedOf(before, 'before')}, ${firedOf(after, 'after')}, no evidence from the other runs after${unknownAfter}` };
    return { class: 'same' };
  }
  if (after.cannot_fire > 0) {
    if (before.can_fire > 0) return { class: 'new finding', note: `its series were exported before (in ${before.can_fire} of ${runsOf(before.runs)}); can never fire after: ${missingOf(after)}; fired on neither side` };
    if (before.cannot_fire > 0) return { class: 'same', note: 'can never fire on either side' };
    const why = before.no_data.length > 0 ? `no alert data before: ${noData(before)}` : 'its scrapes before did not settle whether it could fire';
    return { class: 'not compared', note: `${why}; can never fire after: ${missingOf(after)}` };
  }
  if (before.cannot_fire > 0 && after.can_fire > 0) return { class: 'improved', note: `could never fire before: ${missingOf(before)}; its series exported after` };
  if (after.fired > 0) {
    if (before.watched === 0) return { class: 'not compared', note: `${firedOf(after, 'after')}; no evidence before whether it fired${before.no_data.length > 0 ? `: ${noData(before)}` : ''}` };
    return { class: 'same', note: `${firedOf(after, 'after')}, in none of ${runsOf(before.watched)} before: not judged here (the scenario's alert lines say whether it should fire)` };
  }
  if (after.no_data.length > 0) {
    // The before side watched it and the after side did not: not a failure, but no pass either (run's unknown).
    const seen = evidenceRuns(before);
    if (seen > 0) return { class: 'unknown', note: `evaluated before (in ${seen} of ${runsOf(before.runs)}); no alert data after: ${noData(after)}` };
    return { class: 'not compared', note: `no alert data after: ${noData(after)}` };
  }
  if (before.no_data.length > 0) return { class: 'not compared', note: `no alert data before: ${noData(before)}` };
  return { class: 'same' };
}
